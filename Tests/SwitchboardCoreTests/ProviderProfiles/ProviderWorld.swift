import Foundation
import Synchronization
import SwitchboardCore
import Testing

/// One provider test's world: a fake provider playing a bundled provider, a private
/// Switchboard (`SwitchboardSandbox`, the built binary) where the bundled component is
/// imported over itself with every `https://HOST` pointed at the fake, and one instance
/// deployed with that component's connection. The steps below each check what every
/// provider must do; a provider's test adds the shapes particular to it.
final class ProviderWorld: Sendable {
    let fake: FakeProvider
    let sandbox: SwitchboardSandbox
    let connection: String
    let variable: String
    let instance: String
    private let children = Mutex<[ChildProcess]>([])

    var component: String { fake.profile.component }

    private init(fake: FakeProvider, sandbox: SwitchboardSandbox, connection: String) {
        self.fake = fake
        self.sandbox = sandbox
        self.connection = connection
        variable = fake.profile.component
        instance = "acme/\(fake.profile.component)-\(connection)"
    }

    /// Runs `body` in a new world and tears it down afterwards, also on failure.
    static func with(_ profile: ProviderProfile, connection: String = "oauth", _ body: (ProviderWorld) async throws -> Void) async throws {
        let fake = try await FakeProvider.start(profile)
        let sandbox: SwitchboardSandbox
        do {
            sandbox = try SwitchboardSandbox()
        } catch {
            await fake.stop()
            throw error
        }
        let world = ProviderWorld(fake: fake, sandbox: sandbox, connection: connection)
        do {
            try await body(world)
        } catch {
            await world.tearDown()
            throw error
        }
        await world.tearDown()
    }

    private func tearDown() async {
        // A child left running by a failed step would hold every descriptor the test process
        // passed on (a build lock's among them): kill and reap it first.
        for child in children.withLock({ $0 }) where child.isRunning {
            child.signal(SIGKILL)
            _ = try? await child.exitStatus(timeout: .seconds(10))
        }
        await fake.stop()
        sandbox.remove()
    }

    /// Starts `switchboard ARGS` in the background; tear-down kills it if it is still running.
    func spawn(_ arguments: [String]) throws -> ChildProcess {
        let child = try sandbox.spawn(arguments)
        children.withLock { $0.append(child) }
        return child
    }

    /// `connect` with a bounded wait, so even a crashed test leaves no catcher for long.
    func spawnConnect() throws -> ChildProcess {
        try spawn(["connect", instance, variable, "--timeout", "60"])
    }

    // MARK: Deploying

