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
        // Bytes rather than Characters: this runs for every request.
        let bytes = Array(url.utf8)
        func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func firstIndex(in range: Range<Int>, where predicate: (UInt8) -> Bool) -> Int? {
            range.first { predicate(bytes[$0]) }
        }

        guard let colon = firstIndex(in: 0..<bytes.count, where: { $0 == UInt8(ascii: ":") }),
              colon > 0, bytes.count >= colon + 3,
              bytes[colon + 1] == UInt8(ascii: "/"), bytes[colon + 2] == UInt8(ascii: "/") else { return nil }
        scheme = text(0..<colon).lowercased()
        let authorityStart = colon + 3
        let authorityEnd = firstIndex(in: authorityStart..<bytes.count) {
            $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#")
        } ?? bytes.count
        var hostStart = authorityStart
        hasUserInfo = false
        if let at = (authorityStart..<authorityEnd).last(where: { bytes[$0] == UInt8(ascii: "@") }) {
            hasUserInfo = true
            hostStart = at + 1
        }

        // `[v6]:port`, `host:port` or a bare host.
        var hostEnd = authorityEnd
        var portRange: Range<Int>?
        if hostStart < authorityEnd, bytes[hostStart] == UInt8(ascii: "["),
           let close = firstIndex(in: hostStart..<authorityEnd, where: { $0 == UInt8(ascii: "]") }) {
            hostEnd = close + 1
            if hostEnd < authorityEnd, bytes[hostEnd] == UInt8(ascii: ":") { portRange = (hostEnd + 1)..<authorityEnd }
        } else if let portColon = (hostStart..<authorityEnd).last(where: { bytes[$0] == UInt8(ascii: ":") }) {
            hostEnd = portColon
            portRange = (portColon + 1)..<authorityEnd
        }
        host = text(hostStart..<hostEnd)
        if let portRange, !portRange.isEmpty {
            guard let number = Int(text(portRange)), (0...65535).contains(number) else { return nil }
            port = number
        }

        let targetEnd = firstIndex(in: authorityEnd..<bytes.count) { $0 == UInt8(ascii: "#") } ?? bytes.count
        if let mark = firstIndex(in: authorityEnd..<targetEnd, where: { $0 == UInt8(ascii: "?") }) {
            path = text(authorityEnd..<mark)
            query = text((mark + 1)..<targetEnd)
        } else {
            path = text(authorityEnd..<targetEnd)
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
