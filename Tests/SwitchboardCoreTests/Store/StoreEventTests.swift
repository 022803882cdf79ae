import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

@Suite("Store: connection events")
struct StoreEventTests {
    /// (kind, from, to) of each event, oldest first, for comparing whole histories.
    struct Step: Equatable, CustomStringConvertible {
        var kind: ConnectionEvent.Kind
        var from: ConnectionStatus
        var to: ConnectionStatus
        init(_ kind: ConnectionEvent.Kind, _ from: ConnectionStatus, _ to: ConnectionStatus) {
            self.kind = kind
            self.from = from
            self.to = to
        }
        init(_ event: ConnectionEvent) { self.init(event.kind, event.from, event.to) }
        var description: String { "\(kind.rawValue) \(from.rawValue)→\(to.rawValue)" }
    }

    static func steps(_ events: [ConnectionEvent]) -> [Step] { events.map(Step.init) }

    @Test("configure, runs and tests: an event per status change with the right from, to and reason; none when the status stays")
    func valuesAndOutcomes() throws {
        let t = try TestStore()
        let id = try t.deployTestSync().id
        #expect(try t.store.events().isEmpty, "deploying is not a change of status")

        try t.set(id, ["api.notes": "still incomplete"])
        #expect(try t.store.events().isEmpty, "unconfigured stays unconfigured")
        try t.set(id, ["api.username": "ann", "api.password": "pw-EVENT-1"])
        try t.record(id, step: "fetch", exitCode: 0)
        try t.record(id, step: "fetch", exitCode: 0)
        try t.record(id, step: "fetch", exitCode: 1, stderr: "flaky network")
        try t.record(id, step: "fetch", exitCode: 78, stderr: "credentials rejected for ann")
        try t.set(id, ["api.notes": "fixed"])
        try t.store.recordOutcome(instance: id, variable: "api", outcome: .ok, level: .info, message: "Test passed (HTTP 200)")

        let events = try t.store.events()
        #expect(Self.steps(events) == [
            Step(.status, .unconfigured, .configured), Step(.status, .configured, .ok), Step(.status, .ok, .error),
            Step(.status, .error, .configured), Step(.status, .configured, .ok),
        ])
        #expect(events.map(\.reason) == [
            "values changed", "Step fetch succeeded (exit 0, 1 ms)",
            "Step fetch failed with a connection error (exit 78): credentials rejected for ann",
            "values changed", "Test passed (HTTP 200)",
        ])
        for event in events {
            #expect(event.instance == "acme/test-sync" && event.instanceId == id && event.customer == "acme" && event.variable == "api")
            #expect(event.source == "test" && event.user == "tester")
            #expect(Timestamp.date(from: event.time) != nil, "a time: \(event.time)")
        }
        #expect(try t.status(id, "api") == events.last?.to, "the last event's status is the one status shows")
        #expect(!events.contains { $0.reason?.contains("pw-EVENT-1") == true })
    }

    @Test("ids increase; reading after an id resumes with nothing missed and nothing repeated, in pages")
    func resumeAfterAnId() throws {
        let t = try TestStore()
        let id = try t.deployTestSync().id
        try t.set(id, ["api.username": "ann", "api.password": "pw"])
        for exit: Int32 in [0, 78, 0, 78, 0] { try t.record(id, step: "fetch", exitCode: exit) }

        let all = try t.store.events()
        #expect(all.count == 6)
        let ids = all.map(\.id)
        #expect(ids == ids.sorted() && Set(ids).count == ids.count, "increasing, unique: \(ids)")
        #expect(try t.store.events(after: ids[1]).map(\.id) == Array(ids[2...]))
        #expect(try t.store.events(after: ids.last!).isEmpty)
        var paged: [Int64] = []
        var last: Int64 = 0
        while case let page = try t.store.events(after: last, limit: 4), !page.isEmpty {
            paged += page.map(\.id)
            last = page.last!.id
        }
        #expect(paged == ids)
        #expect(try t.store.latestEventId() == ids.last)
        #expect(throws: SwitchboardError.self) { try t.store.events(after: -1) }
    }

    @Test("CONNECT, a passing test and DISCONNECT are events; a filter keeps one connection's")
    func connectTestDisconnect() throws {
        let f = try OAuthStoreFixture()
        #expect(try f.store.events().isEmpty, "setting the base URL leaves OAuth connections without tokens unconfigured")
        try f.connect()
        try f.store.recordOutcome(instance: f.instance, variable: "confidential", outcome: .ok, level: .info, message: "Test passed")
        _ = try f.store.deleteTokens(f.connection())
        try f.connect("service", access: "SVC-1", refresh: nil)

        let confidential = try f.store.events(EventFilter(instance: f.instance, variable: "confidential"))
        #expect(Self.steps(confidential) == [Step(.status, .unconfigured, .configured), Step(.status, .configured, .ok), Step(.status, .ok, .unconfigured)])
        #expect(confidential.map(\.reason) == ["connected (authorization code)", "Test passed", "disconnected"])
        #expect(try f.store.events(EventFilter(instance: f.instance)).count == 4)
        #expect(throws: SwitchboardError.self) { try f.store.events(EventFilter(instance: f.instance, variable: "noSuchVariable")) }
        #expect(throws: SwitchboardError.self) { try f.store.events(EventFilter(instance: "nobody/nothing")) }
    }

    @Test("an upgrade that replaces a connection (another type) ends its status in an event; one that keeps it changes nothing")
    func upgrades() throws {
        let t = try TestStore()
        let id = try t.deployTestSync().id
        try t.set(id, ["api.username": "ann", "api.password": "pw"])
        try t.record(id, step: "fetch", exitCode: 0)
        try t.importYAML(("v2.yaml", Fixtures.testSyncV2))
        let kept = try t.store.latestEventId()
        _ = try t.store.upgrade(instance: id)
        #expect(try t.store.events(after: kept).isEmpty, "the same connection, still ok")

        // The same variable over the component's other connection type.
        try t.importYAML(("v3.yaml", """
            integration: test-sync
            name: Test sync
            configVariables:
              - {key: api, component: test-api, connection: token}
            steps:
              - {key: fetch, component: test-api, action: fetch, connection: api}

            """))
        _ = try t.store.upgrade(instance: id)
        let replaced = try t.store.events(after: kept)
        #expect(Self.steps(replaced) == [Step(.status, .ok, .unconfigured)])
        #expect(replaced.first?.reason == "upgraded to test-sync v3: the connection's type changed, so it starts over")
    }

    func refresher(_ f: OAuthStoreFixture, _ transport: ScriptedTransport) -> TokenRefresher {
        TokenRefresher(store: f.store, transport: transport, concurrency: 1, backoffBase: 30)
    }

    @Test("every refresh failure is an event, the first success after failures is a recovery, a final failure is one event to error")
    func refreshFailuresAndRecovery() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        try f.store.recordOutcome(instance: f.instance, variable: "confidential", outcome: .ok, level: .info, message: "ran")
        let before = try f.store.latestEventId()
        let forced = RefreshSelection(force: true)
        let down = SwitchboardError.http("could not connect to provider.test:443 (connection refused)")
        for _ in 1...2 {
            _ = try await refresher(f, OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), fail: down)])).refreshDue(forced)
        }
        let granted = #"{"access_token":"AT-2","refresh_token":"RT-2","expires_in":3600}"#
        for _ in 1...2 {
            _ = try await refresher(f, OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .json(200, granted))])).refreshDue(forced)
        }
        let events = try f.store.events(after: before)
        #expect(Self.steps(events) == [Step(.refreshFailed, .ok, .ok), Step(.refreshFailed, .ok, .ok), Step(.refreshRecovered, .ok, .ok)],
                "two failures, one recovery, nothing for the second success: \(Self.steps(events))")
        #expect(events[0].reason?.contains("Token refresh failed temporarily (attempt 1): ") == true)
        #expect(events[0].reason?.contains("connection refused") == true)
        #expect(events[1].reason?.contains("(attempt 2)") == true)
        #expect(events[2].reason == "token refresh works again after 2 failed attempts")
        #expect(events[2].source == "test")

        // A failure reset by new values (a status event between) still gets its recovery.
        _ = try await refresher(f, OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), fail: down)])).refreshDue(forced)
        try f.store.configure(instance: f.instance, changes: [FieldChange(variable: "confidential", field: "clientSecret", value: "new-secret-7")])
        _ = try await refresher(f, OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .json(200, granted))])).refreshDue(forced)
        #expect(try f.store.events(after: events[2].id).map(Step.init) == [
            Step(.refreshFailed, .ok, .ok), Step(.status, .ok, .configured), Step(.refreshRecovered, .configured, .configured),
        ])

        // invalid_grant: one event, the failure and the red badge together.
        let last = try f.store.latestEventId()
        let revoked = #"{"error":"invalid_grant","error_description":"Token RT-2 was revoked"}"#
        _ = try await refresher(f, OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .json(400, revoked))])).refreshDue(forced)
        let final = try f.store.events(after: last)
        #expect(Self.steps(final) == [Step(.refreshFailed, .configured, .error)])
        #expect(final.first?.reason == "Token refresh failed: invalid_grant: Token [redacted] was revoked; reconnect: switchboard connect acme/local-oauth-demo confidential (c in the wizard); automatic refresh stopped")
        // Reconnecting is the way out, and says so.
        try f.connect(access: "AT-9", refresh: "RT-9")
        #expect(try f.store.events(after: final[0].id).map { "\(Step($0)) \($0.reason ?? "")" } == ["status error→configured connected (authorization code)"])
    }

    @Test("a customer sees its own instances' events only, and reasons without hidden values, even values the team changed since")
    func customerRendering() throws {
        let t = try TestStore()
        let acme = try t.deployTestSync().id
        let globex = try t.store.deploy(integration: "test-sync", customer: "globex").id
        for id in [acme, globex] {
            try t.set(id, ["api.username": "ann", "api.password": "pw", "api.tenant": "ZED-HIDDEN-991"])
            try t.record(id, step: "fetch", exitCode: 78, stderr: "refused by ZED-HIDDEN-991")
        }
        // The team moves the tenant on; the old value must stay hidden in the old event.
        try t.set(acme, ["api.tenant": "NEW-HIDDEN-552"])

        let team = try t.store.events(EventFilter(instance: acme))
        #expect(team.contains { $0.reason?.contains("refused by ZED-HIDDEN-991") == true }, "control: the team reads the value")

        let customer = t.acting(as: .customer("acme"))
        let seen = try customer.events()
        #expect(seen.count == team.count)
        #expect(seen.allSatisfy { $0.customer == "acme" && $0.instanceId == acme }, "\(seen.map(\.instance))")
        #expect(seen.map(\.id) == team.map(\.id))
        let failure = try #require(seen.first { $0.to == .error })
        #expect(failure.reason == "Step fetch failed with a connection error (exit 78): refused by •••")
        #expect(!seen.contains { ($0.reason ?? "").contains("HIDDEN") })
        #expect(throws: SwitchboardError.self) { try customer.events(EventFilter(instance: globex)) }
        #expect(try customer.latestEventId() == team.last?.id)
    }
}
