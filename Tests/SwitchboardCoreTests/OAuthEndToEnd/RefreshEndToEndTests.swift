import Foundation
import SwitchboardCore
import Testing

/// `switchboard refresh` against the real provider, whose refresh tokens rotate (the old
/// one is rejected at once).
@Suite(.localProvider, .timeLimit(.minutes(10)))
struct RefreshEndToEndTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
    }

    @Test func rotationStoresTheNewRefreshTokenAndTheOldOneIsRejected() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        try await sandbox.connect("confidential")
        let access1 = try #require(try await sandbox.accessToken("confidential"))
        let refresh1 = try #require(try await provider.refreshToken(issuedWith: access1))

        // Not due yet: nothing happens.
        let idle = try json(try await sandbox.ok(["refresh", "--json"]))
        #expect(idle["refreshed"] as? Int == 0)
        try await sandbox.makeTokensExpire(in: 60)
        let report = try json(try await sandbox.ok(["refresh", "--within", "5m", "--json"]))
        #expect(report["refreshed"] as? Int == 1)

        let access2 = try #require(try await sandbox.accessToken("confidential"))
        #expect(access2 != access1)
        let refresh2 = try #require(try await provider.refreshToken(issuedWith: access2))
        #expect(refresh2 != refresh1)
        #expect(try await provider.me(access2) == 200)
        // The provider now rejects the old refresh token ...
        let replay = try await provider.refresh(refresh1)
        #expect(replay.status == 400)
        #expect(replay.text.contains("invalid_grant"))
        // ... and the store holds the new one: refreshing again works.
        let again = try json(try await sandbox.ok(["refresh", sandbox.instance, "confidential", "--force", "--json"]))
        #expect(again["refreshed"] as? Int == 1)
        let access3 = try #require(try await sandbox.accessToken("confidential"))
        #expect(try await provider.me(access3) == 200)
        #expect(try await sandbox.status("confidential").status == "configured")
        let logs = try await sandbox.logs("confidential")
        #expect(logs.filter { $0.hasPrefix("Token refreshed:") && $0.hasSuffix("refresh token rotated") }.count == 2)
        let refresh3 = try #require(try await provider.refreshToken(issuedWith: access3))
        try await sandbox.expectNoPlainSecrets([access1, access2, access3, refresh1, refresh2, refresh3])
    }

    @Test func twoRefreshersStartedTogetherRefreshEachConnectionOnce() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        let instances = ["acme/one", "acme/two"]
        let variables = ["confidential", "confidentialBody", "public"]
        try await sandbox.setUpDemo(provider, instances: instances)
        for instance in instances {
            for variable in variables { try await sandbox.connect(variable, instance: instance) }
        }
        try await sandbox.makeTokensExpire(in: 60)
        let first = try sandbox.spawn(["refresh", "--within", "5m", "--concurrency", "2", "--json"])
        let second = try sandbox.spawn(["refresh", "--within", "5m", "--concurrency", "2", "--json"])
        let statuses = [try await first.exitStatus(), try await second.exitStatus()]
        sandbox.record(first)
        sandbox.record(second)
        #expect(statuses == [0, 0], "\(first.stderr)\n\(second.stderr)")
        let reports = try [json(first.stdout), json(second.stdout)]
        #expect(reports.map { $0["refreshed"] as? Int ?? -1 }.reduce(0, +) == instances.count * variables.count)
        #expect(reports.allSatisfy { $0["failed"] as? Int == 0 && $0["retryLater"] as? Int == 0 })
        #expect(!first.stdout.contains("invalid_grant") && !second.stdout.contains("invalid_grant"))
        var tokens: [String] = []
        for instance in instances {
            for variable in variables {
                let logs = try await sandbox.logs(variable, instance: instance)
                #expect(logs.filter { $0.hasPrefix("Token refreshed:") }.count == 1, "\(instance) \(variable): \(logs)")
                #expect(!logs.contains { $0.contains("invalid_grant") })
                #expect(try await sandbox.status(variable, instance: instance).status == "configured")
                let token = try #require(try await sandbox.accessToken(variable, instance: instance))
                #expect(try await provider.me(token) == 200)
                tokens.append(token)
            }
        }
        try await sandbox.expectNoPlainSecrets(tokens)
    }

    @Test func invalidGrantTurnsTheStatusToError() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        try await sandbox.connect("confidential")
        let access = try #require(try await sandbox.accessToken("confidential"))
        let refresh = try #require(try await provider.refreshToken(issuedWith: access))
        // The provider's side forgets the grant (an admin revoked it).
        #expect(try await provider.revoke(refresh) == 200)
        let result = try await sandbox.run(["refresh", "--force", "--json"])
        #expect(result.status == 1, "\(result.stderr)")
        let report = try json(result.stdout)
        #expect(report["failed"] as? Int == 1)
        let status = try await sandbox.status("confidential")
        #expect(status.status == "error")
        #expect(status.reason?.hasPrefix("token refresh failed: invalid_grant") == true)
        #expect(try await sandbox.logs("confidential").contains { $0.hasPrefix("Token refresh failed: invalid_grant") })
        // Automatic refresh stopped: the next pass does not try again.
        try await sandbox.makeTokensExpire(in: 60)
        let next = try json(try await sandbox.ok(["refresh", "--within", "5m", "--json"]))
        #expect(next["refreshed"] as? Int == 0 && next["failed"] as? Int == 0)
        try await sandbox.expectNoPlainSecrets([access, refresh])
    }
}

