/// The parts of a URL that messages may show (scheme, host, port, path), without user info.
///
/// Deliberately a light split rather than Foundation's `URL`: libcurl does the real parsing,
/// and this must not reject URLs libcurl accepts (e.g. `{` in a query); it only provides
/// context for error messages and a printable URL.
struct URLTarget: Sendable, Equatable {
    var scheme: String
    var hasUserInfo: Bool
    var host: String
    var port: Int?
    var path: String
    var query: String?

    init?(_ url: String) {
        guard let separator = url.range(of: "://") else { return nil }
        scheme = url[..<separator.lowerBound].lowercased()
        let rest = url[separator.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        hasUserInfo = authority.contains("@")
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }

        // `[v6]:port`, `host:port` or a bare host.
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            hostPart = authority[...close]
            let afterClose = authority[authority.index(after: close)...]
            if afterClose.hasPrefix(":") { portPart = afterClose.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        guard !scheme.isEmpty else { return nil }
        host = String(hostPart)
        if let portPart, !portPart.isEmpty {
            guard let number = Int(portPart), (0...65535).contains(number) else { return nil }
            port = number
        }

        var target = rest[authorityEnd...]
        if let hash = target.firstIndex(of: "#") { target = target[..<hash] }
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = String(target)
        }
    }

    var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }

    /// `host:port` with the port always present: what "could not connect to …" names.
    var hostAndPort: String { "\(host):\(effectivePort)" }

    /// `host` or `host:port` as written, user info removed.
    var authority: String { port.map { "\(host):\($0)" } ?? host }

    /// The URL without user info or fragment.
    var display: String {
        scheme + "://" + authority + path + (query.map { "?" + $0 } ?? "")
    }
}
