import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636): a secret verifier kept by Switchboard and the
/// challenge derived from it that goes into the authorize URL.
package struct PKCE: Sendable, Equatable {
    package let method: PKCEMethod
    /// The secret sent only to the token endpoint. Empty when the method is `none`.
    package let verifier: String
    /// What the authorize URL carries (`code_challenge`); nil when the method is `none`.
    package var challenge: String? { Self.challenge(for: verifier, method: method) }

    package init(method: PKCEMethod, verifier: String) {
        self.method = method
        self.verifier = method == .none ? "" : verifier
    }

    /// A fresh verifier: 32 random bytes as base64url, 43 characters from the unreserved
    /// set (RFC 7636 §4.1 asks for 43-128 characters and ≥256 bits of entropy).
    package static func generate(_ method: PKCEMethod) -> PKCE {
        PKCE(method: method, verifier: method == .none ? "" : Base64URL.encode(SecureRandom.bytes(32)))
    }

    /// `S256`: BASE64URL(SHA256(ASCII(verifier))); `plain`: the verifier itself (§4.2).
    package static func challenge(for verifier: String, method: PKCEMethod) -> String? {
        switch method {
        case .none: nil
        case .plain: verifier
        case .s256: Base64URL.encode(Data(SHA256.hash(data: Data(verifier.utf8))))
        }
    }

    /// RFC 7636 §4.1: 43 to 128 characters of `[A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~"`.
    package static func isValidVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                true
            default:
                false
            }
        }
    }
}

/// Base64url without padding (RFC 4648 §5), as PKCE and `state` use it.
package enum Base64URL {
    package static func encode(_ data: Data) -> String {
        var text = data.base64EncodedString()
        text = text.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }
}

/// Bytes from the system's cryptographically secure generator (getrandom on Linux).
enum SecureRandom {
    static func bytes(_ count: Int) -> Data {
        var generator = SystemRandomNumberGenerator()
        var data = Data(capacity: count)
        for _ in 0..<count { data.append(UInt8.random(in: .min ... .max, using: &generator)) }
        return data
    }
}