    /// The catalog entry with every `https://HOST` served by the fake (`http://127.0.0.1:PORT/HOST`).
    /// Example, placeholder and pattern lines stay as they are: they are checked against
    /// patterns written for the real hosts.
    static func pointedAtFake(_ yaml: String, base: String) -> String {
        // A literal pattern: it cannot fail to compile.
        let hosts = try? NSRegularExpression(pattern: #"https://([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)"#)
        return yaml.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            let text = String(line)
            let key = text.drop { $0 == " " || $0 == "-" }
            if ["example:", "placeholder:", "pattern:"].contains(where: key.hasPrefix) { return text }
            guard let hosts else { return text }
            return hosts.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text),
                                                  withTemplate: NSRegularExpression.escapedTemplate(for: base) + "/$1")
        }.joined(separator: "\n")
    }

    /// Imports the pointed-at-the-fake component and a one-variable integration, deploys it
    /// for acme, sets `fields` and the client secret (through stdin, as a person would).
    func deploy(_ fields: [String: String], clientSecret: String?, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let catalog = try String(contentsOfFile: EndToEnd.root + "/catalog/\(component).yaml", encoding: .utf8)
        let componentFile = sandbox.directory + "/\(component).yaml"
        try Self.pointedAtFake(catalog, base: fake.base).write(toFile: componentFile, atomically: true, encoding: .utf8)
        let integrationFile = sandbox.directory + "/integration.yaml"
        try """
            integration: provider-\(component)-\(connection)
            name: \(fake.profile.name) provider profile
            description: One \(component) \(connection) connection pointed at the fake provider.
            configVariables:
              - {key: \(variable), component: \(component), connection: \(connection)}

            """.write(toFile: integrationFile, atomically: true, encoding: .utf8)
        try await sandbox.ok(["import", componentFile, integrationFile], sourceLocation: sourceLocation)
        try await sandbox.ok(["deploy", "provider-\(component)-\(connection)", "--customer", "acme", "--name", instance], sourceLocation: sourceLocation)
        try await configure(fields, sourceLocation: sourceLocation)
        if let clientSecret {
            try await sandbox.ok(["configure", instance, "--set-secret", "\(variable).clientSecret"], stdin: clientSecret, sourceLocation: sourceLocation)
        }
    }

    func configure(_ fields: [String: String], sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let sets = fields.sorted { $0.key < $1.key }.flatMap { ["--set", "\(variable).\($0.key)=\($0.value)"] }
        if !sets.isEmpty { try await sandbox.ok(["configure", instance] + sets, sourceLocation: sourceLocation) }
    }

    /// `http://localhost:PORT/callback` on a port free right now: what a person registers
    /// at a provider that matches redirect URIs exactly.
    static func fixedLoopbackRedirect(host: String = "localhost") throws -> String {
        "http://\(host):\(try EndToEnd.freePort())/callback"
    }

    // MARK: CONNECT

    struct Connected {
        var authorizeURL: String
        var authorizeQuery: [String: String]
        /// The callback's parameters (code, state, and the provider's extras).
        var callback: [String: String]
        var stdout: [String]
    }

    /// `connect` → the authorize URL alone on stdout's first line → the browser (which
    /// follows no redirect) is approved by the fake → its Location is delivered where
    /// `deliver` says (the loopback catcher itself by default; a reverse proxy's target for
    /// an https redirect) → the catcher's success page → exit 0.
    func connect(deliver: @Sendable (String) -> String = { $0 }, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Connected {
        let child = try spawnConnect()
        let url = try await child.firstLine(sourceLocation: sourceLocation)
        let approval = try await Browser.get(url)
        guard approval.status == 302, let location = approval.headers["Location"] else {
            child.signal(SIGINT)
            _ = try await child.exitStatus(sourceLocation: sourceLocation)
            sandbox.record(child)
            throw EndToEndError("the fake \(fake.profile.name) refused the authorization request (HTTP \(approval.status)): \(approval.text)")
        }
        let page = try await Browser.get(deliver(location))
        #expect(page.status == 200 && page.text.contains("Authorization completed successfully"), "the callback page: \(page.status) \(page.text)",
                sourceLocation: sourceLocation)
        let status = try await child.exitStatus(sourceLocation: sourceLocation)
        sandbox.record(child)
        #expect(status == 0, "connect exited \(status): \(child.stderr)", sourceLocation: sourceLocation)
        let callback = Browser.query(of: location)
        #expect(callback["state"] == Browser.query(of: url)["state"], sourceLocation: sourceLocation)
        return Connected(authorizeURL: url, authorizeQuery: Browser.query(of: url), callback: callback, stdout: child.stdoutLines)
    }

    /// `connect --json` on a device code type: the device event comes first, the fake's
    /// token endpoint is polled (and answers authorization_pending), then the person
    /// approves the user code and connect stores the tokens (exit 0). Returns the event.
    @discardableResult
    func connectDevice(sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let polled = fake.tokenRequests(grantType: FakeCore.deviceGrantType).count
        let child = try spawn(["connect", instance, variable, "--json", "--no-qr", "--timeout", "60"])
        let first = try await child.firstLine(sourceLocation: sourceLocation)
        let event = try #require((try? JSONSerialization.jsonObject(with: Data(first.utf8))) as? [String: Any], "\(first)", sourceLocation: sourceLocation)
        #expect(event["event"] as? String == "device", sourceLocation: sourceLocation)
        let userCode = try #require(event["userCode"] as? String, sourceLocation: sourceLocation)
        try await child.waitFor("the first poll of the token endpoint", sourceLocation: sourceLocation) { _ in
            self.fake.tokenRequests(grantType: FakeCore.deviceGrantType).count > polled
        }
        fake.approveDevice(userCode: userCode)
        let status = try await child.exitStatus(sourceLocation: sourceLocation)
        sandbox.record(child)
        #expect(status == 0, "connect exited \(status): \(child.stderr)", sourceLocation: sourceLocation)
        #expect(fake.tokenRequests(grantType: FakeCore.deviceGrantType).count >= polled + 2, "pending, then approved", sourceLocation: sourceLocation)
        return event
    }

    /// The code exchange the fake saw for `connected`: one authorization_code request with
    /// the provider's client authentication, the same redirect_uri as the authorize
    /// request, and the PKCE verifier when a challenge was sent.
    @discardableResult
    func expectCodeExchange(_ connected: Connected, _ shape: ClientAuthShape, client: FakeClient,
                            sourceLocation: SourceLocation = #_sourceLocation) throws -> FakeRequest {
        let exchange = try #require(fake.tokenRequests(grantType: "authorization_code").last, sourceLocation: sourceLocation)
        #expect(exchange.parameters["code"] == connected.callback["code"], sourceLocation: sourceLocation)
        #expect(exchange.parameters["redirect_uri"] == connected.authorizeQuery["redirect_uri"], sourceLocation: sourceLocation)
        #expect((exchange.parameters["code_verifier"] != nil) == (connected.authorizeQuery["code_challenge"] != nil), sourceLocation: sourceLocation)
        expectClientAuth(exchange, shape, client: client, sourceLocation: sourceLocation)
        return exchange
    }

    /// The authorization request with one parameter changed is refused by the fake with its
    /// error page (no redirect, no code), the page naming `because`.
    func expectAuthorizeRefused(_ url: String, setting name: String, to value: String, because: String,
                                sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let answer = try await Browser.get(Browser.replacing(name, with: value, in: url))
        #expect(answer.status == 400, "\(name)=\(value) was accepted", sourceLocation: sourceLocation)
        #expect(answer.headers["Location"] == nil, sourceLocation: sourceLocation)
        #expect(answer.text.contains(because), "the refusal page: \(answer.text)", sourceLocation: sourceLocation)
    }

    /// The same with `name` changed is approved (a 302 carrying a code).
    func expectAuthorizeAccepted(_ url: String, setting name: String, to value: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let answer = try await Browser.get(Browser.replacing(name, with: value, in: url))
        #expect(answer.status == 302 && answer.headers["Location"]?.hasPrefix(value) == true, "\(name)=\(value): \(answer.status) \(answer.text)",
                sourceLocation: sourceLocation)
    }

    /// A provider that matches redirect URIs exactly refuses the registered one with another
    /// port, with a trailing slash, or (for localhost) as 127.0.0.1.
    func expectExactRedirectMatching(_ url: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let registered = try #require(Browser.query(of: url)["redirect_uri"], sourceLocation: sourceLocation)
        let components = try #require(URLComponents(string: registered), sourceLocation: sourceLocation)
        var variants: [URLComponents] = []
        var port = components
        let number = components.port ?? (components.scheme == "https" ? 443 : 80)
        port.port = number == 65535 ? 65534 : number + 1
        variants.append(port)
        var slash = components
        slash.path += "/"
        variants.append(slash)
        if components.host == "localhost" {
            var address = components
            address.host = "127.0.0.1"
            variants.append(address)
        }
        for variant in variants.compactMap(\.string) {
            try await expectAuthorizeRefused(url, setting: "redirect_uri", to: variant, because: "redirect_uri", sourceLocation: sourceLocation)
        }
    }

    /// A provider that accepts a loopback redirect on any port (RFC 8252 §7.3) approves the
    /// registered one on another port, and refuses another path.
    func expectLoopbackRedirectOnAnyPort(_ url: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let registered = try #require(Browser.query(of: url)["redirect_uri"], sourceLocation: sourceLocation)
        var components = try #require(URLComponents(string: registered), sourceLocation: sourceLocation)
        let number = try #require(components.port, sourceLocation: sourceLocation)
        components.port = number == 65535 ? 65534 : number + 1
        try await expectAuthorizeAccepted(url, setting: "redirect_uri", to: try #require(components.string), sourceLocation: sourceLocation)
        components.path = "/elsewhere"
        try await expectAuthorizeRefused(url, setting: "redirect_uri", to: try #require(components.string), because: "does not match",
                                         sourceLocation: sourceLocation)
    }

    // MARK: test, refresh, DISCONNECT

    /// `switchboard test --json`.
    func test() async throws -> (status: Int32, passed: Bool, message: String) {
        let result = try await sandbox.run(["test", instance, variable, "--json"])
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result.status, object["passed"] as? Bool ?? false, object["message"] as? String ?? result.stderr)
    }

    /// The connection's badge.
    func badge() async throws -> String { try await sandbox.status(variable, instance: instance).status }

    /// `test` exits 0, the badge turns ok, and the fake's API endpoint saw the newest access
    /// token as Bearer credential.
    func expectLiveTest(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = fake.requests(.api).count
        let result = try await test()
        #expect(result.status == 0 && result.passed, "test: \(result.message)", sourceLocation: sourceLocation)
        #expect(try await badge() == "ok", sourceLocation: sourceLocation)
        let sent = fake.requests(.api).dropFirst(before)
        #expect(!sent.isEmpty, "the test request never reached the fake's API endpoint", sourceLocation: sourceLocation)
        #expect(sent.last?.bearer == fake.latestAccessToken, "the test request carries the newest access token", sourceLocation: sourceLocation)
    }

    /// The user removes the app at the provider (every token of the grant dies): `test`
    /// fails (exit 1) and the badge turns red.
    func expectDeadTokenFails(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let token = try #require(fake.latestAccessToken, sourceLocation: sourceLocation)
        fake.endGrant(of: token)
        let before = fake.requests(.api).count
        let result = try await test()
        #expect(result.status == 1 && !result.passed, "a dead token tested \(result.passed ? "green" : "?"): \(result.message)", sourceLocation: sourceLocation)
        #expect(fake.requests(.api).dropFirst(before).contains { $0.bearer == token }, sourceLocation: sourceLocation)
        #expect(try await badge() == "error", sourceLocation: sourceLocation)
    }

    /// `refresh --force --json` for this connection: exit status and the result's outcome.
    func refresh() async throws -> (status: Int32, refreshed: Int, outcome: String?) {
        let result = try await sandbox.run(["refresh", instance, variable, "--force", "--json"])
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        let outcome = ((object["results"] as? [[String: Any]])?.first)?["outcome"] as? String
        return (result.status, object["refreshed"] as? Int ?? -1, outcome)
    }

    /// Two forced refreshes: each sends a refresh_token grant in the provider's client
    /// authentication with the refresh token stored last (after a rotation, the new one),
    /// the log says whether it rotated, and `test` then sends the newest access token.
    func expectRefreshes(_ shape: ClientAuthShape, client: FakeClient, rotates: Bool,
                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = fake.tokenRequests(grantType: "refresh_token").count
        for round in 1...2 {
            let stored = try #require(fake.latestRefreshToken, "the provider issued no refresh token", sourceLocation: sourceLocation)
            let issued = fake.issuedRefreshTokens.count
            let result = try await refresh()
            #expect(result.status == 0 && result.outcome == "refreshed", "refresh round \(round): \(result)", sourceLocation: sourceLocation)
            let requests = fake.tokenRequests(grantType: "refresh_token")
            #expect(requests.count == before + round, sourceLocation: sourceLocation)
            guard let request = requests.last else { continue }
            expectClientAuth(request, shape, client: client, sourceLocation: sourceLocation)
            #expect(request.parameters["refresh_token"] == stored, "round \(round) did not send the newest refresh token", sourceLocation: sourceLocation)
            #expect((fake.issuedRefreshTokens.count > issued) == rotates, sourceLocation: sourceLocation)
        }
        let logs = try await sandbox.logs(variable, instance: instance)
        let note = rotates ? "refresh token rotated" : "refresh token kept"
        #expect(logs.filter { $0.hasPrefix("Token refreshed:") && $0.hasSuffix(note) }.count == 2, "\(logs)", sourceLocation: sourceLocation)
        try await expectLiveTest(sourceLocation: sourceLocation)
    }

    /// The provider issued no refresh token: `refresh --force` has nothing to do and asks
    /// the provider nothing.
    func expectNothingToRefresh(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let before = fake.requests(.token).count
        let result = try await refresh()
        #expect(result.status == 0 && result.refreshed == 0 && result.outcome == nil, "\(result)", sourceLocation: sourceLocation)
        #expect(fake.requests(.token).count == before, sourceLocation: sourceLocation)
    }

    /// The tokens a DISCONNECT will revoke (the newest of each).
    struct Tokens {
        var access: String
        var refresh: String?
    }

    /// `disconnect --json`: the tokens are deleted (badge unconfigured, no tokens shown, a
    /// test has no token to send); returns the report and the revocation requests it sent.
    func disconnect(sourceLocation: SourceLocation = #_sourceLocation) async throws -> (report: [String: Any], tokens: Tokens, revocations: [FakeRequest]) {
        let tokens = Tokens(access: try #require(fake.latestAccessToken, sourceLocation: sourceLocation),
                            refresh: fake.latestRefreshToken)
        let before = fake.requests(.revoke).count
        let out = try await sandbox.ok(["disconnect", instance, variable, "--json"], sourceLocation: sourceLocation)
        let report = try #require((try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any], sourceLocation: sourceLocation)
        #expect(report["hadTokens"] as? Bool == true, sourceLocation: sourceLocation)
        #expect(report["status"] as? String == "unconfigured", sourceLocation: sourceLocation)
        let shown = try await show()
        #expect(shown["hasTokens"] as? Bool == false, sourceLocation: sourceLocation)
        let apiBefore = fake.requests(.api).count
        let after = try await test()
        #expect(after.status == 1 && after.message.contains("no access token"), "\(after)", sourceLocation: sourceLocation)
        #expect(fake.requests(.api).count == apiBefore, "a test after DISCONNECT must not send a token", sourceLocation: sourceLocation)
        return (report, tokens, Array(fake.requests(.revoke).dropFirst(before)))
    }

    /// `show INSTANCE VAR --json`.
    func show() async throws -> [String: Any] {
        let out = try await sandbox.ok(["show", instance, variable, "--json"])
        return (try? JSONSerialization.jsonObject(with: Data(out.utf8))) as? [String: Any] ?? [:]
    }

    func metadata() async throws -> [String: String] {
        (try await show()["metadata"] as? [String: String]) ?? [:]
    }

    /// No code, token, verifier or client secret the fake handed out or received appears in
    /// any output so far, in this instance's log or show output, or in the database bytes.
    func expectNoPlainSecrets(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        // Into the sandbox's transcript (its own log check reads another instance's log).
        _ = try await sandbox.run(["logs", instance, "--json", "--limit", "10000"])
        _ = try await sandbox.run(["show", instance, variable, "--json"])
        _ = try await sandbox.run(["status", "--json"])
        let secrets = fake.secrets
        #expect(!secrets.isEmpty, sourceLocation: sourceLocation)
        try await sandbox.expectNoPlainSecrets(secrets, sourceLocation: sourceLocation)
    }
}

