import Crypto
import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// A fake OAuth 2.0 provider on 127.0.0.1 and a free port (FlyingFox), playing one bundled
/// provider as its documentation describes it (`ProviderProfile`). Every address of the
/// real provider `https://HOST/PATH` is served at `http://127.0.0.1:PORT/HOST/PATH`: the
/// first path segment names the host, so a catalog entry is pointed at the fake by
/// rewriting its URLs (`ProviderWorld`). Every request is recorded for the tests to check
/// its shape; tokens live in memory and can be killed to play a dead token.
final class FakeProvider: Sendable {
    let profile: ProviderProfile
    let port: UInt16
    let core: FakeCore
    private let server: HTTPServer
    private let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    /// Where the fake serves the real provider's `https://HOST/PATH`.
    func url(_ host: String, _ path: String = "") -> String { "\(base)/\(host)\(path)" }

    static func start(_ profile: ProviderProfile) async throws -> FakeProvider {
        let core = FakeCore(profile: profile)
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled,
                                handler: FakeHandler(core: core))
        let (port, task) = try await startListening(server)
        core.setBase("http://127.0.0.1:\(port)")
        return FakeProvider(profile: profile, port: port, core: core, server: server, task: task)
    }

    private init(profile: ProviderProfile, port: UInt16, core: FakeCore, server: HTTPServer, task: Task<Void, any Error>) {
        self.profile = profile
        self.port = port
        self.core = core
        self.server = server
        self.task = task
    }

    func stop() async {
        await server.stop()
        task.cancel()
    }

    // MARK: What the tests set up and read

    /// An app registered at the provider (its console's client id, secret and redirect URIs).
    func register(_ client: FakeClient) { core.withState { $0.clients[client.id] = client } }

    var requests: [FakeRequest] { core.withState { $0.requests } }
    func requests(_ role: FakeRole) -> [FakeRequest] { requests.filter { $0.role == role } }
    func tokenRequests(grantType: String) -> [FakeRequest] { requests(.token).filter { $0.parameters["grant_type"] == grantType } }

    /// Every access token issued, oldest first.
    var issuedAccessTokens: [String] { core.withState { $0.issuedAccess } }
    var issuedRefreshTokens: [String] { core.withState { $0.issuedRefresh } }
    var issuedCodes: [String] { core.withState { $0.issuedCodes } }
    var latestAccessToken: String? { issuedAccessTokens.last }
    var latestRefreshToken: String? { issuedRefreshTokens.last }

    func isLive(accessToken: String) -> Bool { core.withState { $0.accessTokens[accessToken] != nil } }
    func isLive(refreshToken: String) -> Bool { core.withState { $0.refreshTokens[refreshToken] != nil } }
    var liveTokenCount: Int { core.withState { $0.accessTokens.count + $0.refreshTokens.count } }

    /// The person enters `userCode` at the verification page and approves.
    func approveDevice(userCode: String) {
        core.withState { state in
            for (code, device) in state.devices where device.userCode == userCode { state.devices[code]?.approved = true }
        }
    }

    /// From now on the token answers announce `seconds` as expires_in (nil: the
    /// provider's documented lifetime), to play a token about to expire without waiting.
    func issueShortLivedTokens(_ seconds: Int?) { core.withState { $0.shortLifetime = seconds } }

    /// The provider forgets one access token (it expired early, or was revoked elsewhere);
    /// the grant's refresh token still works.
    func kill(accessToken: String) { core.withState { _ = $0.accessTokens.removeValue(forKey: accessToken) } }

    /// The user removed the app at the provider: every token of the grant dies.
    func endGrant(of accessToken: String) {
        core.withState { state in
            guard let grant = state.accessTokens[accessToken] else { return }
            state.endGrant(grant)
        }
    }

    /// Everything secret the fake handed out or received (codes, tokens, PKCE verifiers,
    /// client secrets), for the secret scan.
    var secrets: [String] {
        core.withState { state in
            state.issuedCodes + state.deviceCodes + state.issuedAccess + state.issuedRefresh + state.clients.values.compactMap(\.secret)
                + state.requests.compactMap { $0.parameters["code_verifier"] }
        }
    }
}

