import Crypto
import Foundation

/// The `state` of one authorization request (RFC 6749 §10.12): 256 random bits, used once,
/// valid for a limited time. Only its SHA-256 is stored, so the database never holds a
/// value that could complete someone's pending authorization.
package struct AuthorizationState: Sendable, Equatable, CustomStringConvertible {
    package let value: String

    package init(value: String) { self.value = value }

    /// 32 random bytes as base64url: 43 characters, 256 bits (the spec asks for ≥128).
    package static func generate() -> AuthorizationState {
        AuthorizationState(value: Base64URL.encode(SecureRandom.bytes(32)))
    }

    /// Hex SHA-256: the key of the pending authorization in the database.
    package var hash: String { Self.hash(value) }

    package static func hash(_ state: String) -> String {
        SHA256.hash(data: Data(state.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Compares without an early exit, so the time taken does not tell an attacker how many
    /// leading characters of a guess were right.
    package func matches(_ candidate: String) -> Bool {
        Self.constantTimeEquals(value, candidate)
    }

    package static func constantTimeEquals(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        // Length is not secret (always 43 for ours); still walk the longer input fully.
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        difference |= left.count == right.count ? 0 : 1
        let count = max(left.count, right.count)
        for index in 0..<count {
            let x = index < left.count ? left[index] : 0
            let y = index < right.count ? right[index] : 0
            difference |= x ^ y
        }
        return difference == 0
    }

    /// Never printed whole: the state is a bearer of the pending authorization.
    package var description: String { "state(\(value.count) chars)" }
}
