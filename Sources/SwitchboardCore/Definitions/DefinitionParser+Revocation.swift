import Yams

extension DefinitionParser {
    /// `oauth2: revocation:` — how DISCONNECT revokes at `revokeUrl` (`RevocationOptions`).
    /// Every combination that could not work is refused here, with the file and line.
    static func revocation(_ oauth: MappingReader) throws -> RevocationOptions? {
        guard let node = oauth.value("revocation") else { return nil }
        let map = try oauth.reader.mapping(node, context: oauth.context.isEmpty ? "revocation" : "\(oauth.context), revocation")
        try map.rejectUnknownKeys(["style", "tokens", "tokenParam", "clientAuth", "revokesGrant", "successStatus", "successJson"])
        let style: RevocationOptions.Style = try enumValue(map, "style", default: .rfc7009)
        var options = RevocationOptions(style: style)

        if map.value("tokens") != nil {
            var tokens: [RevocationOptions.Token] = []
            for name in try map.stringList("tokens") {
                guard let token = RevocationOptions.Token(rawValue: name) else {
                    throw map.error("tokens", "'tokens' may name refresh_token and access_token only (found '\(TerminalText.escaped(name))')")
                }
                guard !tokens.contains(token) else { throw map.error("tokens", "'tokens' names \(name) twice") }
                tokens.append(token)
            }
            guard !tokens.isEmpty else { throw map.error("tokens", "'tokens' needs at least one of refresh_token, access_token") }
            if style == .bearer, tokens.contains(.refreshToken) {
                throw map.error("tokens", "style bearer sends the token as the Bearer credential, which a refresh token never is; use tokens: [access_token]")
            }
            options.tokens = tokens
        }

        if let param = try map.string("tokenParam") {
            guard style == .json || style == .delete else {
                throw map.error("tokenParam", "'tokenParam' names the JSON body key of style json or delete; style \(style.rawValue) has no such key")
            }
            guard !param.trimmingCharacters(in: .whitespaces).isEmpty else { throw map.error("tokenParam", "'tokenParam' must not be empty") }
            options.tokenParam = param
        }

        if map.value("clientAuth") != nil {
            guard options.authenticatesClient else {
                throw map.error("clientAuth", "style bearer authenticates with the token itself and sends no client credentials; remove 'clientAuth'")
            }
            options.clientAuth = try enumValue(map, "clientAuth", default: ClientAuthMethod.basic)
        }

        options.revokesGrant = try map.bool("revokesGrant") ?? false
        if map.value("successStatus") != nil { options.successStatus = try successStatus(map) }
        options.successJson = try expectedJSON(map, key: "successJson") ?? [:]
        return options
    }

    /// `successStatus: 204` or `successStatus: [200, 204]`: 2xx only.
    private static func successStatus(_ map: MappingReader) throws -> [Int] {
        let statuses = try statusList(map, "successStatus")
        if let wrong = statuses.first(where: { !(200...299).contains($0) }) {
            throw map.error("successStatus", "'successStatus' lists \(wrong); only a 2xx status can confirm a revocation")
        }
        return statuses
    }

    /// `KEY: 204` or `KEY: [200, 204]`: HTTP status codes, at least one, none twice.
    static func statusList(_ map: MappingReader, _ key: String) throws -> [Int] {
        let statuses: [Int]
        if case .scalar = map.value(key) {
            statuses = [try map.int(key)].compactMap { $0 }
        } else {
            statuses = try map.list(key).map { item in
                guard case .scalar(let scalar) = item, let status = Int(scalar.string) else {
                    throw map.reader.error(item, map.context, "'\(key)' must be an HTTP status code or a list of them")
                }
                return status
            }
        }
        guard !statuses.isEmpty else { throw map.error(key, "'\(key)' needs at least one HTTP status code") }
        if let wrong = statuses.first(where: { !(100...599).contains($0) }) {
            throw map.error(key, "'\(key)' must be HTTP status codes (found \(wrong))")
        }
        if statuses.count != Set(statuses).count { throw map.error(key, "'\(key)' names a status twice") }
        return statuses
    }
}