/// What a route is for, so tests can pick requests by purpose.
enum FakeRole: String, Sendable {
    case authorize, device, token, revoke, api
}

/// One request as the fake received it. `description` names method, host and path only.
struct FakeRequest: Sendable, CustomStringConvertible {
    var role: FakeRole?
    var method: String
    /// The real provider's host (the first path segment).
    var host: String
    /// The rest of the path, from "/".
    var path: String
    var query: [String: String]
    /// Lowercased names; a repeated header's values joined with ", ".
    var headers: [String: String]
    var body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var contentType: String? { headers["content-type"] }
    var form: [String: String] { contentType?.hasPrefix("application/x-www-form-urlencoded") == true ? FakeForm.decode(text) : [:] }
    var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    /// The body's fields (form or JSON, strings only), else the query's.
    var parameters: [String: String] {
        if !form.isEmpty { return form }
        if let json { return json.compactMapValues { $0 as? String } }
        return query
    }
    var bearer: String? {
        guard let value = headers["authorization"], value.lowercased().hasPrefix("bearer ") else { return nil }
        return String(value.dropFirst(7))
    }
    /// HTTP Basic credentials, form-decoded as RFC 6749 §2.3.1 says.
    var basic: (id: String, secret: String)? {
        guard let value = headers["authorization"], value.lowercased().hasPrefix("basic "),
              let data = Data(base64Encoded: String(value.dropFirst(6))) else { return nil }
        let pair = String(decoding: data, as: UTF8.self)
        guard let colon = pair.firstIndex(of: ":") else { return nil }
        return (FakeForm.unescape(String(pair[..<colon])), FakeForm.unescape(String(pair[pair.index(after: colon)...])))
    }
    var description: String { "\(method) \(host)\(path)" }
}

/// An app registered at the fake provider.
struct FakeClient: Sendable {
    var id: String
    /// nil: a public client (PKCE only).
    var secret: String?
    /// Registered redirect URIs, compared as the profile says (exactly, or a loopback one
    /// on any port).
    var redirectURIs: [String]
    /// Refuses every non-https redirect (Slack; Intuit production keys). nil: the profile's.
    var httpsOnly: Bool? = nil
    /// Provider-specific facts about the app (Entra's home tenant, Intuit's environment,
    /// Slack's token rotation).
    var info: [String: String] = [:]
}

/// One answer of the fake.
struct FakeResponse: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body = Data()

    static func json(_ status: Int, _ object: Any) -> FakeResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])) ?? Data()
        return FakeResponse(status: status, headers: ["Content-Type": "application/json; charset=utf-8"], body: data)
    }

    static func form(_ status: Int, _ fields: [(String, String)]) -> FakeResponse {
        FakeResponse(status: status, headers: ["Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
                     body: Data(FakeForm.encode(fields).utf8))
    }

    static func text(_ status: Int, _ text: String, type: String = "text/plain; charset=utf-8") -> FakeResponse {
        FakeResponse(status: status, headers: ["Content-Type": type], body: Data(text.utf8))
    }

    /// The provider's own error page in the browser (what a person sees for a refused
    /// authorization request: nothing goes back to the redirect URI).
    static func page(_ status: Int, _ message: String) -> FakeResponse {
        text(status, "<!doctype html><html><body><h1>Error</h1><p>\(message)</p></body></html>", type: "text/html; charset=utf-8")
    }

    static func redirect(_ location: String) -> FakeResponse {
        FakeResponse(status: 302, headers: ["Location": location])
    }

    static func empty(_ status: Int) -> FakeResponse { FakeResponse(status: status) }
}

/// A route of a profile: `METHOD host pattern`, where a `{name}` segment captures.
struct FakeRoute: Sendable {
    var method: String
    var host: String
    var pattern: String
    var role: FakeRole
    var handle: @Sendable (_ request: FakeRequest, _ captures: [String: String], _ core: FakeCore) -> FakeResponse

