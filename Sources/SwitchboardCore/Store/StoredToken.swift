import Foundation

/// OAuth tokens as sealed in the `token` table: the whole JSON is encrypted.
package struct StoredToken: Codable, Sendable, Equatable {
    package var accessToken: String
    package var tokenType: String?
    package var refreshToken: String?
    package var scope: String?
    package var expiresAt: String?
    /// True when `expiresAt` is the type's `assumedLifetime`, not the provider's word: a
    /// 401 may then mean it ended sooner. Optional so tokens sealed before it decode.
    package var expiryAssumed: Bool?

    package init(accessToken: String, tokenType: String? = nil, refreshToken: String? = nil, scope: String? = nil, expiresAt: String? = nil,
                 expiryAssumed: Bool? = nil) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.refreshToken = refreshToken
        self.scope = scope
        self.expiresAt = expiresAt
        self.expiryAssumed = expiryAssumed
    }

    /// The expiry the provider gave, else the assumed one (`expiryAssumed` says which).
    static func expiry(_ response: TokenResponse, receivedAt: Date, assumedLifetime: Int?) -> (String?, Bool?) {
        if let given = response.expiresAt(after: receivedAt) { return (Timestamp.string(from: given), nil) }
        guard let assumedLifetime else { return (nil, nil) }
        return (Timestamp.string(from: receivedAt.addingTimeInterval(TimeInterval(assumedLifetime))), true)
    }

    /// Whether the provider told when this token ends.
    package var expiryKnown: Bool { expiresAt != nil && expiryAssumed != true }

    package var secretValues: [String] { [accessToken, refreshToken].compactMap { $0 } }

    /// The sealed token from its JSON. What `Store.sealedJSON` writes (a flat object of
    /// known keys, strings with simple escapes, a boolean) is read directly; anything else
    /// (older tokens, `\u` escapes, a key twice) goes to `JSONDecoder`, so both paths give
    /// the same token. JSONDecoder was a tenth of loading a connection for refresh (callgrind).
    static func decode(_ text: String) throws -> StoredToken {
        if let token = FlatTokenJSON.parse(text) { return token }
        return try JSON.decode(StoredToken.self, from: text)
    }
    func encoded() throws -> String { try JSON.encode(self) }
}

/// A reader for the one shape `Store.sealedJSON` writes; nil for anything else.
enum FlatTokenJSON {
    static func parse(_ text: String) -> StoredToken? {
        var text = text
        return text.withUTF8 { bytes -> StoredToken? in
            var reader = Reader(bytes: bytes)
            return reader.token()
        }
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func token() -> StoredToken? {
            guard take(UInt8(ascii: "{")) else { return nil }
            // Five slots, not a dictionary: hashing each key was most of this reader's cost.
            var access, expires, refresh, scope, type: String?
            var assumed: Bool?
            var first = true
            func set(_ slot: inout String?, _ value: String?) -> Bool {
                guard slot == nil, let value else { return false }
                slot = value
                return true
            }
            while !take(UInt8(ascii: "}")) {
                if !first { guard take(UInt8(ascii: ",")) else { return nil } }
                first = false
                guard take(UInt8(ascii: "\"")) else { return nil }
                let ok: Bool
                if literal("accessToken\":") { ok = set(&access, string()) }
                else if literal("expiresAt\":") { ok = set(&expires, string()) }
                else if literal("refreshToken\":") { ok = set(&refresh, string()) }
                else if literal("scope\":") { ok = set(&scope, string()) }
                else if literal("tokenType\":") { ok = set(&type, string()) }
                else if literal("expiryAssumed\":"), assumed == nil {
                    if literal("true") { assumed = true } else if literal("false") { assumed = false } else { return nil }
                    ok = true
                } else {
                    // Another key, a key with an escape or a key twice: JSONDecoder's to read.
                    return nil
                }
                guard ok else { return nil }
            }
            guard at == bytes.count, let access else { return nil }
            return StoredToken(accessToken: access, tokenType: type, refreshToken: refresh, scope: scope, expiresAt: expires, expiryAssumed: assumed)
        }

        mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            for index in 0..<count where bytes[at + index] != word.utf8Start[index] { return false }
            at += count
            return true
        }

        /// A string with no escapes but `\"`, `\\`, `\/`, `\n`, `\r` and `\t`, and no raw
        /// control character (which JSON forbids).
        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            // Most strings have no escape: made straight from their bytes.
            let start = at
            while at < bytes.count {
                switch bytes[at] {
                case UInt8(ascii: "\""):
                    at += 1
                    // A slice of a String cut at ASCII quotes is valid UTF-8: no validation
                    // (`String(validating:)` is not specialized for a buffer: 1,000
                    // instructions a string, callgrind).
                    return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(at - 1)]), as: UTF8.self)
                case UInt8(ascii: "\\"):
                    return escapedString(from: start)
                case 0..<0x20:
                    return nil
                default:
                    at += 1
                }
            }
            return nil
        }

        /// The rest of a string that has an escape, from its first byte at `start`.
        private mutating func escapedString(from start: Int) -> String? {
            var out = Array(bytes[start..<at])
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { return nil }
                    let escaped = bytes[at]
                    at += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escaped)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    default: return nil
                    }
                case 0..<0x20:
                    return nil
                default:
                    out.append(byte)
                }
            }
            return nil
        }
    }
}
