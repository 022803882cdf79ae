// Fuzz target `token-response`: OAuthResponseParser.token, fed what a token endpoint (or
// whatever answers in its place: a proxy's HTML page, a form-encoded body, a truncated
// JSON) may send. The bytes are the body; each body is read as several responses, so the
// seeds stay plain bodies: 200 JSON, 200 form-encoded, 400 JSON, 200 without a content
// type, 503 HTML.
//
// Invariants checked on top of "does not crash": a parsed token has a non-empty access
// token, a non-empty token type, no negative lifetime, and an expiry the store can write
// as a timestamp; every error renders to a sentence.
import Foundation
@testable import SwitchboardCore

private let variants: [(Int, HTTPHeaders)] = [
    (200, ["Content-Type": "application/json"]),
    (200, ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"]),
    (400, ["Content-Type": "application/json;charset=UTF-8"]),
    (200, [:]),
    (503, ["Content-Type": "text/html"]),
]
private let keep = ["team.id", "realmId", "id_token", "authed_user.id", "a..b", ""]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenResponse(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let body = Data(UnsafeBufferPointer(start: data, count: size))
    for (status, headers) in variants {
        let response = HTTPResponse(status: status, headers: headers, body: body)
        do {
            let token = try OAuthResponseParser.token(response, keepMetadata: keep)
            precondition(!token.accessToken.isEmpty && !token.tokenType.isEmpty, "empty access token or type")
            precondition((token.expiresIn ?? 0) >= 0, "negative lifetime")
            _ = token.description
            // What the store does with the lifetime (Store+Tokens, Store+OAuthRefresh).
            _ = token.expiresAt(after: Date(timeIntervalSince1970: 1_700_000_000)).map(Timestamp.string(from:))
        } catch {
            _ = String(describing: error)
        }
    }
    return 0
}
