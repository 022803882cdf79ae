import Foundation

/// How a provider revokes tokens at DISCONNECT: the shape of the request, which tokens
/// it takes, and what answer counts as done. The `oauth2: revocation:` key of a
/// connection type; without it, RFC 7009 at `revokeUrl` (success = HTTP 200), as before.
/// The address is always the `revokeUrl` field, so a `template` field can build it from
/// other fields (GitHub's `/applications/{{clientId}}/grant`) and the provenance rule
/// for customer-chosen addresses applies unchanged.
package struct RevocationOptions: Codable, Sendable, Hashable {
    /// The request's shape.
    package enum Style: String, Codable, Sendable, CaseIterable {
        /// RFC 7009 §2.1: `POST` form `token` + `token_type_hint`, with client authentication.
        case rfc7009
        /// `POST` with the token as the Bearer credential and no body (Dropbox, Slack).
        case bearer
        /// `POST` of a JSON object `{tokenParam: token}`, with client authentication (Intuit).
        case json
        /// `DELETE` with a JSON object `{tokenParam: token}`, with client authentication (GitHub).
        case delete
    }

    /// A token the connection may hold.
    package enum Token: String, Codable, Sendable, CaseIterable {
        case refreshToken = "refresh_token"
        case accessToken = "access_token"

        /// How a log line names it.
        package var spoken: String { self == .refreshToken ? "refresh token" : "access token" }
    }

    package var style: Style
    /// Tokens to revoke, in order; a token the connection does not hold is skipped.
    package var tokens: [Token]
    /// `json` and `delete`: the body key that carries the token.
    package var tokenParam: String
    /// Client authentication for `rfc7009`, `json` and `delete`; nil takes the type's
    /// `clientAuth`. GitHub's token endpoint takes the secret in the body, its grant
    /// endpoint only HTTP Basic.
    package var clientAuth: ClientAuthMethod?
    /// Revoking one token ends the whole grant at this provider: once one revocation is
    /// confirmed, the rest of `tokens` is not sent (it would only be refused).
    package var revokesGrant: Bool
    /// HTTP statuses that can confirm a revocation.
    package var successStatus: [Int]
    /// Values the JSON answer must hold as well, by dotted path, typed as in a test
    /// request's `expectJson` (`{ok: true}` for Slack, which answers HTTP 200 with
    /// `"ok": false` when nothing was revoked).
    package var successJson: [String: ExpectedJSON]

    package init(style: Style = .rfc7009, tokens: [Token]? = nil, tokenParam: String = "token", clientAuth: ClientAuthMethod? = nil,
                 revokesGrant: Bool = false, successStatus: [Int] = [200], successJson: [String: ExpectedJSON] = [:]) {
        self.style = style
        self.tokens = tokens ?? Self.defaultTokens(for: style)
        self.tokenParam = tokenParam
        self.clientAuth = clientAuth
        self.revokesGrant = revokesGrant
        self.successStatus = successStatus
        self.successJson = successJson
    }

    /// A refresh token is never a Bearer credential, so `bearer` revokes the access token.
    package static func defaultTokens(for style: Style) -> [Token] {
        style == .bearer ? [.accessToken] : [.refreshToken, .accessToken]
    }

    /// Whether the style authenticates the client (all but `bearer`, where the token does).
    package var authenticatesClient: Bool { style != .bearer }

    /// Whether `response` confirms the revocation: an accepted status and, when
    /// `successJson` is set, a JSON body holding each value.
    package func confirms(_ response: HTTPResponse) -> Bool {
        guard successStatus.contains(response.status) else { return false }
        return unmetJsonExpectation(in: response) == nil
    }

    /// The first `successJson` entry (by path) the answer does not meet, with what it
    /// holds there instead as `ExpectedJSON.shown` renders it; nil when all are met.
    package func unmetJsonExpectation(in response: HTTPResponse) -> (path: String, expected: ExpectedJSON, found: String)? {
        ExpectedJSON.firstMismatch(successJson, in: response.body)
    }
}
