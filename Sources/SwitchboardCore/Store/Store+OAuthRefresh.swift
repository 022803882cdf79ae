import Foundation

/// A connection this process holds the refresh lease of, with what the refresh needs.
package struct RefreshLease: Sendable {
    package var connection: OAuthConnection
    package var owner: String
    package var grant: TokenGrant
    /// The token's refresh state when the lease was taken.
    let state: LeasedTokenState
    /// The secret box verified when the lease was taken (reused to seal the result).
    let box: SecretBox

    /// The token generation the lease was taken on; results are written only over it.
    package var generation: Int { state.generation }
    /// The run of failures the lease was taken in.
    package var failures: Int { state.refresh.failures }
}

/// Which tokens a refresh pass looks at.
package struct RefreshSelection: Sendable {
    /// Refresh tokens that expire before now + `within`.
    package var within: TimeInterval
    /// Refresh even if not due, and ignore the backoff after temporary failures.
    package var force: Bool
    package var instance: String?
    package var variable: String?

    package init(within: TimeInterval = 900, force: Bool = false, instance: String? = nil, variable: String? = nil) {
        self.within = within
        self.force = force
        self.instance = instance
        self.variable = variable
    }
}

extension Store {
    /// Connections whose tokens are due: refreshable (a refresh token, or client
    /// credentials), not failed for good, expiring within the window or past their type's
    /// keep-alive, past any backoff.
    package func dueRefreshes(_ selection: RefreshSelection, now: Date = Date()) throws -> [Int64] {
        try database.read { db in
            var sql = """
                SELECT t."connectionId" FROM "token" t JOIN "connection" c ON c."id" = t."connectionId"
                WHERE t."refreshable" AND t."refreshError" IS NULL
                """
            var arguments: SQLArguments = []
            if !selection.force {
                // Due: the access token expires within the window, or a type's keep-alive
                // wants the refresh token used (`renewBy`); either way past any backoff.
                sql += """
                     AND ((t."expiresAt" IS NOT NULL AND t."expiresAt" <= ?) OR (t."renewBy" IS NOT NULL AND t."renewBy" <= ?))
                     AND (t."retryAt" IS NULL OR t."retryAt" <= ?)
                    """
                let nowText = Timestamp.string(from: now)
                arguments += [Timestamp.string(from: now.addingTimeInterval(selection.within)), nowText, nowText]
            }
            if let reference = selection.instance {
                let instance = try narrowing(db, to: reference, variable: selection.variable)
                sql += " AND c.\"instanceId\" = ?"
                arguments += [instance.id]
                if let variable = selection.variable {
                    sql += " AND c.\"variable\" = ?"
                    arguments += [variable]
                }
            } else if let customer = actor.role.customerName {
                sql += " AND c.\"instanceId\" IN (SELECT \"id\" FROM \"instance\" WHERE \"customer\" = ?)"
                arguments += [customer]
            }
            // NULLS FIRST: SQLite's order, which PostgreSQL does not share by default.
            sql += " ORDER BY t.\"expiresAt\" NULLS FIRST, t.\"connectionId\""
            return try db.values(Int64.self, sql, arguments)
        }
    }

    /// Takes the refresh leases of `ids` that are free and still due, in one transaction:
    /// the conditional UPDATE is the cross-process lock, and the due check is re-read under
    /// it, so a connection another process refreshed a moment ago is skipped.
    package func acquireRefreshLeases(_ ids: [Int64], owner: String, selection: RefreshSelection, leaseDuration: TimeInterval, now: Date = Date()) throws -> [RefreshLease] {
        try acquireRefreshLeases(ids, owner: owner, selection: selection, leaseDuration: leaseDuration, now: now, integrations: nil)
    }

