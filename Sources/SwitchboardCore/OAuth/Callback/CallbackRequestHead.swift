/// The request line of what a browser sends to the callback catcher, read from the bytes
/// received so far, or from a head an HTTP parser split. Pure: the server around it feeds
/// it and acts on the answer.
///
/// The catcher only needs the method and the target (path and query). Headers are read
/// up to the blank line and ignored; a body is never read, since the answer closes the
/// connection. Anything that is not a plain HTTP/1.x request line is `.malformed`.
package enum CallbackRequestHead: Equatable, Sendable {
    /// No blank line yet: keep reading.
    case incomplete
    case request(CallbackRequest)
    case malformed

    /// A head larger than this is refused (browsers send a few hundred bytes).
    package static let maximumSize = 16 * 1024

    /// `searchFrom`: how many bytes an earlier call already saw without finding the end of
    /// the head, so a head that arrives a byte at a time is scanned once, not once per byte.
    package static func parse(_ bytes: [UInt8], searchFrom: Int = 0) -> CallbackRequestHead {
        guard let headEnd = endOfHead(bytes, from: max(0, searchFrom - 2)) else {
            return bytes.count > maximumSize || !startsLikeRequest(bytes) ? .malformed : .incomplete
        }
        guard headEnd <= maximumSize else { return .malformed }
        var lineEnd = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? headEnd
        if lineEnd > 0, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let parts = bytes[..<lineEnd].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        guard parts.count == 3, parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0" else { return .malformed }
        return CallbackRequestHead(method: parts[0], target: parts[1], version: (1, parts[2] == "HTTP/1.1" ? 1 : 0))
    }

    /// The same checks over a request line an HTTP parser already split (the catcher's
    /// NIOHTTP1 pipeline hands over `HTTPRequestHead`'s method, URI and version): never
    /// `.incomplete`.
    package init(method: String, target: String, version: (major: Int, minor: Int)) {
        // Printable ASCII only: no control characters or bytes a terminal could act on.
        let printable = { (text: String) in text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F } }
        guard printable(method), printable(target), Self.isMethod(method), version.major == 1, version.minor == 0 || version.minor == 1,
              let (path, query) = Self.splitTarget(target) else {
            self = .malformed
            return
        }
        self = .request(CallbackRequest(method: method, path: path, query: query))
    }

    /// Index just past the first empty line (CRLF CRLF, or bare LF LF as RFC 9112 allows).
    static func endOfHead(_ bytes: [UInt8], from start: Int = 0) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == UInt8(ascii: "\r"), bytes[index + 2] == UInt8(ascii: "\n") { return index + 3 }
            }
            index += 1
        }
        return nil
    }

    /// A request line starts with an upper-case method: anything else is refused at once
    /// rather than after the read deadline.
    static func startsLikeRequest(_ bytes: [UInt8]) -> Bool {
        for byte in bytes.prefix(17) {  // a method of at most 16 letters, then a space
            if byte == UInt8(ascii: " ") { return true }
            guard byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") else { return false }
        }
        return bytes.count <= 16
    }

    static func isMethod(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 16 && text.utf8.allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
    }

    /// Origin form (`/callback?code=…`) or absolute form (`http://host:port/callback?…`,
    /// which RFC 9112 says a server must accept). The path and query stay percent-encoded.
    static func splitTarget(_ target: String) -> (path: String, query: String)? {
        var rest = Substring(target)
        if rest.lowercased().hasPrefix("http://") {
            rest = rest.dropFirst("http://".count)
            guard let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return ("/", "") }
            rest = rest[slash...]
            if rest.first == "?" { rest = Substring("/" + rest) }
        }
        guard rest.first == "/" else { return nil }
        let withoutFragment = rest.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let pieces = withoutFragment.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        return (String(pieces[0]), pieces.count > 1 ? String(pieces[1]) : "")
    }
}