    func captures(_ request: FakeRequest) -> [String: String]? {
        guard request.method == method, request.host == host else { return nil }
        let want = pattern.split(separator: "/", omittingEmptySubsequences: false)
        let got = request.path.split(separator: "/", omittingEmptySubsequences: false)
        guard want.count == got.count else { return nil }
        var captured: [String: String] = [:]
        for (pattern, part) in zip(want, got) {
            if pattern.hasPrefix("{") && pattern.hasSuffix("}") {
                guard !part.isEmpty else { return nil }
                captured[String(pattern.dropFirst().dropLast())] = String(part).removingPercentEncoding ?? String(part)
            } else if pattern != part {
                return nil
            }
        }
        return captured
    }
}

/// A grant: what one approval produced, with the tokens issued under it.
struct FakeGrant: Sendable {
    var id: Int
    var clientId: String
    var scope: String
    /// The authorize request's parameters (access_type, token_access_type, …).
    var authorizeQuery: [String: String]
    /// What the profile decided at approval (Intuit's realmId, Salesforce's instance, …).
    var info: [String: String]
    /// Started with the device code flow (RFC 8628).
    var device = false
}

struct FakeState: Sendable {
    struct PendingCode: Sendable {
        var clientId: String
        var redirectURI: String
        var challenge: String?
        var challengeMethod: String?
        var grant: FakeGrant
    }

    struct PendingDevice: Sendable {
        var userCode: String
        var approved = false
        var grant: FakeGrant
    }

    var clients: [String: FakeClient] = [:]
    var devices: [String: PendingDevice] = [:]
    var requests: [FakeRequest] = []
    var codes: [String: PendingCode] = [:]
    /// Live tokens → grant id.
    var accessTokens: [String: Int] = [:]
    var refreshTokens: [String: Int] = [:]
    var grants: [Int: FakeGrant] = [:]
    var issuedCodes: [String] = []
    var deviceCodes: [String] = []
    var issuedAccess: [String] = []
    var issuedRefresh: [String] = []
    var counter = 0
    var shortLifetime: Int?

    mutating func endGrant(_ id: Int) {
        accessTokens = accessTokens.filter { $0.value != id }
        refreshTokens = refreshTokens.filter { $0.value != id }
    }
}

/// The fake's state and generic OAuth behaviour (authorize, token); the profile adds its
/// provider's shapes. Handlers run on FlyingFox's tasks, so the state sits in a Mutex.
final class FakeCore: Sendable {
    let profile: ProviderProfile
    private let state = Mutex(FakeState())
    private let baseURL = Mutex("")

    init(profile: ProviderProfile) { self.profile = profile }

    var base: String { baseURL.withLock { $0 } }
    func setBase(_ base: String) { baseURL.withLock { $0 = base } }

    func withState<T>(_ body: (inout FakeState) -> T) -> T { state.withLock { body(&$0) } }

    func handle(_ request: FakeRequest) -> FakeResponse {
        var request = request
        for route in profile.routes {
            guard let captures = route.captures(request) else { continue }
            request.role = route.role
            let recorded = request
            withState { $0.requests.append(recorded) }
            return route.handle(request, captures, self)
        }
        withState { $0.requests.append(request) }
        return .json(404, ["error": "not_found", "error_description": "the fake \(profile.name) has no \(request.description)"])
    }