    /// `integrations`: decoded versions and derived values shared by the batches of one
    /// pass (used with the box this batch verified).
    func acquireRefreshLeases(_ ids: [Int64], owner: String, selection: RefreshSelection, leaseDuration: TimeInterval, now: Date,
                              integrations: IntegrationCache?) throws -> [RefreshLease] {
        guard !ids.isEmpty else { return [] }
        // Leases are compared across hosts: the refresher passes the store's clock, which
        // on a shared server is the server's (`StoreClock.serverCorrected`), so a host
        // whose clock is ahead cannot take a lease that is still held.
        return try database.write { db in
            let box = try secretBox(db, writing: true)
            let cache = integrations?.using(box) ?? IntegrationCache(box: box)
            let nowText = Timestamp.string(from: now)
            let horizon = Timestamp.string(from: now.addingTimeInterval(selection.within))
            var leases: [RefreshLease] = []
            let until = Timestamp.string(from: now.addingTimeInterval(leaseDuration))
            for start in stride(from: 0, to: ids.count, by: Self.leaseChunk) {
                let chunk = ids[start..<min(start + Self.leaseChunk, ids.count)]
                var taken: Set<Int64> = []
                try db.forEachRow(Self.takeLeases, [owner, until] + Self.padded(chunk) + [nowText, selection.force, horizon, nowText, nowText]) { row in
                    taken.insert(try row.get(0))
                }
                guard !taken.isEmpty else { continue }
                let rows = try leasedRows(db, chunk.filter(taken.contains)[...], box: box)
                // In the order asked (most urgent first), each id once.
                for id in chunk where taken.remove(id) != nil {
                    if let lease = try lease(db, id, rows[id], owner: owner, box: box, cache: cache, nowText: nowText) { leases.append(lease) }
                }
            }
            return leases
        }
    }

    /// Leases are taken for up to this many connections by one statement, of one text
    /// whatever their number (places left over hold NULL, which matches no row), so the
    /// engine keeps it compiled: one conditional UPDATE per connection cost 40,000
    /// instructions a lease (callgrind).
    static let leaseChunk = 32

    /// Takes the leases of the listed tokens that are free and still due (or all with
    /// `force`); returns the connections it took. Arguments: owner, lease end, the
    /// `leaseChunk` ids, now, force, horizon, now, now.
    static let takeLeases = """
        UPDATE "token" SET "leaseOwner" = ?, "leaseUntil" = ?
        WHERE "connectionId" IN (\(Array(repeating: "?", count: leaseChunk).joined(separator: ", "))) AND "refreshable" AND "refreshError" IS NULL
          AND ("leaseUntil" IS NULL OR "leaseUntil" < ?)
          AND (? OR ((("expiresAt" IS NOT NULL AND "expiresAt" <= ?) OR ("renewBy" IS NOT NULL AND "renewBy" <= ?))
                     AND ("retryAt" IS NULL OR "retryAt" <= ?)))
        RETURNING "connectionId"
        """

    /// `ids` and then NULLs, `leaseChunk` arguments in all.
    static func padded(_ ids: ArraySlice<Int64>) -> SQLArguments {
        ids.map { $0 as any SQLValueConvertible } + Array(repeating: Int64?.none as any SQLValueConvertible, count: leaseChunk - ids.count)
    }