/// A provider outage while refreshing: its own provider, which the test stops and starts.
@Suite(.timeLimit(.minutes(10)))
struct ProviderOutageEndToEndTests {
    @Test func providerStoppedMidRefreshIsRetriedLaterWithTheStatusUnchanged() async throws {
        var provider = try await LocalProvider.start()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        do {
            try await sandbox.setUpDemo(provider)
            try await sandbox.connect("confidential")
            try await sandbox.connect("public")
            try await sandbox.makeTokensExpire(in: 60)
            try await provider.stop()

            // One pass while the provider is down: a temporary failure, exit 75.
            let once = try await sandbox.run(["refresh", sandbox.instance, "public", "--within", "5m", "--json"])
            #expect(once.status == 75, "\(once.stderr)")
            #expect(once.stdout.contains(#""outcome":"retryLater""#))

            // A watcher keeps trying with backoff while the provider is down ...
            let watcher = try sandbox.spawn(["refresh", "--watch", "--interval", "200ms", "--within", "5m", "--backoff", "1s", "--json"])
            try await watcher.waitFor("a temporary failure") { $0.stdout.contains(#""outcome":"retryLater""#) }
            #expect(try await sandbox.status("confidential").status == "configured")
            #expect(try await sandbox.status("confidential").reason == nil)
            #expect(try await sandbox.logs("confidential").contains { $0.hasPrefix("Token refresh failed temporarily") })

            // ... and succeeds once it is back.
            provider = try await provider.restart()
            try await watcher.waitFor("both refreshed", timeout: .seconds(90)) { child in
                child.stdoutLines.filter { $0.contains(#""outcome":"refreshed""#) }.count >= 2
            }
            watcher.signal(SIGTERM)
            #expect(try await watcher.exitStatus() == 0, "\(watcher.stderr)")
            sandbox.record(watcher)
            for variable in ["confidential", "public"] {
                #expect(try await sandbox.status(variable).status == "configured")
                let token = try #require(try await sandbox.accessToken(variable))
                #expect(try await provider.me(token) == 200)
            }
            let logs = try await sandbox.logs("confidential")
            #expect(logs.first?.hasPrefix("Token refreshed:") == true || logs.contains { $0.hasPrefix("Token refreshed:") })
            #expect(!logs.contains { $0.contains("invalid_grant") })
        } catch {
            try? await provider.stop()
            throw error
        }
        try await provider.stop()
        try? FileManager.default.removeItem(atPath: provider.stateDir)
    }
}