/// The token request authenticated the client as `shape` says, and only so.
func expectClientAuth(_ request: FakeRequest, _ shape: ClientAuthShape, client: FakeClient, sourceLocation: SourceLocation = #_sourceLocation) {
    let fields = request.parameters
    switch shape {
    case .basic:
        #expect(request.basic?.id == client.id && request.basic?.secret == client.secret, "no HTTP Basic client authentication", sourceLocation: sourceLocation)
        #expect(fields["client_secret"] == nil, "the secret must not be in the body as well", sourceLocation: sourceLocation)
    case .body:
        #expect(request.headers["authorization"] == nil, sourceLocation: sourceLocation)
        #expect(fields["client_id"] == client.id && fields["client_secret"] == client.secret, "no client_id/client_secret in the body", sourceLocation: sourceLocation)
    case .none:
        #expect(request.headers["authorization"] == nil, sourceLocation: sourceLocation)
        #expect(fields["client_id"] == client.id && fields["client_secret"] == nil, sourceLocation: sourceLocation)
    }
}

/// The test's browser: sends one GET and follows no redirect, so the test sees each hop.
enum Browser {
    static func get(_ url: String) async throws -> SwitchboardCore.HTTPResponse {
        try await CurlTransport().send(SwitchboardCore.HTTPRequest(url: url, timeout: .seconds(15)))
    }

    static func query(of url: String) -> [String: String] {
        guard let mark = url.firstIndex(of: "?") else { return [:] }
        return FakeForm.decode(String(url[url.index(after: mark)...]))
    }

    /// `url` with query parameter `name` set to `value`.
    static func replacing(_ name: String, with value: String, in url: String) -> String {
        let base = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        var fields = query(of: url)
        fields[name] = value
        return base + "?" + FakeForm.encode(fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }
}