    /// The lease of a token this transaction just took, with the connection loaded; nil
    /// (and the token marked, logged and in the feed) when the connection cannot refresh.
    private func lease(_ db: any SQLConnection, _ id: Int64, _ row: Result<LeasedRow, any Error>?, owner: String, box: SecretBox, cache: IntegrationCache, nowText: String) throws -> RefreshLease? {
        let connection: OAuthConnection, state: LeasedTokenState
        do {
            (connection, state) = try leasedConnection(db, row, connectionId: id, cache: cache)
        } catch {
            // A connection whose fields became invalid cannot refresh; say why once.
            let message: Message = "Token refresh impossible: \(outside: error); automatic refresh stopped until the connection's values change or it is reconnected"
            try db.execute("""
                UPDATE "token" SET "leaseOwner" = NULL, "leaseUntil" = NULL, "refreshError" = ?, "lastFailureAt" = ?, "lastError" = ?
                WHERE "connectionId" = ?
                """, ["\(error)", nowText, Message(outside: "\(error)").json, id])
            if let record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [id]) {
                try appendLog(db, instanceId: record.instanceId, connectionId: id, level: .error, message: message)
                try appendEvent(db, connectionId: id, kind: .refreshFailed, reason: message)
            }
            return nil
        }
        let grant: TokenGrant
        if let refreshToken = connection.token?.refreshToken {
            grant = .refreshToken(refreshToken)
        } else {
            grant = .clientCredentials
        }
        return RefreshLease(connection: connection, owner: owner, grant: grant, state: state, box: box)
    }

    /// Stores a refresh's tokens and its bookkeeping in one transaction: the token row
    /// first, then (in a savepoint, so a failure there cannot take the rotated refresh
    /// token with it) the health bookkeeping that needs the connection row (a red badge
    /// from the give-up period turns back, a shrunken grant turns red) and the log line.
    /// A response without a new refresh token keeps the old one, one without `scope` the
    /// granted scope. Nil when the tokens changed meanwhile (a reconnect, or another
    /// process that refreshed after this lease expired).
    package func storeRefreshedTokens(_ lease: RefreshLease, _ response: TokenResponse, receivedAt: Date? = nil) throws -> StoredToken? {
        let receivedAt = receivedAt ?? clock.now()
        let old = lease.connection.token
        let options = lease.connection.options
        let (expiresAt, assumed) = StoredToken.expiry(response, receivedAt: receivedAt, assumedLifetime: options.assumedLifetime)
        let token = StoredToken(
            accessToken: response.accessToken, tokenType: response.tokenType,
            refreshToken: response.refreshToken ?? old?.refreshToken, scope: response.scope ?? old?.scope,
            expiresAt: expiresAt, expiryAssumed: assumed)
        let sealed = try lease.box.seal(Self.sealedJSON(token))
        // JSONDecoder, not StoredToken.decode's own reader: hosts of older versions sharing the
        // store read tokens with JSONDecoder only.
        assert((try? JSON.decode(StoredToken.self, from: Self.sealedJSON(token))) == token, "sealedJSON does not decode to the token")
        var note = response.refreshToken == nil ? "refresh token kept" : (response.refreshToken == old?.refreshToken ? "same refresh token" : "refresh token rotated")
        if lease.grant == .clientCredentials { note = "new client credentials token" }
        let expiry = token.expiresAt.map { "access token expires at \($0)" } ?? "access token without an expiry"
        // A refresh cannot widen a grant, but a provider may narrow it (RFC 6749 §6).
        let missing = GrantedScopes.missing(requested: lease.connection.client.scopes, granted: response.scope, aliases: options.scopeAliases ?? [:])
        let connectionId = lease.connection.connectionId
        var bookkeepingError: (any Error)?
        let stored: Bool = try database.write { db in
            // `renewBy` is written only when it changes (a type with a keep-alive): naming
            // it rewrites its index entry, one more page in the commit.
            let renewBy = Self.renewBy(options, from: receivedAt)
            let statements = renewBy == nil && lease.state.renewBy == nil ? Self.storeRefreshKeepingRenewBy : Self.storeRefreshWritingRenewBy
            var arguments: SQLArguments = [sealed, token.expiresAt, now(), Timestamp.string(from: receivedAt)]
            if statements.writesRenewBy { arguments.append(renewBy) }
            arguments += [lease.owner, lease.owner, connectionId, lease.generation]
            // The refresh state the lease read holds while no failure was recorded since
            // (every failure sets `lastFailureAt`). Another owner may have recorded one if
            // this lease expired while its request ran: then the state is read again, before
            // the write resets the count (and if that read fails, the lease's is kept: the
            // tokens must be stored).
            var found: TokenRefreshState? = lease.state.refresh
            if try db.execute(statements.unlessFailed, arguments + [lease.state.lastFailureAt ?? ""]) == 0 {
                let now = (try? refreshState(db, connectionId: connectionId)) ?? lease.state.refresh
                found = try db.execute(statements.always, arguments) == 1 ? now : nil
            }
            guard let found else { return false }
            do {
                let steps = BookkeepingSteps(response, missing: missing, gaveUp: hasGivenUp(found), state: found)
                if db.dialect == .sqlite && steps.onlyTheLogLine {
                    // SQLite undoes a failed statement alone and keeps the transaction (a
                    // failure that ends the transaction ends it with a savepoint too), so a
                    // bookkeeping of one statement needs none: SAVEPOINT and RELEASE were
                    // 12,700 instructions a refresh (callgrind). PostgreSQL aborts the whole
                    // transaction on any failed statement.
                    try logRefreshed(db, lease, expiry: expiry, note: note)
                } else {
                    try db.savepoint {
                        try refreshBookkeeping(db, lease, response, token: token, expiry: expiry, note: note, missing: missing, state: found, steps: steps)
                    }
                }
            } catch {
                // The tokens are committed all the same; the caller hears of the failure.
                bookkeepingError = error
            }
            return true
        }
        guard stored else {
            try logRefresh(lease, level: .warning, "Token refresh result discarded: the connection's tokens changed while it ran (reconnected?)", extra: token.secretValues)
            return nil
        }
        if let bookkeepingError { throw bookkeepingError }
        return token
    }

    /// What a stored refresh changes besides the token row, in the same transaction.
    private func refreshBookkeeping(_ db: any SQLConnection, _ lease: RefreshLease, _ response: TokenResponse, token: StoredToken, expiry: String, note: String,
                                    missing: [String], state: TokenRefreshState, steps: BookkeepingSteps) throws {
        let connectionId = lease.connection.connectionId
        let gaveUp = steps.gaveUp
        // With the tokens, so a crash right after cannot lose the recovery; a recovery
        // that also turns the badge back is recorded with that change below.
        if steps.recordsRecovery {
            try appendEvent(db, connectionId: connectionId, kind: .refreshRecovered, reason: recovered(state))
        }
        try logRefreshed(db, lease, expiry: expiry, note: note)
        let metadataChanged = steps.metadataChanged
        // The common case (nothing to change, nothing given up) needs no connection row.
        guard steps.readsConnection else { return }
        guard var record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connectionId]) else { return }
        var changed = false, kind = ConnectionEvent.Kind.status, cause: Message?
        if metadataChanged {
            let metadata = lease.connection.metadata.merging(response.metadata) { _, new in new }
            record.metadata = try JSON.encode(metadata)
            changed = true
        }
        if gaveUp {
            try db.execute("UPDATE \"token\" SET \"gaveUpAt\" = NULL WHERE \"connectionId\" = ?", [connectionId])
        }
        if !missing.isEmpty {
            let reason = Self.missingScopes(missing, connection: lease.connection)
            if record.outcome != .error || record.reasonParts != reason.json {
                try appendLog(db, instanceId: lease.connection.instanceId, connectionId: connectionId, level: .error,
                              message: lease.connection.redactor(token.secretValues).redactOutside("Token refreshed with fewer scopes than requested: " + reason))
            }
            record.outcome = .error
            record.setReason(reason)
            changed = true
        } else if gaveUp && record.outcome == .error {
            // The red badge was the give-up period's: working again, it goes back.
            record.outcome = .none
            record.setReason(nil as Message?)
            kind = .refreshRecovered
            cause = recovered(state)
            changed = true
        }
        if changed {
            record.updatedAt = now()
            try updateConnection(db, record, event: kind, because: cause)
        }
        // A give-up whose badge did not turn back here (a narrowed grant keeps it red)
        // still ends its failures in the feed.
        if gaveUp && kind != .refreshRecovered, state.lastEventWasFailure {
            try appendEvent(db, connectionId: connectionId, kind: .refreshRecovered, reason: recovered(state))
        }
    }

    /// Which of `refreshBookkeeping`'s steps a stored refresh takes, decided once: whether
    /// it runs in a savepoint depends on them.
    struct BookkeepingSteps {
        let gaveUp: Bool
        let metadataChanged: Bool
        /// A run of failures ends here without the give-up turning the badge back.
        let recordsRecovery: Bool
        /// Metadata to merge, a give-up to end or a scope missing: the connection row changes.
        let readsConnection: Bool
        /// Nothing but the log line is written.
        var onlyTheLogLine: Bool { !recordsRecovery && !readsConnection }

        init(_ response: TokenResponse, missing: [String], gaveUp: Bool, state: TokenRefreshState) {
            self.gaveUp = gaveUp
            metadataChanged = !response.metadata.isEmpty
            recordsRecovery = !gaveUp && state.lastEventWasFailure
            readsConnection = metadataChanged || gaveUp || !missing.isEmpty
        }
    }

    /// The log line of a stored refresh: `appendLog`'s row through one fixed statement
    /// (cached by the engine); the record's generic insert cost more than the rest of this
    /// transaction. The line is our own words only (the expiry we wrote, one of four fixed
    /// notes), so it needs no redactor.
    private func logRefreshed(_ db: any SQLConnection, _ lease: RefreshLease, expiry: String, note: String) throws {
        let logged: Message = "Token refreshed: \(name: expiry), \(name: note)"
        try db.execute("""
            INSERT INTO "logEntry" ("instanceId", "connectionId", "time", "level", "source", "user", "message", "parts") VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [lease.connection.instanceId, lease.connection.connectionId, now(), LogLevel.info.rawValue, actor.source, actor.logUser,
                  logged.rendered(for: .team), logged.json])
    }

    /// The sealed token's JSON, what `JSONEncoder` with sorted keys writes for `StoredToken`
    /// (byte for byte for text without control characters, whose escapes may be spelled
    /// differently; debug builds check that JSONDecoder reads back the same token): the
    /// generic encoder was a tenth of a refresh's instructions.
    static func sealedJSON(_ token: StoredToken) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        out.append(UInt8(ascii: "{"))
        func field(_ name: StaticString, _ value: String?) {
            guard let value else { return }
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\"")); JSONText.append(name, to: &out); JSONText.append("\":", to: &out)
            JSONText.appendString(value, to: &out)
        }
        field("accessToken", token.accessToken)
        field("expiresAt", token.expiresAt)
        if let assumed = token.expiryAssumed {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            JSONText.append(assumed ? "\"expiryAssumed\":true" : "\"expiryAssumed\":false", to: &out)
        }
        field("refreshToken", token.refreshToken)
        field("scope", token.scope)
        field("tokenType", token.tokenType)
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// When a type's keep-alive wants tokens obtained at `date` used again; nil without one.
    static func renewBy(_ options: OAuthOptions, from date: Date) -> String? {
        options.keepAlive.map { Timestamp.string(from: date.addingTimeInterval(TimeInterval($0))) }
    }

    /// A refresh result's token row, over the lease's generation (statements written once):
    /// `always`, and `unlessFailed` while the token's `lastFailureAt` is the one the lease
    /// read (one argument more).
    struct StoreRefreshStatements {
        let writesRenewBy: Bool
        let always: String
        let unlessFailed: String

        init(writesRenewBy: Bool) {
            self.writesRenewBy = writesRenewBy
            always = """
                UPDATE "token" SET "sealed" = ?, "expiresAt" = ?, "obtainedAt" = ?, "generation" = "generation" + 1,
                    "refreshFailures" = 0, "retryAt" = NULL, "failingSince" = NULL, "lastSuccessAt" = ?,\(writesRenewBy ? " \"renewBy\" = ?," : "")
                    "leaseOwner" = CASE WHEN "leaseOwner" = ? THEN NULL ELSE "leaseOwner" END,
                    "leaseUntil" = CASE WHEN "leaseOwner" = ? THEN NULL ELSE "leaseUntil" END
                WHERE "connectionId" = ? AND "generation" = ?
                """
            unlessFailed = always + " AND COALESCE(\"lastFailureAt\", '') = ?"
        }
    }
    static let storeRefreshWritingRenewBy = StoreRefreshStatements(writesRenewBy: true)
    static let storeRefreshKeepingRenewBy = StoreRefreshStatements(writesRenewBy: false)

    /// The token's give-up and the connection's last refresh event, as they are now.
    func refreshState(_ db: any SQLConnection, connectionId: Int64) throws -> TokenRefreshState {
        var state = TokenRefreshState(failures: 0, gaveUpAt: nil, lastEventWasFailure: false)
        try db.forEachRow("""
            SELECT "refreshFailures", "gaveUpAt", (\(Self.lastRefreshEvent("token"))) FROM "token" WHERE "connectionId" = ?
            """, [ConnectionEvent.Kind.status.rawValue, connectionId]) { row in
            state = TokenRefreshState(failures: try row.get(0), gaveUpAt: try row.get(1),
                                      lastEventWasFailure: try row.get(2, as: String?.self) == ConnectionEvent.Kind.refreshFailed.rawValue)
        }
        return state
    }

    /// The kind of the connection's last event that is not a status change, for the token
    /// row of `table` (one argument: the status kind).
    static func lastRefreshEvent(_ table: String) -> String {
        """
        SELECT e."kind" FROM "connectionEvent" e WHERE e."connectionId" = "\(table)"."connectionId" AND e."kind" <> ? ORDER BY e."id" DESC LIMIT 1
        """
    }

    /// Whether the give-up period turned the badge red during the failures this result
    /// ends. A values change resets the failure count but not `gaveUpAt`, so the count
    /// decides.
    func hasGivenUp(_ state: TokenRefreshState) -> Bool {
        state.failures > 0 && state.gaveUpAt != nil
    }

    func recovered(_ state: TokenRefreshState) -> Message {
        let attempts: Message = state.failures > 0 ? " after \(state.failures) failed attempt\(name: state.failures == 1 ? "" : "s")" : ""
        return "token refresh works again" + attempts
    }

    /// Gives a lease back without a result (cancelled before the request was sent).
    package func releaseRefreshLease(_ lease: RefreshLease) throws {
        try database.write { db in
            _ = try db.execute("UPDATE \"token\" SET \"leaseOwner\" = NULL, \"leaseUntil\" = NULL WHERE \"connectionId\" = ? AND \"leaseOwner\" = ?",
                           [lease.connection.connectionId, lease.owner])
        }
    }

    func logRefresh(_ lease: RefreshLease, level: LogLevel, _ message: Message, extra: [String] = []) throws {
        try logOAuth(lease.connection, level: level, message, redacting: extra)
    }
}
