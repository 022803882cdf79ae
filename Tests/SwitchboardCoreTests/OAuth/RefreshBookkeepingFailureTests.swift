import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// A refresh whose bookkeeping fails (here its log line, refused by a trigger) keeps the
/// tokens it was answered: the provider has forgotten the old refresh token. On either
/// engine, by either path: the log line alone (SQLite runs it without a savepoint), and a
/// bookkeeping of several statements (in a savepoint, whose other writes go with it).
@Suite struct RefreshBookkeepingFailureTests {
    let window = RefreshSelection(within: 300)

    func granted(_ f: OAuthStoreFixture) -> ScriptedTransport {
        OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), body: .form(["grant_type": "refresh_token", "refresh_token": "RT-1"]),
                                      respond: .json(200, #"{"access_token":"AT-2","refresh_token":"RT-2","expires_in":3600}"#))])
    }

    /// Makes every insert into the log fail from now on.
    func refuseLogLines(_ f: OAuthStoreFixture) throws {
        _ = try f.store.database.write { db in
            if db.dialect == .postgres {
                try db.execute("CREATE FUNCTION \"refuseLogLine\"() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RAISE EXCEPTION ''log line refused''; END'")
                try db.execute("CREATE TRIGGER \"refuseLogLine\" BEFORE INSERT ON \"logEntry\" FOR EACH ROW EXECUTE FUNCTION \"refuseLogLine\"()")
            } else {
                try db.execute("CREATE TRIGGER \"refuseLogLine\" BEFORE INSERT ON \"logEntry\" BEGIN SELECT RAISE(ABORT, 'log line refused'); END")
            }
        }
    }

    func refreshEvents(_ f: OAuthStoreFixture) throws -> [String] {
        let id = try f.connection().connectionId
        return try f.store.database.read { db in
            try db.values(String.self, "SELECT \"kind\" FROM \"connectionEvent\" WHERE \"connectionId\" = ? AND \"kind\" <> ? ORDER BY \"id\"",
                          [id, ConnectionEvent.Kind.status.rawValue])
        }
    }

    @Test("a refresh whose log line cannot be written keeps its rotated tokens and says so")
    func logLineRefused() async throws {
        let f = try OAuthStoreFixture()
        try f.connect(access: "AT-1", refresh: "RT-1")
        try f.expire(in: 60)
        let logged = try f.logs().count
        try refuseLogLines(f)
        let transport = granted(f)
        let report = try await TokenRefresher(store: f.store, transport: transport, concurrency: 1).refreshDue(window)
        try transport.assertAllUsed()
        let result = try #require(report.results.first)
        guard case .retryLater(let reason, _) = result.outcome else {
            Issue.record("expected retryLater, got \(result.outcome)")
            return
        }
        #expect(reason.contains("log line refused"), "the caller hears why: \(reason)")
        let token = try #require(try f.store.tokens(for: f.connection()))
        #expect(token.accessToken == "AT-2")
        #expect(token.refreshToken == "RT-2", "the rotated refresh token is kept")
        #expect(try f.tokenColumn("leaseOwner") == nil, "the lease ends with the stored tokens")
        #expect(try f.logs().count == logged)
    }

    @Test("a recovery whose log line cannot be written keeps its tokens, and its recovery event goes with the log line")
    func recoveryBookkeepingRefused() async throws {
        let clock = ManualClock()
        let f = try OAuthStoreFixture(clock: clock.store)
        try f.connect(access: "AT-1", refresh: "RT-1", expiresIn: 3600)
        clock.advance(3500)
        let unavailable = OAuthFixtures.scripted([.init("POST", .exact(f.tokenURL), respond: .text(503, "<html>maintenance</html>"))])
        #expect(try await TokenRefresher(store: f.store, transport: unavailable, concurrency: 1, backoffBase: 30).refreshDue(window).retryLater == 1)
        #expect(try refreshEvents(f) == [ConnectionEvent.Kind.refreshFailed.rawValue])
        try refuseLogLines(f)
        clock.advance(35)
        let transport = granted(f)
        let report = try await TokenRefresher(store: f.store, transport: transport, concurrency: 1, backoffBase: 30).refreshDue(window)
        try transport.assertAllUsed()
        #expect(report.retryLater == 1)
        let token = try #require(try f.store.tokens(for: f.connection()))
        #expect(token.refreshToken == "RT-2", "the rotated refresh token is kept")
        #expect(try f.tokenColumn("refreshFailures") == "0")
        #expect(try refreshEvents(f) == [ConnectionEvent.Kind.refreshFailed.rawValue], "the recovery event was undone with its log line")
    }
}