    /// A fresh random token with the provider's look.
    func mint(_ prefix: String) -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255) }
        let random = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return prefix + random
    }

    func grant(forAccess token: String?) -> FakeGrant? {
        guard let token else { return nil }
        return withState { state in state.accessTokens[token].flatMap { state.grants[$0] } }
    }

    func grant(forRefresh token: String?) -> FakeGrant? {
        guard let token else { return nil }
        return withState { state in state.refreshTokens[token].flatMap { state.grants[$0] } }
    }

    func endGrant(_ grant: FakeGrant) { withState { $0.endGrant(grant.id) } }
    func kill(accessToken: String) { withState { _ = $0.accessTokens.removeValue(forKey: accessToken) } }

    // MARK: Authorization endpoint

    /// Auto-approves a valid request (302 to the redirect URI with code and state, plus the
    /// profile's extras); refuses with its own error page what the provider refuses before
    /// any redirect: an unknown client, a redirect URI not registered (as the provider
    /// compares them), http where only https is accepted.
    func authorize(_ request: FakeRequest, _ captures: [String: String]) -> FakeResponse {
        let query = request.query
        guard let clientId = query["client_id"], let client = withState({ $0.clients[clientId] }) else {
            return .page(400, "invalid client_id")
        }
        guard query["response_type"] == "code" else { return .page(400, "unsupported response_type") }
        guard let redirect = query["redirect_uri"] else { return .page(400, "redirect_uri is required") }
        if let refusal = redirectRefusal(redirect, client: client) { return .page(400, refusal) }
        guard let state = query["state"], !state.isEmpty else { return .page(400, "state is required") }
        if let refusal = profile.authorizeRefusal(query, captures, client) { return .page(400, refusal) }
        if query["code_challenge"] != nil && query["code_challenge_method"] != "S256" {
            return .page(400, "code_challenge_method must be S256")
        }
        let code = mint(profile.codePrefix)
        let info = profile.grantInfo(query, captures, client)
        let pending: FakeState.PendingCode = withState { state in
            state.counter += 1
            let grant = FakeGrant(id: state.counter, clientId: clientId, scope: query["scope"] ?? "", authorizeQuery: query, info: info)
            let pending = FakeState.PendingCode(clientId: clientId, redirectURI: redirect, challenge: query["code_challenge"],
                                                challengeMethod: query["code_challenge_method"], grant: grant)
            state.codes[code] = pending
            state.issuedCodes.append(code)
            return pending
        }
        let parameters = [("code", code), ("state", state)] + profile.callbackExtras(pending.grant)
        return .redirect(redirect + (redirect.contains("?") ? "&" : "?") + FakeForm.encode(parameters))
    }

    /// Why the provider refuses `uri` for `client`, or nil.
    func redirectRefusal(_ uri: String, client: FakeClient) -> String? {
        guard let components = URLComponents(string: uri), let scheme = components.scheme, let host = components.host else {
            return "redirect_uri is not a URL"
        }
        if client.httpsOnly ?? profile.httpsOnly, scheme != "https" {
            return "redirect_uri must use https (\(profile.name) refuses http redirect URIs)"
        }
        let loopback = ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host)
        if scheme != "https" && !(scheme == "http" && loopback) {
            return "redirect_uri must use https unless it is a loopback address"
        }
        if profile.refusesIPAddresses, host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) {
            return "redirect_uri must not be an IP address; use localhost"
        }
        let matches = client.redirectURIs.contains { registered in
            if registered == uri { return true }
            guard profile.redirectMatch == .loopbackAnyPort, scheme == "http", loopback,
                  var mine = URLComponents(string: uri), var theirs = URLComponents(string: registered) else { return false }
            // RFC 8252 §7.3: a loopback redirect may use any port.
            mine.port = nil
            theirs.port = nil
            return mine.string == theirs.string
        }
        return matches ? nil : "redirect_uri \(uri) does not match a redirect URI registered for the app"
    }

    // MARK: Device authorization endpoint (RFC 8628)

    static let deviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

    /// A device code and a user code for the client, in the profile's answer shape.
    func deviceAuthorization(_ request: FakeRequest, _ captures: [String: String]) -> FakeResponse {
        let parameters = request.parameters
        guard let id = request.basic?.id ?? parameters["client_id"], let client = withState({ $0.clients[id] }) else {
            return profile.tokenError(request, "invalid_client", "unknown client", 401)
        }
        if let refusal = profile.authorizeRefusal(parameters, captures, client) {
            return profile.tokenError(request, "invalid_request", refusal, 400)
        }
        let deviceCode = mint(profile.codePrefix + "device.")
        let userCode = String((0..<8).map { _ in "BCDFGHJKLMNPQRSTVWXZ".randomElement() ?? "B" })
        let info = profile.grantInfo(parameters, captures, client)
        withState { state in
            state.counter += 1
            let grant = FakeGrant(id: state.counter, clientId: id, scope: parameters["scope"] ?? "", authorizeQuery: parameters, info: info, device: true)
            state.devices[deviceCode] = FakeState.PendingDevice(userCode: userCode, grant: grant)
            state.deviceCodes.append(deviceCode)
        }
        return profile.deviceAnswer(request, deviceCode, userCode)
    }

    // MARK: Token endpoint

    /// Authorization code and refresh token grants, with the client authentication the
    /// provider accepts; answers in the profile's shape.
    func token(_ request: FakeRequest, _ captures: [String: String]) -> FakeResponse {
        let parameters = request.parameters
        let presented: (id: String, secret: String?, shape: ClientAuthShape)
        if let basic = request.basic {
            presented = (basic.id, basic.secret, .basic)
        } else if let id = parameters["client_id"] {
            presented = parameters["client_secret"].map { (id, $0, .body) } ?? (id, nil, .none)
        } else {
            return profile.tokenError(request, "invalid_client", "no client authentication", 401)
        }
        guard profile.acceptedClientAuth.contains(presented.shape) else {
            return profile.tokenError(request, "invalid_client", "\(profile.name) does not accept client authentication \(presented.shape)", 401)
        }
        let deviceGrant = parameters["grant_type"] == Self.deviceGrantType
        guard let client = withState({ $0.clients[presented.id] }),
              client.secret == presented.secret || (deviceGrant && presented.shape == .none && profile.deviceFlowWithoutSecret) else {
            return profile.tokenError(request, "invalid_client", "unknown client or wrong secret", 401)
        }
        switch parameters["grant_type"] {
        case Self.deviceGrantType:
            let code = parameters["device_code"] ?? ""
            guard let device = withState({ $0.devices[code] }), device.grant.clientId == client.id else {
                return profile.tokenError(request, "expired_token", "unknown or expired device code", 400)
            }
            guard device.approved else {
                return profile.tokenError(request, "authorization_pending", "the user has not approved yet", profile.pendingStatus)
            }
            withState { _ = $0.devices.removeValue(forKey: code) }
            let refresh = profile.grantsRefreshToken(device.grant, client) ? mint(profile.refreshPrefix) : nil
            return issue(request, grant: device.grant, refresh: refresh, refreshing: false)
        case "authorization_code":
            let code = parameters["code"] ?? ""
            guard let pending = withState({ $0.codes.removeValue(forKey: code) }) else {
                return profile.tokenError(request, "invalid_grant", "unknown or used authorization code", 400)
            }
            guard pending.clientId == client.id else { return profile.tokenError(request, "invalid_grant", "code issued to another client", 400) }
            guard parameters["redirect_uri"] == pending.redirectURI else {
                return profile.tokenError(request, "invalid_grant", "redirect_uri differs from the authorization request", 400)
            }
            if let challenge = pending.challenge {
                guard let verifier = parameters["code_verifier"], FakePKCE.s256(verifier) == challenge else {
                    return profile.tokenError(request, "invalid_grant", "PKCE verification failed", 400)
                }
            }
            let grant = pending.grant
            let refresh = profile.grantsRefreshToken(grant, client) ? mint(profile.refreshPrefix) : nil
            return issue(request, grant: grant, refresh: refresh, refreshing: false)
        case "refresh_token":
            let presentedRefresh = parameters["refresh_token"] ?? ""
            guard let grant = grant(forRefresh: presentedRefresh), grant.clientId == client.id else {
                return profile.tokenError(request, "invalid_grant", "unknown, revoked or rotated refresh token", 400)
            }
            var newRefresh: String?
            switch profile.rotation {
            case .none: break
            case .rotates(let oldStaysValid):
                newRefresh = mint(profile.refreshPrefix)
                if !oldStaysValid { withState { _ = $0.refreshTokens.removeValue(forKey: presentedRefresh) } }
            }
            return issue(request, grant: grant, refresh: newRefresh, refreshing: true)
        default:
            return profile.tokenError(request, "unsupported_grant_type", "grant_type \(parameters["grant_type"] ?? "(none)")", 400)
        }
    }

    private func issue(_ request: FakeRequest, grant: FakeGrant, refresh: String?, refreshing: Bool) -> FakeResponse {
        let access = mint(profile.accessPrefix(grant))
        withState { state in
            state.grants[grant.id] = grant
            state.accessTokens[access] = grant.id
            state.issuedAccess.append(access)
            if let refresh {
                state.refreshTokens[refresh] = grant.id
                state.issuedRefresh.append(refresh)
            }
        }
        let context = FakeTokenContext(accessToken: access, refreshToken: refresh, grant: grant, refreshing: refreshing, base: base,
                                       shortLifetime: withState { $0.shortLifetime })
        return profile.tokenAnswer(request, context)
    }
}

