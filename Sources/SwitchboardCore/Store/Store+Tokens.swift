import Foundation

/// How a token response came to be, for the log line and for the rules that differ.
package enum TokenSource: String, Sendable {
    case authorizationCode = "authorization code"
    case deviceCode = "device code"
    case clientCredentials = "client credentials"
    case refresh = "refresh"

    var isNewGrant: Bool { self != .refresh }
}

extension Store {
    /// Stores the tokens of a new grant (CONNECT): sealed, with the callback's and the
    /// response's metadata; the connection returns to `configured`; the log says what was
    /// stored without any token text.
    @discardableResult
    package func storeTokens(_ connection: OAuthConnection, _ response: TokenResponse, source: TokenSource,
                            callbackMetadata: [String: String] = [:], receivedAt: Date? = nil) throws -> StoredToken {
        let receivedAt = receivedAt ?? clock.now()
        let (expiresAt, assumed) = StoredToken.expiry(response, receivedAt: receivedAt, assumedLifetime: connection.options.assumedLifetime)
        let requested = connection.client.scopes
        let missing = GrantedScopes.missing(requested: requested, granted: response.scope, aliases: connection.options.scopeAliases ?? [:])
        // Without `scope` in the answer the grant is as requested (RFC 6749 §5.1).
        let token = StoredToken(
            accessToken: response.accessToken, tokenType: response.tokenType, refreshToken: response.refreshToken,
            scope: response.scope ?? (requested.isEmpty ? nil : requested.joined(separator: " ")), expiresAt: expiresAt, expiryAssumed: assumed)
        let redactor = connection.redactor(token.secretValues)
        try database.write { db in
            let box = try secretBox(db, writing: true)
            let refreshable = token.refreshToken != nil || source == .clientCredentials
            try writeToken(db, connectionId: connection.connectionId, token: token, refreshable: refreshable,
                           renewBy: refreshable ? Self.renewBy(connection.options, from: receivedAt) : nil, box: box)
            try db.execute("DELETE FROM \"oauthPending\" WHERE \"connectionId\" = ?", [connection.connectionId])
            guard var record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connection.connectionId]),
                  let instance = try db.record(InstanceRecord.self, "SELECT * FROM \"instance\" WHERE \"id\" = ?", [record.instanceId]) else {
                throw SwitchboardError.notFound("\(connection.label) was deleted while connecting")
            }
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            let (_, variable) = try resolveConnection(db, instance, resolved, variable: record.variable)
            let metadata = callbackMetadata.merging(response.metadata) { _, new in new }
            record.metadata = metadata.isEmpty ? nil : try JSON.encode(metadata)
            let shortfall = missing.isEmpty ? nil : Self.missingScopes(missing, connection: connection)
            record.outcome = shortfall == nil ? .none : .error
            record.setReason(shortfall)
            record.revision += 1
            record.updatedAt = now()
            try recomputeCompleteness(db, connection: &record, variable: variable, box: box)
            try updateConnection(db, record, because: "connected (\(name: source.rawValue))")
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .info,
                          message: redactor.redactOutside("Connected (\(name: source.rawValue)): tokens stored encrypted; \(outside: Self.summary(token, metadata: metadata))"))
            if let shortfall {
                try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .error,
                              message: redactor.redactOutside(shortfall))
            }
        }
        return token
    }

    /// The reason of a grant that lacks requested scopes: which, and how to get them.
    static func missingScopes(_ missing: [String], connection: OAuthConnection) -> Message {
        Message([.text("the provider did not grant "), scopeNames(missing, customerSees: connection.customerSeesScopes)])
            + "; reconnect and approve every scope: switchboard connect \(name: connection.instanceName) \(name: connection.variable) (c in the wizard)"
    }

    /// Scope names in a reason: a customer who may not see the Scopes field is not told
    /// them here either.
    static func scopeNames(_ scopes: [String], customerSees: Bool) -> Message.Part {
        let list = scopes.joined(separator: " ")
        return customerSees ? .outside(list) : .perAudience(team: list, customer: "scopes the team set")
    }

    /// Adds what a post-CONNECT lookup found (`MetadataLookup`) to the connection's
    /// metadata, beside what the callback and the token response kept.
    func keepMetadata(_ connection: OAuthConnection, _ kept: [String: String], from url: String) throws {
        try database.write { db in
            guard var record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connection.connectionId]) else {
                throw SwitchboardError.notFound("\(connection.label) was deleted while connecting")
            }
            let stored = try record.metadata.map { try JSON.decode([String: String].self, from: $0) } ?? [:]
            record.metadata = try JSON.encode(stored.merging(kept) { _, new in new })
            record.updatedAt = now()
            try updateConnection(db, record)
            let message: Message = "Looked up \(name: kept.keys.sorted().joined(separator: ", ")) at \(outside: url)"
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .info,
                          message: connection.redactor().redactOutside(connection.forAudiences(message)))
        }
    }

    /// Writes the sealed tokens and resets the refresh bookkeeping; clears any lease (a
    /// refresh in flight then finds a newer generation and discards its result). The
    /// health history (last success, last failure and its error) stays: it is about the
    /// connection, and a new grant starts a clean run of failures.
    ///
    /// A new row starts at a random generation, not at 1: DISCONNECT deletes the row, so a
    /// refresh leased before it and answered after a new CONNECT would otherwise find "its"
    /// generation again and write the old grant's tokens over the new ones.
    func writeToken(_ db: any SQLConnection, connectionId: Int64, token: StoredToken, refreshable: Bool, renewBy: String?, box: SecretBox) throws {
        try db.execute("""
            INSERT INTO "token" ("connectionId", "sealed", "expiresAt", "obtainedAt", "generation", "refreshable", "refreshFailures", "retryAt",
                                 "refreshError", "leaseOwner", "leaseUntil", "renewBy")
            VALUES (?, ?, ?, ?, ?, ?, 0, NULL, NULL, NULL, NULL, ?)
            ON CONFLICT ("connectionId") DO UPDATE SET
                "sealed" = excluded."sealed", "expiresAt" = excluded."expiresAt", "obtainedAt" = excluded."obtainedAt",
                "generation" = "token"."generation" + 1, "refreshable" = excluded."refreshable", "refreshFailures" = 0,
                "retryAt" = NULL, "refreshError" = NULL, "leaseOwner" = NULL, "leaseUntil" = NULL,
                "failingSince" = NULL, "gaveUpAt" = NULL, "renewBy" = excluded."renewBy"
            """, [connectionId, try box.seal(token.encoded()), token.expiresAt, now(), Self.firstGeneration(), refreshable, renewBy])
    }

    /// 1 to 2^52: room for a lifetime of refreshes before any other row's start.
    static func firstGeneration() -> Int64 { Int64.random(in: 1...(1 << 52)) }

    /// DISCONNECT's local part for a connection given by instance and variable. Works even
    /// when the connection's fields are no longer valid (then nothing can be revoked).
    package func disconnect(instance reference: String, variable: String) throws -> Disconnection {
        let (connectionId, instanceId, label, client, secrets, hidden): (Int64, String, String, OAuthClient?, [String], HiddenFieldRedactor?) = try database.read { db in
            let (instance, _) = try resolveInstance(db, reference)
            let box = try secretBox(db)
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            let (connection, resolvedVariable) = try resolveConnection(db, instance, resolved, variable: variable)
            guard resolvedVariable.connectionType.oauth2 != nil else {
                throw SwitchboardError.usage("\(instance.name) \(variable) is not an OAuth 2.0 connection; there is nothing to disconnect")
            }
            let states = FieldStates.compute(variable: resolvedVariable, stored: try storedValues(db, connectionId: connection.id!, box: box))
            let values = FieldStates.effectiveValues(states)
            var secrets = SecretDefaults.values(in: resolved)
            for state in states where state.isSecret { if let value = state.effectiveValue { secrets.append(value) } }
            let hidden = actor.role.isCustomer ? HiddenFieldRedactor.customerView(of: states) : nil
            let provenance = try provenance(db, connectionId: connection.id!, states: states)
            let client = try? OAuthClient(type: resolvedVariable.connectionType, values: values, discovery: try discovery(db, connectionId: connection.id!))
                .guarded(by: provenance, carryingTokens: true)
            return (connection.id!, instance.id, "\(instance.name) \(variable)", client, secrets, hidden)
        }
        let deleted = try deleteTokens(connectionId: connectionId, instanceId: instanceId)
        return Disconnection(label: label, instanceId: instanceId, connectionId: connectionId, deleted: deleted, client: client,
                             secrets: secrets + (deleted?.secretValues ?? []), hiddenFromReader: hidden)
    }

    /// DISCONNECT's local part: deletes the tokens (so refresh stops) and any pending
    /// authorization; status back to `unconfigured`. Returns the deleted tokens so the
    /// caller can revoke them at the provider afterwards.
    @discardableResult
    package func deleteTokens(_ connection: OAuthConnection) throws -> StoredToken? {
        try deleteTokens(connectionId: connection.connectionId, instanceId: connection.instanceId)
    }

    func deleteTokens(connectionId: Int64, instanceId: String) throws -> StoredToken? {
        try database.write { db in
            let connection = (connectionId: connectionId, instanceId: instanceId)
            let box = try secretBox(db, writing: true)
            var deleted: StoredToken?
            if let sealed = try db.value(Data.self, "SELECT \"sealed\" FROM \"token\" WHERE \"connectionId\" = ?", [connection.connectionId]) {
                deleted = try StoredToken.decode(box.open(sealed))
            }
            try db.execute("DELETE FROM \"token\" WHERE \"connectionId\" = ?", [connection.connectionId])
            try db.execute("DELETE FROM \"oauthPending\" WHERE \"connectionId\" = ?", [connection.connectionId])
            guard var record = try db.record(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"id\" = ?", [connection.connectionId]),
                  let instance = try db.record(InstanceRecord.self, "SELECT * FROM \"instance\" WHERE \"id\" = ?", [record.instanceId]) else { return deleted }
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            let (_, variable) = try resolveConnection(db, instance, resolved, variable: record.variable)
            record.outcome = .none
            record.setReason(nil as Message?)
            record.metadata = nil
            record.revision += 1
            record.updatedAt = now()
            try recomputeCompleteness(db, connection: &record, variable: variable, box: box)
            try updateConnection(db, record, because: "disconnected")
            try appendLog(db, instanceId: connection.instanceId, connectionId: connection.connectionId, level: .info,
                          message: deleted == nil ? "Disconnected: there were no tokens to delete" : "Disconnected: access and refresh tokens deleted; refreshing stopped")
            return deleted
        }
    }

    /// Logs on a connection by id, with `secrets` redacted.
    package func log(_ disconnection: Disconnection, level: LogLevel, _ message: Message) throws {
        let text = Redactor(secrets: disconnection.secrets).redactOutside(message)
        try database.write { db in
            try appendLog(db, instanceId: disconnection.instanceId, connectionId: disconnection.connectionId, level: level, message: text)
        }
    }

    /// The stored tokens of a connection, opened; nil when it has none.
    package func tokens(for connection: OAuthConnection) throws -> StoredToken? {
        try tokens(connectionId: connection.connectionId)
    }

    func tokens(connectionId: Int64) throws -> StoredToken? {
        try database.read { db in
            guard let sealed = try db.value(Data.self, "SELECT \"sealed\" FROM \"token\" WHERE \"connectionId\" = ?", [connectionId]) else { return nil }
            return try StoredToken.decode(secretBox(db).open(sealed))
        }
    }

    /// "access token expires at …, refresh token kept/none, scope …" — never a token.
    static func summary(_ token: StoredToken, metadata: [String: String]) -> String {
        var parts: [String] = []
        parts.append(token.expiresAt.map { "access token expires at \($0)" } ?? "access token without an expiry")
        parts.append(token.refreshToken == nil ? "no refresh token" : "refresh token kept")
        if let scope = token.scope, !scope.isEmpty { parts.append("scope \"\(preview(scope).dropFirst().dropLast())\"") }
        if !metadata.isEmpty { parts.append("kept " + metadata.keys.sorted().joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }
}

/// What DISCONNECT deleted locally, and what is needed to revoke it at the provider.
package struct Disconnection: Sendable {
    package var label: String
    package var instanceId: String
    package var connectionId: Int64
    package var deleted: StoredToken?
    /// Nil when the connection's fields no longer make a usable client.
    package var client: OAuthClient?
    var secrets: [String]
    /// In customer role, the connection's hidden fields: the log keeps the full line (it
    /// is filtered when read), the customer's copy of it must not name them.
    var hiddenFromReader: HiddenFieldRedactor?

    /// A line as the one who disconnected may see it.
    func forReader(_ line: String) -> String { hiddenFromReader?.redact(line) ?? line }
}
