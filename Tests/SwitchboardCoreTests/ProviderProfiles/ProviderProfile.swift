import Foundation

/// How one provider behaves, as its documentation says: where its endpoints are, how it
/// matches redirect URIs, which client authentication its token endpoint takes, the shape
/// of its token answers and errors, whether refresh tokens rotate, and its revocation and
/// API endpoints (the ones the catalog's `test:` calls) with their dead-token answers.
/// The generic OAuth work is `FakeCore`'s; a profile only says what differs. One per
/// bundled provider in ProviderProfiles.swift; docs/providers.md lists the quirks.
struct ProviderProfile: Sendable {
    enum RedirectMatch: Sendable, Equatable {
        /// The registered string exactly, port and path included (Dropbox, Salesforce,
        /// Atlassian, Intuit, Slack).
        case exact
        /// Exactly, except that a loopback http redirect may use any port (RFC 8252 §7.3:
        /// GitHub, Google desktop clients, Entra "Mobile and desktop applications").
        case loopbackAnyPort
    }

    enum Rotation: Sendable, Equatable {
        /// A refresh answer carries no refresh token; the old one keeps working.
        case none
        /// Every refresh answer carries a new refresh token; `oldStaysValid: false` means the
        /// presented one stops working at once (Atlassian, Intuit).
        case rotates(oldStaysValid: Bool)
    }

    enum ErrorStyle: Sendable {
        /// RFC 6749 §5.2: 400 (401 for client authentication) with a JSON error.
        case oauth
        /// HTTP 200 `{"ok": false, "error": …}` (Slack's Web API).
        case slack
        /// HTTP 200 with `error` (and form encoding unless JSON was asked for: GitHub).
        case github
    }

    var name: String
    /// The catalog file (catalog/COMPONENT.yaml).
    var component: String
    var redirectMatch: RedirectMatch
    /// Refuses every http redirect URI (Slack). A client can override (Intuit production keys).
    var httpsOnly = false
    /// Refuses an IP address as the redirect host (Intuit: localhost, not 127.0.0.1).
    var refusesIPAddresses = false
    var acceptedClientAuth: Set<ClientAuthShape>
    var errors: ErrorStyle = .oauth
    /// GitHub answers the token request form-encoded unless `Accept: application/json`.
    var formUnlessJSONAccepted = false
    var rotation: Rotation = .none
    /// The device code grant needs no client secret (GitHub, Entra public clients).
    var deviceFlowWithoutSecret = false
    /// The HTTP status of `authorization_pending` (Google: 428).
    var pendingStatus = 400
    var codePrefix: String
    var refreshPrefix: String
    var accessPrefix: @Sendable (FakeGrant) -> String
    /// Refusals particular to the provider's authorize endpoint (Entra's tenant, Atlassian's
    /// audience, Slack's comma-separated scopes, …): the error page's text, or nil.
    var authorizeRefusal: @Sendable (_ query: [String: String], _ captures: [String: String], _ client: FakeClient) -> String? = { _, _, _ in nil }
    /// What the provider decides at approval (Intuit's realmId, Salesforce's instance host).
    var grantInfo: @Sendable (_ query: [String: String], _ captures: [String: String], _ client: FakeClient) -> [String: String] = { _, _, _ in [:] }
    /// Parameters added to the callback beside code and state (Intuit's realmId).
    var callbackExtras: @Sendable (FakeGrant) -> [(String, String)] = { _ in [] }
    /// Whether the code exchange returns a refresh token (offline access asked for, …).
    var grantsRefreshToken: @Sendable (FakeGrant, FakeClient) -> Bool
    /// The token endpoint's success answer.
    var tokenAnswer: @Sendable (FakeRequest, FakeTokenContext) -> FakeResponse
    /// The device authorization answer for (request, device_code, user_code). The fake
    /// announces a 1-second polling interval (providers say 5) to keep the tests short.
    var deviceAnswer: @Sendable (FakeRequest, String, String) -> FakeResponse = { _, _, _ in
        .json(404, ["error": "not_found", "error_description": "no device flow"])
    }
    var routes: [FakeRoute]

    /// A token endpoint error in the provider's style.
    func tokenError(_ request: FakeRequest, _ code: String, _ description: String, _ status: Int) -> FakeResponse {
        switch errors {
        case .oauth:
            return .json(status, ["error": code, "error_description": description])
        case .slack:
            return .json(200, ["ok": false, "error": code])
        case .github:
            if request.headers["accept"]?.contains("application/json") == true {
                return .json(200, ["error": code, "error_description": description])
            }
            return .form(200, [("error", code), ("error_description", description)])
        }
    }
}

extension FakeRoute {
    static func authorize(_ host: String, _ pattern: String) -> FakeRoute {
        FakeRoute(method: "GET", host: host, pattern: pattern, role: .authorize) { request, captures, core in
            core.authorize(request, captures.merging(["_host": host]) { mine, _ in mine })
        }
    }

    static func device(_ host: String, _ pattern: String) -> FakeRoute {
        FakeRoute(method: "POST", host: host, pattern: pattern, role: .device) { request, captures, core in
            core.deviceAuthorization(request, captures)
        }
    }

    static func token(_ host: String, _ pattern: String) -> FakeRoute {
        FakeRoute(method: "POST", host: host, pattern: pattern, role: .token) { request, captures, core in
            core.token(request, captures)
        }
    }

    /// An API endpoint that takes the access token as Bearer credential: `live` for a live
    /// token, `dead` otherwise (no token, unknown, expired or revoked).
    static func api(_ method: String, _ host: String, _ pattern: String, dead: FakeResponse,
                    live: @escaping @Sendable (FakeRequest, FakeGrant, [String: String]) -> FakeResponse) -> FakeRoute {
        FakeRoute(method: method, host: host, pattern: pattern, role: .api) { request, captures, core in
            guard let grant = core.grant(forAccess: request.bearer) else { return dead }
            return live(request, grant, captures)
        }
    }
}