/// What a profile builds a token response from.
struct FakeTokenContext: Sendable {
    var accessToken: String
    /// A new refresh token (nil: none in this answer).
    var refreshToken: String?
    var grant: FakeGrant
    var refreshing: Bool
    /// The fake's base URL (for addresses the answer names, such as Salesforce's instance_url).
    var base: String
    /// Set by `FakeProvider.issueShortLivedTokens`: the expires_in to announce instead.
    var shortLifetime: Int?

    /// The lifetime to announce: the documented one unless a test asked for short ones.
    func lifetime(_ documented: Int) -> Int { shortLifetime ?? documented }
}

enum ClientAuthShape: Sendable, Hashable, CustomStringConvertible {
    /// HTTP Basic (client_secret_basic).
    case basic
    /// client_id and client_secret in the body (client_secret_post).
    case body
    /// client_id only: a public client.
    case none

    var description: String {
        switch self {
        case .basic: "client_secret_basic"
        case .body: "client_secret_post"
        case .none: "none (public client)"
        }
    }
}

struct FakeHandler: HTTPHandler {
    let core: FakeCore

    func handleRequest(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        var headers: [String: String] = [:]
        for (name, value) in request.headers {
            let key = name.rawValue.lowercased()
            headers[key] = headers[key].map { $0 + ", " + value } ?? value
        }
        let path = request.target.path(percentEncoded: true)
        let parts = path.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let host = parts.count > 1 ? String(parts[1].split(separator: "/", maxSplits: 1).first ?? "") : ""
        let rest = String(path.dropFirst(1 + host.count))
        let received = FakeRequest(method: request.method.rawValue, host: host, path: rest.isEmpty ? "/" : rest,
                                   query: FakeForm.decode(request.target.query(percentEncoded: true)), headers: headers,
                                   body: try await request.bodyData)
        let answer = core.handle(received)
        var out = FlyingFox.HTTPHeaders()
        for (name, value) in answer.headers { out[HTTPHeader(name)] = value }
        return FlyingFox.HTTPResponse(statusCode: HTTPStatusCode(answer.status, phrase: Self.phrase(answer.status)), headers: out, body: answer.body)
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 204: "No Content"
        case 302: "Found"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 422: "Unprocessable Entity"
        default: "Status"
        }
    }
}

/// application/x-www-form-urlencoded, written out here so the fake shares no code with
/// what it checks.
enum FakeForm {
    static func decode(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = unescape(String(parts[0]))
            if fields[name] == nil { fields[name] = parts.count > 1 ? unescape(String(parts[1])) : "" }
        }
        return fields
    }

    static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
    }

    static func encode(_ fields: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }
}

/// RFC 7636 S256, computed independently of the product's PKCE code.
enum FakePKCE {
    static func s256(_ verifier: String) -> String {
        return Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
