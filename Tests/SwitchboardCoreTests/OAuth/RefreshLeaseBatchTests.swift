import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// Refresh leases taken for many connections at once (issue 12: one statement per
/// `Store.leaseChunk` connections, one joined read per lease, derived values shared by
/// connections with the same values), on whichever engine the pass runs.
@Suite struct RefreshLeaseBatchTests {
    /// `count` more instances of the fixture's integration, each with tokens on
    /// `confidential`, all expiring in a minute; their connection ids, most urgent first.
    static func manyDue(_ f: OAuthStoreFixture, count: Int) throws -> [Int64] {
        for index in 0..<count {
            let name = "acme/batch-\(index)"
            _ = try f.store.deploy(integration: "local-oauth-demo", customer: "acme", name: name)
            try f.store.configure(instance: name, changes: [FieldChange(variable: "confidential", field: "baseUrl", value: f.base)])
            try f.store.storeTokens(f.store.oauthConnection(instance: name, variable: "confidential"),
                                    TokenResponse(accessToken: "AT-\(index)", refreshToken: "RT-\(index)", expiresIn: 60 + index), source: .authorizationCode)
        }
        return try f.store.dueRefreshes(RefreshSelection(within: 300))
    }

    @Test("leases over several statements come back in the order asked, each once, and a second owner gets none")
    func leasesAcrossChunks() throws {
        let f = try OAuthStoreFixture()
        let due = try Self.manyDue(f, count: Store.leaseChunk * 2 + 5)
        #expect(due.count == Store.leaseChunk * 2 + 5)
        // A duplicate and an id that names no connection, in the middle of a chunk.
        let asked = Array(due[..<40]) + [due[3], 999_999] + Array(due[40...])
        let leases = try f.store.acquireRefreshLeases(asked, owner: "owner-a", selection: RefreshSelection(within: 300), leaseDuration: 120)
        #expect(leases.map(\.connection.connectionId) == due)
        #expect(leases.allSatisfy { $0.owner == "owner-a" && $0.failures == 0 })
        #expect(Set(leases.map { $0.connection.token?.accessToken ?? "" }).count == due.count, "each lease carries its own tokens")
        #expect(try f.store.acquireRefreshLeases(due, owner: "owner-b", selection: RefreshSelection(within: 300), leaseDuration: 120).isEmpty)
        let held = try f.store.database.read { db in
            try db.value(Int.self, "SELECT COUNT(*) FROM \"token\" WHERE \"leaseOwner\" = ?", ["owner-a"])
        }
        #expect(held == due.count)
    }

    @Test("each lease of a chunk carries its own connection's values, secrets and writers, as a connection read alone does")
    func leasesCarryTheirOwnValues() throws {
        let f = try OAuthStoreFixture()
        let due = try Self.manyDue(f, count: Store.leaseChunk + 3)
        // Values that differ per connection: a client id (plain), a client secret (sealed)
        // on every other one, and a scope a customer typed on every third.
        let customer = f.store.withActor(Actor(user: "cust", role: .customer("acme"), source: "test"))
        for index in 0..<due.count {
            let name = "acme/batch-\(index)"
            var changes = [FieldChange(variable: "confidential", field: "clientId", value: "client-\(index)")]
            if index % 2 == 0 { changes.append(FieldChange(variable: "confidential", field: "clientSecret", value: "secret-\(index)")) }
            try f.store.configure(instance: name, changes: changes)
            if index % 3 == 0 { try customer.configure(instance: name, changes: [FieldChange(variable: "confidential", field: "scopes", value: "read")]) }
        }
        let leases = try f.store.acquireRefreshLeases(due, owner: "owner-a", selection: RefreshSelection(within: 300), leaseDuration: 120,
                                                      now: Date(), integrations: IntegrationCache(box: nil))
        #expect(leases.map(\.connection.connectionId) == due)
        for (index, lease) in leases.enumerated() {
            let alone = try f.store.oauthConnection(instance: "acme/batch-\(index)", variable: "confidential")
            #expect(lease.connection.connectionId == alone.connectionId)
            #expect(lease.connection.values == alone.values)
            #expect(lease.connection.client == alone.client)
            #expect(Set(lease.connection.secrets) == Set(alone.secrets))
            #expect(lease.connection.endpointsChosenByCustomer == alone.endpointsChosenByCustomer)
            #expect(lease.connection.client.clientId == "client-\(index)")
            #expect(lease.connection.client.clientSecret == (index % 2 == 0 ? "secret-\(index)" : "sb-confidential-secret"))
            #expect(lease.connection.client.scopes == (index % 3 == 0 ? ["read"] : ["read", "write"]))
        }
    }

