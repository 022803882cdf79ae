import Testing
@testable import SwitchboardCore

/// The pure parts of refresh health: the state rule, the give-up rule, the one-line note,
/// and the `keepAlive` durations definitions write.
@Suite struct RefreshHealthRuleTests {
    @Test("the state follows from refreshable, stopped, gave up and failures, in that order")
    func stateRule() {
        typealias S = RefreshHealth.State
        let cases: [(refreshable: Bool, stopped: Bool, gaveUp: Bool, failures: Int, expected: S)] = [
            (false, true, true, 3, .unavailable),
            (true, true, true, 3, .stopped),
            (true, true, false, 0, .stopped),
            (true, false, true, 3, .failing),
            (true, false, false, 1, .retrying),
            (true, false, false, 0, .ok),
        ]
        for c in cases {
            #expect(RefreshHealth.state(refreshable: c.refreshable, stopped: c.stopped, gaveUp: c.gaveUp, failures: c.failures) == c.expected,
                    "\(c)")
        }
    }

    @Test("the give-up period counts from the first failure of the run, inclusive")
    func giveUpRule() {
        let start = 1_741_942_800.0
        let threeDays = RefreshHealth.defaultGiveUpPeriod
        #expect(threeDays == 259_200)
        #expect(!RefreshHealth.givesUp(failingSince: start, now: start + threeDays - 1, after: threeDays))
        #expect(RefreshHealth.givesUp(failingSince: start, now: start + threeDays, after: threeDays))
        #expect(RefreshHealth.givesUp(failingSince: start, now: start, after: 0), "a period of 0 gives up at the first failure")
    }

    @Test("the note says what a person needs: retrying with count, next time and last error; ok with the last success")
    func notes() {
        let retrying = RefreshHealth(state: .retrying, lastSuccessAt: "2025-03-14T08:00:00.000Z", lastFailureAt: "2025-03-14T12:03:00.000Z",
                                     failures: 3, lastError: "the provider answered HTTP 503 (temporarily unavailable)",
                                     nextAttemptAt: "2025-03-14T12:04:30.000Z", failingSince: "2025-03-14T11:58:00.000Z")
        #expect(retrying.note == "refresh: retrying (3 failures, next 12:04:30 UTC; last: the provider answered HTTP 503 (temporarily unavailable))")
        var one = retrying
        one.failures = 1
        #expect(one.note.hasPrefix("refresh: retrying (1 failure, next"))
        var failing = retrying
        failing.state = .failing
        #expect(failing.note.hasPrefix("refresh: failing since 03-14 11:58:00 UTC (3 failures, next 12:04:30 UTC; last: "))
        let ok = RefreshHealth(state: .ok, lastSuccessAt: "2025-03-14T12:05:00.000Z", lastError: "old trouble",
                               keepAliveBy: "2025-04-13T12:05:00.000Z")
        #expect(ok.note == "refresh: ok (last refreshed 03-14 12:05:00 UTC, keep-alive by 04-13 12:05:00 UTC)", "a recovery clears the note")
        #expect(RefreshHealth(state: .ok).note == "refresh: ok (not refreshed since CONNECT)")
        #expect(RefreshHealth(state: .stopped, lastError: "invalid_grant: revoked").note == "refresh: stopped (invalid_grant: revoked)")
        #expect(RefreshHealth(state: .unavailable).note == "refresh: not possible (no refresh token)")
    }

    @Test("durations: a whole number and an optional unit; anything else is refused")
    func durations() {
        #expect(DurationText.seconds("30d") == 2_592_000)
        #expect(DurationText.seconds("12h") == 43_200)
        #expect(DurationText.seconds("90m") == 5_400)
        #expect(DurationText.seconds("2w") == 1_209_600)
        #expect(DurationText.seconds("86400") == 86_400)
        #expect(DurationText.seconds("45S") == 45)
        for bad in ["", "d", "30 d", "-3d", "1.5h", "3y", "999999999999d", "３０d", "30dd"] {
            #expect(DurationText.seconds(bad) == nil, "\(bad)")
        }
        #expect(DurationText.describe(2_592_000) == "30d")
        #expect(DurationText.describe(259_200) == "3d")
        #expect(DurationText.describe(5_400) == "90m")
        #expect(DurationText.describe(3_601) == "3601s")
    }

    static func oauthType(_ keepAlive: String) -> String {
        """
        component: keeper
        label: Keeper
        connections:
          - key: oauth
            label: OAuth
            oauth2:
              grant: authorization_code
              keepAlive: \(keepAlive)
            fields:
              - {key: authorizeUrl, label: Authorize URL, type: url, required: true, default: "https://keeper.test/authorize"}
              - {key: tokenUrl, label: Token URL, type: url, required: true, default: "https://keeper.test/token"}
              - {key: clientId, label: Client ID, type: string, required: true, default: keeper}
        """
    }

    @Test("oauth2: keepAlive takes 30d, 12h or seconds, between 1h and 365d")
    func keepAliveParsing() throws {
        for (text, seconds) in [("30d", 2_592_000), ("12h", 43_200), ("3600", 3_600), ("365d", 31_536_000)] {
            let parsed = try DefinitionParser.parse(yaml: Self.oauthType(text), file: "k.yaml")
            #expect(parsed.components.first?.value.connections.first?.oauth2?.keepAlive == seconds, "\(text)")
        }
        for bad in ["59m", "366d", "30 days", "-1d", "[30d]"] {
            do {
                _ = try DefinitionParser.parse(yaml: Self.oauthType(bad), file: "k.yaml")
                Issue.record("keepAlive \(bad) was accepted")
            } catch let error as SwitchboardError {
                #expect(error.description.contains("keepAlive"), "\(bad): \(error)")
                #expect(error.description.contains("k.yaml"), "names the file: \(error)")
            }
        }
    }
}
