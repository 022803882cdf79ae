import Foundation
import Synchronization
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// A clock the test moves by hand: days of failing pass in a line.
final class ManualClock: Sendable {
    private let time: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_741_942_800)) { time = Mutex(start) }  // 2025-03-14T09:00:00Z

    var now: Date { time.withLock { $0 } }
    var text: String { Timestamp.string(from: now) }
    func advance(_ seconds: TimeInterval) { time.withLock { $0.addTimeInterval(seconds) } }
    var store: StoreClock { StoreClock { self.now } }
}

/// Refresh health, the give-up period, keep-alive and a refresh that narrows the grant,
/// over the real store with a scripted provider and a hand-moved clock.
@Suite struct RefreshHealthStoreTests {
    let reconnect = "reconnect: switchboard connect acme/local-oauth-demo confidential (c in the wizard)"
    let window = RefreshSelection(within: 300)

    func refresher(_ f: OAuthStoreFixture, _ transport: ScriptedTransport, giveUp: TimeInterval = RefreshHealth.defaultGiveUpPeriod) -> TokenRefresher {
        TokenRefresher(store: f.store, transport: transport, concurrency: 1, backoffBase: 30, giveUpAfter: giveUp)
    }

    func health(_ f: OAuthStoreFixture, _ variable: String = "confidential") throws -> RefreshHealth {
        try #require(try f.store.refreshHealth(instance: f.instance, variable: variable))
    }