    @Test("a connection that is not due, or whose lease another owner holds, is skipped inside a chunk")
    func skipsInsideAChunk() throws {
        let f = try OAuthStoreFixture()
        let due = try Self.manyDue(f, count: 6)
        let held = try f.store.acquireRefreshLeases([due[1]], owner: "owner-b", selection: RefreshSelection(within: 300), leaseDuration: 120)
        #expect(held.map(\.connection.connectionId) == [due[1]])
        _ = try f.store.database.write { db in
            try db.execute("UPDATE \"token\" SET \"expiresAt\" = ? WHERE \"connectionId\" = ?", [Timestamp.string(from: Date().addingTimeInterval(7200)), due[4]])
        }
        let leases = try f.store.acquireRefreshLeases(due, owner: "owner-a", selection: RefreshSelection(within: 300), leaseDuration: 120)
        #expect(leases.map(\.connection.connectionId) == [due[0], due[2], due[3], due[5]])
        // Forced, the one not due is taken too; the held one still is not.
        let forced = try f.store.acquireRefreshLeases([due[4], due[1]], owner: "owner-c", selection: RefreshSelection(force: true), leaseDuration: 120)
        #expect(forced.map(\.connection.connectionId) == [due[4]])
    }

    @Test("connections with the same values but a customer-written token URL are judged each on its own in one pass")
    func sharedDerivationsKeepProvenance() throws {
        let f = try OAuthStoreFixture()
        let due = try Self.manyDue(f, count: 3)
        // The same base URL everywhere, the second instance's typed by a customer: its
        // tokens must not go there (refresh tokens are the team's), the others' may.
        let moved = [FieldChange(variable: "confidential", field: "baseUrl", value: "https://provider2.test")]
        try f.store.configure(instance: "acme/batch-0", changes: moved)
        try f.store.withActor(Actor(user: "cust", role: .customer("acme"), source: "test")).configure(instance: "acme/batch-1", changes: moved)
        try f.store.configure(instance: "acme/batch-2", changes: moved)
        let leases = try f.store.acquireRefreshLeases(due, owner: "owner-a", selection: RefreshSelection(within: 300), leaseDuration: 120,
                                                      now: Date(), integrations: IntegrationCache(box: nil))
        let second = try #require(try f.store.database.read { db in
            try db.value(Int64.self, """
                SELECT c."id" FROM "connection" c JOIN "instance" i ON i."id" = c."instanceId" WHERE i."name" = ? AND c."variable" = ?
                """, ["acme/batch-1", "confidential"])
        })
        #expect(leases.map(\.connection.connectionId) == due.filter { $0 != second })
        let stopped = try f.store.database.read { db in
            try db.value(String.self, "SELECT \"refreshError\" FROM \"token\" WHERE \"connectionId\" = ?", [second])
        }
        #expect(stopped != nil, "the customer-chosen token URL stops refresh: \(stopped ?? "nil")")
    }

    /// A connected `confidential` on a hand-moved clock, and its lease taken (forced, for
    /// 120 s) by the owner named.
    static func connectedOnAManualClock() throws -> (ManualClock, OAuthStoreFixture, (String) throws -> RefreshLease) {
        let clock = ManualClock()
        let f = try OAuthStoreFixture(clock: clock.store)
        try f.connect(access: "AT-1", refresh: "RT-1", expiresIn: 3600)
        let id = try f.connection().connectionId
        let take = { (owner: String) throws -> RefreshLease in
            try #require(try f.store.acquireRefreshLeases([id], owner: owner, selection: RefreshSelection(force: true), leaseDuration: 120,
                                                          now: clock.now).first)
        }
        return (clock, f, take)
    }

    @Test("a lease that expired while its request ran still ends the give-up another owner recorded meanwhile")
    func staleLeaseEndsALaterGiveUp() throws {
        let (clock, f, take) = try Self.connectedOnAManualClock()
        // A run of failures has begun.
        let first = try take("owner-0")
        _ = try f.store.recordRefreshFailure(first, .network("connection refused"), backoffBase: 30, giveUpAfter: 600, now: clock.now)
        clock.advance(900)
        // Owner A takes the lease; its request outlives the lease, and owner B takes it
        // over, fails again and gives up (the run began 20 minutes ago).
        let slow = try take("owner-a")
        #expect(slow.failures == 1)
        clock.advance(300)
        let late = try take("owner-b")
        let before = try f.store.latestEventId()
        guard case .failing? = try f.store.recordRefreshFailure(late, .network("connection refused"), backoffBase: 30, giveUpAfter: 600, now: clock.now) else {
            Issue.record("expected the give-up")
            return
        }
        #expect(try f.status() == .error)
        // A's answer arrives: the tokens are its generation's, so they are stored, and the
        // give-up ends with them as any later success would end it.
        let stored = try f.store.storeRefreshedTokens(slow, TokenResponse(accessToken: "AT-2", refreshToken: "RT-2", expiresIn: 3600))
        #expect(stored?.accessToken == "AT-2")
        #expect(try f.status() == .configured)
        #expect(try f.tokenColumn("gaveUpAt") == nil)
        #expect(try f.store.events(after: before).map { "\($0.kind.rawValue) \($0.from)→\($0.to)" }
                == ["refresh-failed configured→error", "refresh-recovered error→configured"])
    }

    @Test("a stale lease taken before any failure still ends the give-up another owner recorded, counting that owner's failures")
    func staleLeaseFromACleanStart() throws {
        let (clock, f, take) = try Self.connectedOnAManualClock()
        let slow = try take("owner-a")
        #expect(slow.failures == 0)
        clock.advance(300)
        let late = try take("owner-b")
        let before = try f.store.latestEventId()
        guard case .failing? = try f.store.recordRefreshFailure(late, .network("connection refused"), backoffBase: 30, giveUpAfter: 0, now: clock.now) else {
            Issue.record("expected the give-up")
            return
        }
        #expect(try f.store.storeRefreshedTokens(slow, TokenResponse(accessToken: "AT-2", refreshToken: "RT-2", expiresIn: 3600))?.accessToken == "AT-2")
        #expect(try f.status() == .configured)
        #expect(try f.tokenColumn("gaveUpAt") == nil)
        #expect(try f.store.events(after: before).map { "\($0.kind.rawValue) \($0.from)→\($0.to) \($0.reason ?? "")" }.last
                == "refresh-recovered error→configured token refresh works again after 1 failed attempt")
    }

    /// One due connection (acme/batch-0 confidential), leased by owner-a.
    static func oneLeased() throws -> (OAuthStoreFixture, Int64, RefreshLease) {
        let f = try OAuthStoreFixture()
        _ = try manyDue(f, count: 1)
        let id = try #require(try f.store.dueRefreshes(RefreshSelection(within: 300)).first)
        let lease = try #require(try f.store.acquireRefreshLeases([id], owner: "owner-a", selection: RefreshSelection(within: 300), leaseDuration: 120).first)
        return (f, id, lease)
    }

    @Test("a result over a lease whose tokens were replaced meanwhile is discarded, and said so")
    func replacedTokensDiscardTheResult() throws {
        let (f, id, lease) = try Self.oneLeased()
        // A reconnect: new tokens, a new generation.
        try f.store.storeTokens(f.store.oauthConnection(instance: "acme/batch-0", variable: "confidential"),
                                TokenResponse(accessToken: "AT-NEW", refreshToken: "RT-NEW", expiresIn: 3600), source: .authorizationCode)
        #expect(try f.store.storeRefreshedTokens(lease, TokenResponse(accessToken: "AT-LATE", refreshToken: "RT-LATE", expiresIn: 3600)) == nil)
        #expect(try f.store.tokens(connectionId: id)?.accessToken == "AT-NEW")
        #expect(try f.store.logs(instance: "acme/batch-0", variable: "confidential", limit: 1).first?.message
                == "Token refresh result discarded: the connection's tokens changed while it ran (reconnected?)")
    }

    /// DISCONNECT deletes the token row; CONNECT makes a new one. A refresh leased before
    /// and answered after both must not take the new row for its own (its generation).
    @Test("a result over a lease whose tokens were disconnected and connected again meanwhile is discarded")
    func disconnectAndReconnectDiscardTheResult() throws {
        let (f, id, lease) = try Self.oneLeased()
        let connection = try f.store.oauthConnection(instance: "acme/batch-0", variable: "confidential")
        try f.store.deleteTokens(connection)
        try f.store.storeTokens(f.store.oauthConnection(instance: "acme/batch-0", variable: "confidential"),
                                TokenResponse(accessToken: "AT-NEW", refreshToken: "RT-NEW", expiresIn: 3600), source: .authorizationCode)
        #expect(try f.store.storeRefreshedTokens(lease, TokenResponse(accessToken: "AT-OLD-GRANT", refreshToken: "RT-OLD-GRANT", expiresIn: 3600)) == nil)
        #expect(try f.store.tokens(connectionId: id)?.accessToken == "AT-NEW")
        #expect(try f.store.recordRefreshFailure(lease, .network("connection refused"), backoffBase: 30, giveUpAfter: 600) == nil,
                "a failure over the old grant is not the new one's either")
    }
}
