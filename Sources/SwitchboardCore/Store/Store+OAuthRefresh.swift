import Foundation
import GRDB

/// A connection this process holds the refresh lease of, with what the refresh needs.
package struct RefreshLease: Sendable {
    package var connection: OAuthConnection
    package var owner: String
    /// The token generation the lease was taken on; results are written only over it.
    package var generation: Int
    package var failures: Int
    package var grant: TokenGrant
    /// The secret box verified when the lease was taken (reused to seal the result).
    let box: SecretBox
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
    /// credentials), not failed for good, expiring within the window, past any backoff.
    package func dueRefreshes(_ selection: RefreshSelection, now: Date = Date()) throws -> [Int64] {
        try database.read { db in
            var sql = """
                SELECT t.connectionId FROM token t JOIN connection c ON c.id = t.connectionId
                WHERE t.refreshable AND t.refreshError IS NULL
                """
            var arguments: StatementArguments = []
            if !selection.force {
                sql += " AND t.expiresAt IS NOT NULL AND t.expiresAt <= ? AND (t.retryAt IS NULL OR t.retryAt <= ?)"
                arguments += [Timestamp.string(from: now.addingTimeInterval(selection.within)), Timestamp.string(from: now)]
            }
            if let reference = selection.instance {
                let (instance, resolved) = try resolveInstance(db, reference)
                sql += " AND c.instanceId = ?"
                arguments += [instance.id]
                if let variable = selection.variable {
                    _ = try resolveConnection(db, instance, resolved, variable: variable)
                    sql += " AND c.variable = ?"
                    arguments += [variable]
                }
            } else if let customer = actor.role.customerName {
                sql += " AND c.instanceId IN (SELECT id FROM instance WHERE customer = ?)"
                arguments += [customer]
            }
            sql += " ORDER BY t.expiresAt, t.connectionId"
            return try Int64.fetchAll(db, sql: sql, arguments: arguments)
        }
    }

    /// Takes the refresh leases of `ids` that are free and still due, in one transaction:
    /// the conditional UPDATE is the cross-process lock, and the due check is re-read under
    /// it, so a connection another process refreshed a moment ago is skipped.
    package func acquireRefreshLeases(_ ids: [Int64], owner: String, selection: RefreshSelection, leaseDuration: TimeInterval, now: Date = Date()) throws -> [RefreshLease] {
        guard !ids.isEmpty else { return [] }
        return try database.write { db in
            let box = try secretBox(db, writing: true)
            let cache = IntegrationCache(box: box)
            let nowText = Timestamp.string(from: now)
            let horizon = Timestamp.string(from: now.addingTimeInterval(selection.within))
            var leases: [RefreshLease] = []
            let take = try db.cachedStatement(sql: """
                UPDATE token SET leaseOwner = ?, leaseUntil = ?
                WHERE connectionId = ? AND refreshable AND refreshError IS NULL
                  AND (leaseUntil IS NULL OR leaseUntil < ?)
                  AND (? OR (expiresAt IS NOT NULL AND expiresAt <= ? AND (retryAt IS NULL OR retryAt <= ?)))
                """)
            for id in ids {
                try take.execute(arguments: [owner, Timestamp.string(from: now.addingTimeInterval(leaseDuration)), id, nowText,
                                             selection.force, horizon, nowText])
                guard db.changesCount == 1 else { continue }
                let connection: OAuthConnection
                do {
                    connection = try oauthConnection(db, connectionId: id, cache: cache)
                } catch {
                    // A connection whose fields became invalid cannot refresh; say why once.
                    try db.execute(sql: "UPDATE token SET leaseOwner = NULL, leaseUntil = NULL, refreshError = ? WHERE connectionId = ?",
                                   arguments: ["\(error)", id])
                    if let record = try ConnectionRecord.fetchOne(db, key: id) {
                        let message: Message = "Token refresh impossible: \(outside: error); automatic refresh stopped until the connection's values change or it is reconnected"
                        try appendLog(db, instanceId: record.instanceId, connectionId: id, level: .error, message: message)
                        try appendEvent(db, connectionId: id, kind: .refreshFailed, reason: message)
                    }
                    continue
                }
                let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT generation, refreshFailures FROM token WHERE connectionId = ?"), arguments: [id])
                let grant: TokenGrant
                if let refreshToken = connection.token?.refreshToken {
                    grant = .refreshToken(refreshToken)
                } else {
                    grant = .clientCredentials
                }
                leases.append(RefreshLease(connection: connection, owner: owner, generation: row?["generation"] ?? 0,
                                           failures: row?["refreshFailures"] ?? 0, grant: grant, box: box))
            }
            return leases
        }
    }

    /// Stores a refresh's tokens, first and alone in their own transaction: the rotated
    /// refresh token is committed before anything else happens; a response without a new
    /// refresh token keeps the old one. False when the tokens changed meanwhile (a
    /// reconnect, or another process that refreshed after this lease expired).
    package func storeRefreshedTokens(_ lease: RefreshLease, _ response: TokenResponse, receivedAt: Date = Date()) throws -> StoredToken? {
        let old = lease.connection.token
        let (expiresAt, assumed) = StoredToken.expiry(response, receivedAt: receivedAt, assumedLifetime: lease.connection.options.assumedLifetime)
        let token = StoredToken(
            accessToken: response.accessToken, tokenType: response.tokenType,
            refreshToken: response.refreshToken ?? old?.refreshToken, scope: response.scope ?? old?.scope,
            expiresAt: expiresAt, expiryAssumed: assumed)
        let sealed = try lease.box.seal(token.encoded())
        let stored: Bool = try database.write { db in
            try db.execute(sql: """
                UPDATE token SET sealed = ?, expiresAt = ?, obtainedAt = ?, generation = generation + 1,
                    refreshFailures = 0, retryAt = NULL,
                    leaseOwner = CASE WHEN leaseOwner = ? THEN NULL ELSE leaseOwner END,
                    leaseUntil = CASE WHEN leaseOwner = ? THEN NULL ELSE leaseUntil END
                WHERE connectionId = ? AND generation = ?
                """, arguments: [sealed, token.expiresAt, now(), lease.owner, lease.owner,
                                 lease.connection.connectionId, lease.generation])
            guard db.changesCount == 1 else { return false }
            // With the tokens, so a crash right after cannot lose the recovery.
            if try lastRefreshEventIsFailure(db, connectionId: lease.connection.connectionId) {
                let attempts: Message = lease.failures > 0 ? " after \(lease.failures) failed attempt\(name: lease.failures == 1 ? "" : "s")" : ""
                try appendEvent(db, connectionId: lease.connection.connectionId, kind: .refreshRecovered, reason: "token refresh works again" + attempts)
            }
            return true
        }
        guard stored else {
            try logRefresh(lease, level: .warning, "Token refresh result discarded: the connection's tokens changed while it ran (reconnected?)", extra: token.secretValues)
            return nil
        }
        var note = response.refreshToken == nil ? "refresh token kept" : (response.refreshToken == old?.refreshToken ? "same refresh token" : "refresh token rotated")
        if lease.grant == .clientCredentials { note = "new client credentials token" }
        let expiry = token.expiresAt.map { "access token expires at \($0)" } ?? "access token without an expiry"
        try database.write { db in
            if !response.metadata.isEmpty, var record = try ConnectionRecord.fetchOne(db, key: lease.connection.connectionId) {
                let metadata = lease.connection.metadata.merging(response.metadata) { _, new in new }
                record.metadata = try JSON.encode(metadata)
                try updateConnection(db, record)
            }
            try appendLog(db, instanceId: lease.connection.instanceId, connectionId: lease.connection.connectionId, level: .info,
                          message: lease.connection.redactor(token.secretValues).redactOutside("Token refreshed: \(name: expiry), \(outside: note)"))
        }
        return token
    }

    /// A failed refresh. Temporary trouble (network, 5xx) schedules a retry with
    /// exponential backoff and leaves the status alone; a final refusal (`invalid_grant`,
    /// `invalid_client`, …) stops automatic refresh and turns the badge red with the
    /// provider's description. Returns when the next attempt is due, for temporary ones.
    @discardableResult
    package func recordRefreshFailure(_ lease: RefreshLease, _ error: OAuthError, backoffBase: TimeInterval, now: Date = Date()) throws -> Date? {
        let redactor = lease.connection.redactor()
        let reason = redactor.redact(error.description)
        if error.isTransient {
            let delay = min(backoffBase * pow(2, Double(min(lease.failures, 10))), 15 * 60)
            let retryAt = now.addingTimeInterval(delay)
            let applied: Bool = try database.write { db in
                try db.execute(sql: """
                    UPDATE token SET refreshFailures = refreshFailures + 1, retryAt = ?,
                        leaseOwner = CASE WHEN leaseOwner = ? THEN NULL ELSE leaseOwner END,
                        leaseUntil = CASE WHEN leaseOwner = ? THEN NULL ELSE leaseUntil END
                    WHERE connectionId = ? AND generation = ?
                    """, arguments: [Timestamp.string(from: retryAt), lease.owner, lease.owner, lease.connection.connectionId, lease.generation])
                guard db.changesCount == 1 else { return false }
                let message = lease.connection.forAudiences("Token refresh failed temporarily (attempt \(lease.failures + 1)): \(outside: reason); retrying after \(name: Timestamp.string(from: retryAt)); status unchanged")
                try appendLog(db, instanceId: lease.connection.instanceId, connectionId: lease.connection.connectionId, level: .warning, message: message)
                try appendEvent(db, connectionId: lease.connection.connectionId, kind: .refreshFailed, reason: message)
                return true
            }
            return applied ? retryAt : nil
        }
        try database.write { db in
            try db.execute(sql: """
                UPDATE token SET refreshError = ?, refreshFailures = refreshFailures + 1, retryAt = NULL,
                    leaseOwner = CASE WHEN leaseOwner = ? THEN NULL ELSE leaseOwner END,
                    leaseUntil = CASE WHEN leaseOwner = ? THEN NULL ELSE leaseUntil END
                WHERE connectionId = ? AND generation = ?
                """, arguments: [reason, lease.owner, lease.owner, lease.connection.connectionId, lease.generation])
            // Another process stored newer tokens meanwhile: this refusal is about old ones.
            guard db.changesCount == 1 else { return }
            let message = lease.connection.forAudiences("Token refresh failed: \(outside: reason); automatic refresh stopped until the connection is reconnected")
            if var record = try ConnectionRecord.fetchOne(db, key: lease.connection.connectionId) {
                record.outcome = .error
                record.setReason(lease.connection.forAudiences(Message([.text("token refresh failed: "), .outside(reason)])))
                record.updatedAt = Timestamp.string(from: now)
                // One event for the failure and the status it causes.
                try updateConnection(db, record, event: .refreshFailed, because: message)
            }
            try appendLog(db, instanceId: lease.connection.instanceId, connectionId: lease.connection.connectionId, level: .error, message: message)
        }
        return nil
    }

    /// Gives a lease back without a result (cancelled before the request was sent).
    package func releaseRefreshLease(_ lease: RefreshLease) throws {
        try database.write { db in
            try db.execute(sql: "UPDATE token SET leaseOwner = NULL, leaseUntil = NULL WHERE connectionId = ? AND leaseOwner = ?",
                           arguments: [lease.connection.connectionId, lease.owner])
        }
    }

    func logRefresh(_ lease: RefreshLease, level: LogLevel, _ message: Message, extra: [String] = []) throws {
        try logOAuth(lease.connection, level: level, message, redacting: extra)
    }
}