    func unavailable(_ f: OAuthStoreFixture) -> ScriptedTransport {
        OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .text(503, "<html>maintenance</html>"))])
    }

    func granted(_ f: OAuthStoreFixture, scope: String? = nil) -> ScriptedTransport {
        let scopeField = scope.map { #","scope":"\#($0)""# } ?? ""
        return OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token"]),
                                             respond: .json(200, #"{"access_token":"AT-2","refresh_token":"RT-2","expires_in":3600\#(scopeField)}"#))])
    }

    @Test("a temporary failure is recorded with its time, error and next attempt; the badge stays; a recovery clears the note")
    func healthOfATemporaryFailureAndItsRecovery() async throws {
        let clock = ManualClock()
        let f = try OAuthStoreFixture(clock: clock.store)
        try f.connect(access: "AT-1", refresh: "RT-1", expiresIn: 3600)
        #expect(try health(f) == RefreshHealth(state: .ok))
        #expect(try f.store.refreshHealth(instance: f.instance, variable: "public") == nil, "no tokens, no health")

        clock.advance(3500)
        let failedAt = clock.text
        let report = try await refresher(f, unavailable(f)).refreshDue(window)
        #expect(report.retryLater == 1)
        let retrying = try health(f)
        #expect(retrying.state == .retrying)
        #expect(retrying.failures == 1)
        #expect(retrying.lastFailureAt == failedAt)
        #expect(retrying.failingSince == failedAt)
        #expect(retrying.lastError == "the provider answered HTTP 503 (temporarily unavailable)")
        #expect(retrying.nextAttemptAt == Timestamp.string(from: clock.now.addingTimeInterval(30)))
        #expect(retrying.note.hasPrefix("refresh: retrying (1 failure, next "))
        #expect(try f.status() == .configured, "a temporary failure leaves the badge alone")
        // A customer reads the same health, the error checked against their hidden fields.
        let customer = f.store.withActor(Actor(user: "tester", role: .customer("acme"), source: "test"))
        #expect(try customer.refreshHealth(instance: f.instance, variable: "confidential") == retrying)
        #expect(try customer.status(instance: f.instance).first?.connections.first { $0.variable == "confidential" }?.refresh == retrying)

        // Backing off: not due before the next attempt, by the store's clock.
        clock.advance(10)
        #expect(try f.store.dueRefreshes(window, now: clock.now).isEmpty)
        clock.advance(25)
        let before = try f.store.latestEventId()
        #expect(try await refresher(f, granted(f)).refreshDue(window).refreshed == 1)
        let recovered = try health(f)
        #expect(recovered.state == .ok)
        #expect(recovered.failures == 0 && recovered.nextAttemptAt == nil && recovered.failingSince == nil)
        #expect(recovered.lastSuccessAt == clock.text)
        #expect(recovered.lastFailureAt == failedAt, "the last failure stays on record")
        #expect(recovered.note.hasPrefix("refresh: ok (last refreshed "))
        let events = try f.store.events(after: before)
        #expect(events.map(\.kind) == [.refreshRecovered])
        #expect(events.first?.reason == "token refresh works again after 1 failed attempt")
    }

    @Test("temporary failures turn the badge red after the give-up period, retries go on, and a success turns it back")
    func giveUpPeriod() async throws {
        let clock = ManualClock()
        let f = try OAuthStoreFixture(clock: clock.store)
        try f.connect(access: "AT-1", refresh: "RT-1", expiresIn: 3600)
        let hour: TimeInterval = 3600
        clock.advance(3500)
        let firstFailure = clock.text
        #expect(try await refresher(f, unavailable(f), giveUp: hour).refreshDue(window).retryLater == 1)
        clock.advance(20 * 60)
        #expect(try await refresher(f, unavailable(f), giveUp: hour).refreshDue(window).retryLater == 1)
        #expect(try f.status() == .configured, "20 minutes of failing are within the hour")

        clock.advance(41 * 60)
        let before = try f.store.latestEventId()
        let report = try await refresher(f, unavailable(f), giveUp: hour).refreshDue(window)
        guard case .failing(_, let retryAt)? = report.results.first?.outcome else {
            Issue.record("expected failing, got \(report.results)")
            return
        }
        #expect(retryAt != nil)
        let detail = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(detail.status == .error)
        #expect(detail.reason == "token refresh failing since \(firstFailure) (3 attempts; give-up period 1h): the provider answered HTTP 503 (temporarily unavailable); retries go on; if they keep failing, \(reconnect)")
        let red = try f.store.events(after: before)
        #expect(red.map { "\($0.kind.rawValue) \($0.from)→\($0.to)" } == ["refresh-failed configured→error"])
        #expect(try health(f).state == .failing)
        #expect(try health(f).note.hasPrefix("refresh: failing since 03-14 "))

        // Still failing: the badge stays red, no second status change.
        clock.advance(15 * 60)
        let again = try f.store.latestEventId()
        guard case .failing? = try await refresher(f, unavailable(f), giveUp: hour).refreshDue(window).results.first?.outcome else {
            Issue.record("expected failing again")
            return
        }
        #expect(try f.store.events(after: again).map { "\($0.kind.rawValue) \($0.from)→\($0.to)" } == ["refresh-failed error→error"])
        #expect(try f.logs().first?.hasPrefix("Token refresh failed again (attempt 4)") == true)

        // The provider is back: the red badge was the give-up period's, so it goes back.
        clock.advance(15 * 60)
        let healed = try f.store.latestEventId()
        #expect(try await refresher(f, granted(f), giveUp: hour).refreshDue(window).refreshed == 1)
        let back = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(back.status == .configured && back.reason == nil)
        #expect(try f.store.events(after: healed).map { "\($0.kind.rawValue) \($0.from)→\($0.to) \($0.reason ?? "")" }
                == ["refresh-recovered error→configured token refresh works again after 4 failed attempts"])
        #expect(try f.tokenColumn("gaveUpAt") == nil)
        #expect(try health(f).state == .ok)
    }

    @Test("invalid_grant turns the badge red at once with the reconnect hint; a refused client is told to check its credentials")
    func finalRefusals() async throws {
        let clock = ManualClock()
        let f = try OAuthStoreFixture(clock: clock.store)
        try f.connect(access: "AT-1", refresh: "RT-1")
        try f.connect("public", access: "AT-P", refresh: "RT-P")
        let revoked = OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .json(400, #"{"error":"invalid_grant","error_description":"revoked"}"#))])
        #expect(try await refresher(f, revoked).refreshDue(RefreshSelection(force: true, instance: f.instance, variable: "confidential")).failed == 1)
        let detail = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(detail.status == .error)
        #expect(detail.reason == "token refresh failed: invalid_grant: revoked; \(reconnect)")
        let stopped = try health(f)
        #expect(stopped.state == .stopped && stopped.nextAttemptAt == nil && stopped.failures == 1)
        #expect(stopped.lastError == "invalid_grant: revoked" && stopped.lastFailureAt == clock.text)
        #expect(stopped.note == "refresh: stopped (invalid_grant: revoked)")

        let refused = OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .json(401, #"{"error":"invalid_client"}"#))])
        #expect(try await refresher(f, refused).refreshDue(RefreshSelection(force: true, instance: f.instance, variable: "public")).failed == 1)
        #expect(try f.store.connectionDetail(instance: f.instance, variable: "public").reason
                == "token refresh failed: invalid_client; check the client ID and secret (refresh resumes when the values change), or reconnect: switchboard connect acme/local-oauth-demo public (c in the wizard)")

        // Reconnecting starts a clean run: healthy again, the last failure kept on record.
        try f.connect(access: "AT-9", refresh: "RT-9")
        let fresh = try health(f)
        #expect(fresh.state == .ok && fresh.failures == 0 && fresh.lastError == "invalid_grant: revoked")
    }

    /// The confidential connection's type gets a one-day keep-alive; the others none.
    static func keepAliveDay(_ yaml: String) -> String {
        yaml.replacingOccurrences(of: "      assumedLifetime: 7200   # used only when a token response has no expires_in\n",
                                  with: "      assumedLifetime: 7200   # used only when a token response has no expires_in\n      keepAlive: 1d\n")
    }

    @Test("keepAlive: a token obtained longer ago than the keep-alive is refreshed though its access token is far from expiry")
    func keepAliveSelection() async throws {
        let clock = ManualClock()
        let f = try OAuthStoreFixture(clock: clock.store, definitions: Self.keepAliveDay)
        #expect(try f.connection().options.keepAlive == 86_400, "the fixture's edit took")
        let month = 30 * 86_400
        try f.connect(access: "AT-1", refresh: "RT-1", expiresIn: month)
        try f.connect("public", access: "AT-P", refresh: "RT-P", expiresIn: month)
        #expect(try f.tokenColumn("renewBy") == Timestamp.string(from: clock.now.addingTimeInterval(86_400)))
        #expect(try f.tokenColumn("renewBy", "public") == nil, "no keep-alive, no deadline")
        #expect(try health(f).keepAliveBy == Timestamp.string(from: clock.now.addingTimeInterval(86_400)))

        clock.advance(86_400 - 60)
        #expect(try await refresher(f, OAuthFixtures.scripted([])).refreshDue(window).results.isEmpty, "a minute early: nothing due")

        clock.advance(61)
        let transport = OAuthFixtures.scripted([
            .init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token", "refresh_token": "RT-1"]),
                  respond: .json(200, #"{"access_token":"AT-2","refresh_token":"RT-2","expires_in":2592000}"#)),
        ])
        let report = try await refresher(f, transport).refreshDue(window)
        try transport.assertAllUsed()
        #expect(report.results.map(\.variable) == ["confidential"], "only the keep-alive connection is due")
        #expect(try f.store.tokens(for: f.connection())?.refreshToken == "RT-2")
        // The next deadline counts from this refresh.
        #expect(try f.tokenColumn("renewBy") == Timestamp.string(from: clock.now.addingTimeInterval(86_400)))
        #expect(try await refresher(f, OAuthFixtures.scripted([])).refreshDue(window).results.isEmpty)
    }

    /// A refresh writes `renewBy` only when it changes (issue 12: one index page less a
    /// commit); a deadline left by a type that had a keep-alive must still go.
    @Test("a refresh without a keep-alive leaves no renewBy: none stays none, one a keep-alive left behind is cleared")
    func refreshClearsAStaleKeepAlive() async throws {
        let clock = ManualClock()
        let f = try OAuthStoreFixture(clock: clock.store)
        try f.connect("public", access: "AT-P", refresh: "RT-P")
        let refreshPublic = { (access: String) in
            OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .json(200, #"{"access_token":"\#(access)","expires_in":3600}"#))])
        }
        #expect(try await refresher(f, refreshPublic("AT-P2")).refreshDue(RefreshSelection(force: true, instance: f.instance, variable: "public")).refreshed == 1)
        #expect(try f.tokenColumn("renewBy", "public") == nil)
        let id = try f.connection("public").connectionId
        _ = try f.store.database.write { db in
            try db.execute("UPDATE \"token\" SET \"renewBy\" = ? WHERE \"connectionId\" = ?", [Timestamp.string(from: clock.now), id])
        }
        #expect(try await refresher(f, refreshPublic("AT-P3")).refreshDue(RefreshSelection(force: true, instance: f.instance, variable: "public")).refreshed == 1)
        #expect(try f.tokenColumn("renewBy", "public") == nil, "the type has no keep-alive: the left-over deadline is cleared")
        #expect(try f.store.tokens(for: f.connection("public"))?.accessToken == "AT-P3")
    }

    @Test("a refresh answer without a requested scope turns the connection red naming it; one without scope keeps the granted one")
    func refreshNarrowingTheGrant() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        #expect(try await refresher(f, granted(f)).refreshDue(RefreshSelection(force: true)).refreshed == 1)
        #expect(try f.store.tokens(for: f.connection())?.scope == "read write", "no scope in the answer: the grant stands")
        #expect(try f.status() == .configured)

        let before = try f.store.latestEventId()
        #expect(try await refresher(f, granted(f, scope: "read")).refreshDue(RefreshSelection(force: true)).refreshed == 1)
        let detail = try f.store.connectionDetail(instance: f.instance, variable: "confidential")
        #expect(detail.status == .error)
        #expect(detail.reason == Store.missingScopes(["write"], connection: try f.connection()).teamText)
        #expect(detail.reason == "the provider did not grant write; reconnect and approve every scope: switchboard connect acme/local-oauth-demo confidential (c in the wizard)")
        #expect(try f.store.tokens(for: f.connection())?.scope == "read", "the answer's scope is the grant now")
        #expect(try f.store.events(after: before).map { "\($0.from)→\($0.to)" } == ["configured→error"])
        #expect(try f.logs().first?.hasPrefix("Token refreshed with fewer scopes than requested: the provider did not grant write") == true)

        // The same answer again: still red, no second event, no second error line.
        let again = try f.store.latestEventId()
        #expect(try await refresher(f, granted(f, scope: "read")).refreshDue(RefreshSelection(force: true)).refreshed == 1)
        #expect(try f.store.events(after: again).isEmpty)
        #expect(try f.logs().filter { $0.hasPrefix("Token refreshed with fewer scopes") }.count == 1)
    }
}

