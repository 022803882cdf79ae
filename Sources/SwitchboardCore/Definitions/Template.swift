import Foundation

/// `{{name}}` substitution used by template fields and test requests.
package enum Template {
    /// Field keys a template refers to, in order. Remembered by text: a refresh pass checks
    /// each connection's provenance (`ValueProvenance`, `OAuthClient.guarded`), which reads
    /// the same few definitions' templates over and over, and Foundation's `range(of:)`
    /// made each parse cost thousands of instructions (callgrind over 300 refreshes: the
    /// provenance checks were 6% of the pass). Templates come from imported definitions, so
    /// they are few and short; the memo is bounded all the same (entries and their length).
    package static func references(in template: String) -> [String] {
        parsed.value(for: template) { parse(template) }
    }

    private static let parsed = BoundedMemo<String, [String]>(capacity: 1024, admits: { $0.utf8.count <= 4096 })

    private static func parse(_ template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            names.append(rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// The names a URL template uses up to the end of its host and port, which decide where
    /// the request goes: everything before the first `/` after `://`, or, for a template that
    /// starts with a name (`{{instance_url}}/x`), that first name too.
    package static func authorityReferences(in url: String) -> [String] {
        let start = url.range(of: "://")?.upperBound ?? url.startIndex
        let end = url[start...].firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? url.endIndex
        var names = references(in: String(url[..<end]))
        if url.hasPrefix("{{"), let first = references(in: url).first, !names.contains(first) { names.append(first) }
        return names
    }

    /// Replaces every `{{name}}` with `values[name]`; unknown names become empty.
    package static func render(_ template: String, values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            out += rest[..<open.lowerBound]
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            out += values[name] ?? ""
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}
