import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// `run` after a step says the provider refused its token (exit 77, EX_NOPERM).
@Suite struct RunRetryTests {
    /// A step that records the access token it was handed and exits with the next status
    /// of `statuses` (one per run).
    func step(_ directory: String, statuses: [Int32]) -> [String] {
        let script = """
            n=$(cat "\(directory)/runs" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "\(directory)/runs"
            grep -o '"access_token":"[^"]*"' "$SWITCHBOARD_CONNECTION_FILE" >> "\(directory)/tokens"
            case $n in \(statuses.enumerated().map { "\($0.offset + 1)) echo 'HTTP 401 from the API' >&2; exit \($0.element);;" }.joined(separator: " ")) esac
            """
        return ["/bin/sh", "-c", script]
    }

    func connectWithoutExpiry(_ f: OAuthStoreFixture) throws {
        try f.store.storeTokens(f.connection(), TokenResponse(accessToken: "AT-OLD", refreshToken: "RT-1", scope: "read", expiresIn: nil),
                                source: .authorizationCode)
    }

    func refresh(_ f: OAuthStoreFixture) -> ScriptedTransport.Expectation {
        .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token", "refresh_token": "RT-1"]),
              respond: .json(200, #"{"access_token":"AT-NEW","refresh_token":"RT-2","token_type":"Bearer"}"#))
    }

    @Test func aRefusedTokenOfUnknownLifetimeIsRefreshedAndTheStepRunsOnceMore() async throws {
        let f = try OAuthStoreFixture()
        try connectWithoutExpiry(f)
        let directory = try EndToEnd.temporaryDirectory("sb-run-retry")
        let transport = OAuthFixtures.scripted([refresh(f)])
        let outcome = try await RunStepUseCase(store: f.store, transport: transport)
            .run(.init(instance: f.instance, step: "whoami-confidential", command: step(directory, statuses: [77, 0])))
        try transport.assertAllUsed()
        #expect(outcome.exitCode == 0)
        #expect(try String(contentsOfFile: directory + "/tokens", encoding: .utf8) == "\"access_token\":\"AT-OLD\"\n\"access_token\":\"AT-NEW\"\n")
        #expect(try f.status() == .ok)
        let logs = try f.logs()
        #expect(logs.first?.hasPrefix("Step whoami-confidential succeeded (exit 0") == true)
        #expect(logs.contains { $0.hasPrefix("Step whoami-confidential says the provider refused the access token (exit 77); its lifetime was not known") })
    }

    @Test func aSecondRefusalTurnsTheConnectionRedWithTheReconnectHint() async throws {
        let f = try OAuthStoreFixture()
        try connectWithoutExpiry(f)
        let directory = try EndToEnd.temporaryDirectory("sb-run-retry")
        let transport = OAuthFixtures.scripted([refresh(f)])
        let outcome = try await RunStepUseCase(store: f.store, transport: transport)
            .run(.init(instance: f.instance, step: "whoami-confidential", command: step(directory, statuses: [77, 77])))
        try transport.assertAllUsed()
        #expect(outcome.exitCode == 77)
        #expect(try String(contentsOfFile: directory + "/runs", encoding: .utf8) == "2\n", "once more, not twice")
        let detail = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(detail.status == .error)
        #expect(detail.reason == "the provider refused the access token (step whoami-confidential exited 77); reconnect: switchboard connect acme/local-oauth-demo confidential")
    }

    @Test func aTokenWhoseExpiryTheProviderToldIsNotRetried() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(expiresIn: 3600)
        let directory = try EndToEnd.temporaryDirectory("sb-run-retry")
        let transport = OAuthFixtures.scripted([])
        let outcome = try await RunStepUseCase(store: f.store, transport: transport)
            .run(.init(instance: f.instance, step: "whoami-confidential", command: step(directory, statuses: [77])))
        #expect(outcome.exitCode == 77)
        #expect(try String(contentsOfFile: directory + "/runs", encoding: .utf8) == "1\n")
        #expect(try f.status() == .error)
        #expect(try f.logs().first == "Step whoami-confidential says the provider refused the access token (exit 77): HTTP 401 from the API; reconnect: switchboard connect acme/local-oauth-demo confidential")
    }
}
