extension DefinitionParser {
    /// `oauth2: lookup: {url, headers, keep}` (`MetadataLookup`). Parsed after the
    /// metadata lists: its URL may name token metadata (the provider's word) only, its
    /// headers callback metadata too (written by whoever completes the browser step, so
    /// never where the token goes).
    static func lookup(_ oauth: MappingReader) throws -> MetadataLookup? {
        guard let node = oauth.value("lookup") else { return nil }
        let map = try oauth.reader.mapping(node, context: oauth.context.isEmpty ? "lookup" : "\(oauth.context), lookup")
        try map.rejectUnknownKeys(["url", "headers", "keep"])
        let url = try map.requiredString("url")
        let tokenMetadata = Set(try oauth.stringList("tokenMetadata"))
        let metadata = tokenMetadata.union(try oauth.stringList("callbackMetadata"))
        let references = Template.references(in: url)
        if let field = references.first(where: { !tokenMetadata.contains($0) }) {
            throw map.error("url", "the lookup URL may name token metadata only, not '\(TerminalText.escaped(field))': it is sent with the access token")
        }
        if references.isEmpty, let problem = FieldValidator.urlProblem(url) { throw map.error("url", "the lookup URL is not usable: \(problem)") }
        if url.components(separatedBy: "{{").count != url.components(separatedBy: "}}").count {
            throw map.error("url", "the lookup URL has an unclosed {{")
        }
        let headers = try map.stringMap("headers")
        for name in Template.references(in: headers.values.joined()) where !metadata.contains(name) && name != "access_token" {
            throw map.error("headers", "lookup headers may name access_token and metadata only, not '\(TerminalText.escaped(name))'")
        }
        let keep = try map.stringMap("keep")
        guard !keep.isEmpty else { throw map.error("keep", "'keep' needs at least one key: path pair, e.g. {cloudId: 0.id}") }
        for (key, path) in keep.sorted(by: { $0.key < $1.key }) {
            guard key.first.map({ $0.isLetter || $0 == "_" }) == true, key.allSatisfy({ ($0.isLetter || $0.isNumber || $0 == "_") && $0.isASCII }) else {
                throw map.error("keep", "a kept metadata key must be letters, digits and _ (found '\(TerminalText.escaped(key))')")
            }
            if metadata.contains(key) { throw map.error("keep", "'\(key)' is kept from the callback or token response already") }
            if key == "access_token" { throw map.error("keep", "'access_token' names the token itself; choose another key") }
            guard !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
                throw map.error("keep", "the path of '\(key)' must be dotted keys such as 0.id (found '\(TerminalText.escaped(path))')")
            }
        }
        return MetadataLookup(url: url, headers: headers, keep: keep)
    }
}
