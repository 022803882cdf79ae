import Foundation

struct OAuthPendingRecord: SQLRecord {
    static let tableName = "oauthPending"
    static let primaryKey = ["stateHash"]
    var stateHash: String
    var connectionId: Int64
    var sealedVerifier: Data?
    var redirectUri: String
    var createdAt: String
    var createdBy: String
    var expiresAt: String
    var sealedCallback: Data?
    var callbackAt: String?
}

extension OAuthPendingRecord {
    init(row: SQLRow) throws {
        self.init(stateHash: try row.get("stateHash"), connectionId: try row.get("connectionId"),
                  sealedVerifier: try row.get("sealedVerifier"), redirectUri: try row.get("redirectUri"),
                  createdAt: try row.get("createdAt"), createdBy: try row.get("createdBy"), expiresAt: try row.get("expiresAt"),
                  sealedCallback: try row.get("sealedCallback"), callbackAt: try row.get("callbackAt"))
    }

    var columnValues: [(String, any SQLValueConvertible)] {
        [("stateHash", stateHash), ("connectionId", connectionId), ("sealedVerifier", sealedVerifier), ("redirectUri", redirectUri),
         ("createdAt", createdAt), ("createdBy", createdBy), ("expiresAt", expiresAt), ("sealedCallback", sealedCallback),
         ("callbackAt", callbackAt)]
    }
}

/// A pending authorization taken out of the database: it can be used once.
package struct ConsumedAuthorization: Sendable {
    package var verifier: String?
    package var redirectURI: String
}

extension Store {
    /// Records an authorization request so its callback can be matched (by the catcher in
    /// this process, a pasted URL, or the team callback server) and used once before
    /// `expiresAt`. Expired leftovers of every connection are swept here.
    package func beginAuthorization(_ connection: OAuthConnection, state: AuthorizationState, pkce: PKCE, redirectURI: String, expiresAt: Date) throws {
        try database.write { db in
            let box = try secretBox(db, writing: true)
            try db.execute("DELETE FROM \"oauthPending\" WHERE \"expiresAt\" < ?", [now()])
            try OAuthPendingRecord(
                stateHash: state.hash, connectionId: connection.connectionId,
                sealedVerifier: pkce.verifier.isEmpty ? nil : try box.seal(pkce.verifier),
                redirectUri: redirectURI, createdAt: now(), createdBy: actor.logUser,
                expiresAt: Timestamp.string(from: expiresAt), sealedCallback: nil, callbackAt: nil
            ).insert(db)
        }
    }

    /// Takes the pending authorization for `state` (single use). Fails when it was already
    /// used, cancelled, expired, or belongs to another connection.
    package func consumeAuthorization(_ connection: OAuthConnection, state: AuthorizationState) throws -> ConsumedAuthorization {
        try database.write { db in
            let box = try secretBox(db, writing: true)
            // Taken and deleted in one statement; a throw below rolls the delete back, as
            // before (an expired leftover is swept by the next `beginAuthorization`).
            guard let record = try db.record(OAuthPendingRecord.self, "DELETE FROM \"oauthPending\" WHERE \"stateHash\" = ? RETURNING *", [state.hash]),
                  record.connectionId == connection.connectionId else {
                throw SwitchboardError.oauth("this authorization was already used, cancelled or replaced by a newer CONNECT; start CONNECT again")
            }
            guard record.expiresAt >= now() else {
                throw SwitchboardError.oauth("this authorization expired (it was started at \(record.createdAt)); start CONNECT again")
            }
            return ConsumedAuthorization(verifier: try record.sealedVerifier.map(box.open), redirectURI: record.redirectUri)
        }
    }

    /// Forgets a pending authorization (cancel, timeout, failure).
    package func cancelAuthorization(state: AuthorizationState) throws {
        try database.write { db in
            _ = try db.execute("DELETE FROM \"oauthPending\" WHERE \"stateHash\" = ?", [state.hash])
        }
    }

    /// The team callback server's hand-off: stores the callback (sealed: it holds the code)
    /// with the pending authorization of the same `state`. False when no authorization is
    /// waiting for that state (forged, stale, expired or already answered).
    package func recordCallback(_ result: CallbackResult) throws -> Bool {
        let hash = AuthorizationState.hash(result.state)
        return try database.write { db in
            let box = try secretBox(db, writing: true)
            let changed = try db.execute("""
                UPDATE "oauthPending" SET "sealedCallback" = ?, "callbackAt" = ?
                WHERE "stateHash" = ? AND "callbackAt" IS NULL AND "expiresAt" >= ?
                """, [try box.seal(JSON.encode(result)), now(), hash, now()])
            guard changed == 1,
                  let record = try db.record(OAuthPendingRecord.self, "SELECT * FROM \"oauthPending\" WHERE \"stateHash\" = ?", [hash]),
                  let connection = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [record.connectionId])
            else { return false }
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.id, level: .info,
                          message: result.error == nil ? "Callback received by the callback server; handing it to the waiting session"
                                                       : "Callback with a provider error received by the callback server")
            return true
        }
    }

    /// The callback the team server stored for `state`, if it has arrived.
    package func receivedCallback(state: AuthorizationState) throws -> CallbackResult? {
        try database.read { db in
            guard let sealed = try db.value(Data.self, "SELECT \"sealedCallback\" FROM \"oauthPending\" WHERE \"stateHash\" = ?", [state.hash]) else { return nil }
            return try JSON.decode(CallbackResult.self, from: secretBox(db).open(sealed))
        }
    }
}
