import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

/// A store on a shared server keeps time by the server's clock (`StoreClock.serverCorrected`).
/// The hosts here share one kernel clock, so a host that is off is modelled: its own clock
/// runs ahead, and the engine reports the server's clock behind it by as much.
@Suite("Engine: times on a shared server are the server's")
struct ServerClockTests {
    /// The fixture's engine as a host whose clock is `skew` seconds off would see it.
    final class SkewedEngine: StoreEngine, @unchecked Sendable {
        let base: any StoreEngine
        let skew: TimeInterval
        init(_ base: any StoreEngine, skew: TimeInterval) { self.base = base; self.skew = skew }
        var dialect: SQLDialect { .postgres }
        var location: String { base.location }
        var clockOffset: TimeInterval { base.clockOffset - skew }
        func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try base.read(body) }
        func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T { try base.write(body) }
        func changeSignal() throws -> any StoreChangeSignal { try base.changeSignal() }
        func appliedMigrations() throws -> [String] { try base.appliedMigrations() }
    }

    static func host(_ f: OAuthStoreFixture, clockAhead skew: TimeInterval, corrected: Bool) -> Store {
        let engine: any StoreEngine = corrected ? SkewedEngine(f.store.database.engine, skew: skew) : f.store.database.engine
        let box = f.box
        return Store(database: AppDatabase(engine: engine), actor: f.store.actor, clock: .host { Date().addingTimeInterval(skew) }) { box }
    }

    @Test("a host whose clock runs 200 s ahead cannot take a lease another host holds for 120 s; without the correction it would")
    func aSkewedHostCannotTakeAHeldLease() throws {
        let f = try OAuthStoreFixture()
        try f.connect()
        let id = try f.connection().connectionId
        let force = RefreshSelection(force: true)
        let held = try f.store.acquireRefreshLeases([id], owner: "hostA:1:a", selection: force, leaseDuration: 120, now: f.store.clock.now())
        #expect(held.count == 1)

        let corrected = Self.host(f, clockAhead: 200, corrected: true)
        #expect(abs(corrected.clock.now().timeIntervalSinceNow) < 5, "the store's clock is the server's, not the host's")
        #expect(try corrected.acquireRefreshLeases([id], owner: "hostB:2:b", selection: force, leaseDuration: 120, now: corrected.clock.now()).isEmpty)
        #expect(try f.tokenColumn("leaseOwner") == "hostA:1:a")

        // The control: the same host with nothing to correct it (its engine measures no
        // difference: the fixture's server shares this machine's clock) takes the lease
        // that is still held: the case the correction exists for.
        let uncorrected = Self.host(f, clockAhead: 200, corrected: false)
        #expect(try uncorrected.acquireRefreshLeases([id], owner: "hostB:2:b", selection: force, leaseDuration: 120, now: uncorrected.clock.now()).count == 1)
    }

    @Test("what such a host records (log lines, expiries) is in the server's time")
    func recordedTimesAreTheServers() throws {
        let f = try OAuthStoreFixture()
        let host = Self.host(f, clockAhead: 3600, corrected: true)
        try host.storeTokens(f.connection(), TokenResponse(accessToken: "AT-S", refreshToken: "RT-S", scope: "read write", expiresIn: 600),
                             source: .authorizationCode, callbackMetadata: [:])
        let expiry = try #require(try f.tokenColumn("expiresAt").flatMap(Timestamp.date(from:)))
        #expect(abs(expiry.timeIntervalSinceNow - 600) < 30, "expires 600 s from the server's now, not the host's (\(expiry))")
    }
}
