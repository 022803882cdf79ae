import Foundation

/// One connection of an instance, as the wizard and `show` present it.
package struct ConnectionDetail: Sendable, Equatable {
    package var instance: InstanceInfo
    package var variable: String
    package var component: String
    package var componentLabel: String
    package var connectionType: ConnectionType
    /// Fields the actor may see; in customer role hidden fields are absent.
    package var fields: [FieldState]
    package var status: ConnectionStatus
    package var reason: String?
    package var revision: Int
    package var updatedAt: String
    package var hasTokens: Bool
    package var tokenExpiresAt: String?
    package var metadata: [String: String]
    /// The scopes the provider granted (or the requested ones when it did not say), for
    /// an OAuth connection with tokens.
    package var grantedScopes: String? = nil
}

/// A change asked for by `configure --set VAR.FIELD=VALUE` or the wizard's save.
package struct FieldChange: Sendable, Equatable {
    package var variable: String
    package var field: String
    /// nil clears the stored value, so the default applies again.
    package var value: String?
    /// The value came on the command line, which every user of the host can read in `ps`:
    /// refused for secrets.
    package var onCommandLine: Bool

    package init(variable: String, field: String, value: String?, onCommandLine: Bool = false) {
        self.variable = variable
        self.field = field
        self.value = value
        self.onCommandLine = onCommandLine
    }
}

extension Store {
    package func connectionDetail(instance reference: String, variable: String) throws -> ConnectionDetail {
        try database.read { db in
            let instance = try findInstance(db, reference)
            let box = try secretBox(db)
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            let (connection, resolvedVariable) = try resolveConnection(db, instance, resolved, variable: variable)
            return try detail(db, instance: instance, resolved: resolved, connection: connection, variable: resolvedVariable, box: box)
        }
    }

    func detail(_ db: any SQLConnection, instance: InstanceRecord, resolved: ResolvedIntegration, connection: ConnectionRecord, variable: ResolvedVariable, box: SecretBox) throws -> ConnectionDetail {
        let stored = try storedValues(db, connectionId: connection.id!, box: box)
        var fields = FieldStates.compute(variable: variable, stored: stored)
        var reason = connection.reason
        if actor.role.isCustomer {
            // The customer's copy of a reason loses what names a hidden field or shows its
            // value: rendered from its parts, or redacted when it was stored as text only.
            let redactor = HiddenFieldRedactor.customerView(of: fields)
            reason = Message.decode(json: connection.reasonParts).map { $0.rendered(for: .customer(redactor)) }
                ?? reason.map(redactor.redact)
            fields = fields.filter(\.customerVisible)
        }
        let token = try db.record(TokenRecord.self, "SELECT * FROM \"token\" WHERE \"connectionId\" = ?", [connection.id!])
        let version = try db.value(Int.self, "SELECT \"version\" FROM \"integrationVersion\" WHERE \"id\" = ?", [instance.integrationVersionId]) ?? 0
        let metadata = try connection.metadata.map { try JSON.decode([String: String].self, from: $0) } ?? [:]
        // Scopes a customer may not see as a field stay unseen as a grant too.
        let scopesHidden = actor.role.isCustomer && !variable.isCustomerVisible("scopes")
        let granted = scopesHidden ? nil : try token.map { try StoredToken.decode(box.open($0.sealed)).scope } ?? nil
        return ConnectionDetail(
            instance: InstanceInfo(id: instance.id, name: instance.name, customer: instance.customer, integration: resolved.key, version: version),
            variable: variable.key, component: variable.component, componentLabel: variable.componentLabel,
            connectionType: variable.connectionType, fields: fields, status: connection.status, reason: reason,
            revision: connection.revision, updatedAt: connection.updatedAt, hasTokens: token != nil,
            tokenExpiresAt: token?.expiresAt, metadata: metadata, grantedScopes: granted)
    }

    /// Whether a `fieldValue` row was written by a customer, as SQL: `updatedBy` is the
    /// actor's log user, "user (customer NAME)" for customers.
    /// The program writes that text itself, in fixed case, so a plain `LIKE` matches it on
    /// both engines.
    static let writtenByCustomer = "\"updatedBy\" LIKE '% (customer %)'"

    /// Keys of the connection's stored values that a customer entered.
    func customerWrittenKeys(_ db: any SQLConnection, connectionId: Int64) throws -> Set<String> {
        Set(try db.values(String.self, "SELECT \"key\" FROM \"fieldValue\" WHERE \"connectionId\" = ? AND \(Self.writtenByCustomer)",
                          [connectionId]))
    }

    func provenance(_ db: any SQLConnection, connectionId: Int64, states: [FieldState]) throws -> ValueProvenance {
        ValueProvenance(states: states, customerWritten: try customerWrittenKeys(db, connectionId: connectionId))
    }

    /// Stored values of a connection, secrets opened.
    func storedValues(_ db: any SQLConnection, connectionId: Int64, box: SecretBox) throws -> [String: String] {
        try storedValuesAndWriters(db, connectionId: connectionId, box: box).values
    }

    /// Written once: a refresh pass reads it for every lease.
    static let valuesAndWritersSQL = """
        SELECT "key", "value", "sealed", \(writtenByCustomer) AS by_customer FROM "fieldValue" WHERE "connectionId" = ?
        """

    /// What `storedValues` and `customerWrittenKeys` answer, read in one (engine-cached)
    /// query: the stored values (secrets opened) and the keys a customer entered. Columns
    /// are read by position.
    func storedValuesAndWriters(_ db: any SQLConnection, connectionId: Int64, box: SecretBox) throws -> StoredValues {
        var stored = StoredValues()
        try db.forEachRow(Self.valuesAndWritersSQL, [connectionId]) { row in try stored.add(row, box: box) }
        return stored
    }

    /// `valuesAndWritersSQL` for up to `leaseChunk` connections at once (arguments: the ids,
    /// NULL for the places left over): a refresh pass reads a chunk of leases' values in one
    /// statement, not one each.
    static let valuesAndWritersOfManySQL = """
        SELECT "key", "value", "sealed", \(writtenByCustomer) AS by_customer, "connectionId" FROM "fieldValue"
        WHERE "connectionId" IN (\(Array(repeating: "?", count: leaseChunk).joined(separator: ", ")))
        """

    /// `storedValuesAndWriters` of up to `leaseChunk` connections, by connection id (every
    /// id asked has an entry); a value that cannot be opened is that connection's failure.
    func storedValuesAndWriters(_ db: any SQLConnection, connectionIds ids: ArraySlice<Int64>, box: SecretBox) throws -> [Int64: Result<StoredValues, any Error>] {
        var found: [Int64: Result<StoredValues, any Error>] = [:]
        for id in ids { found[id] = .success(StoredValues()) }
        try db.forEachRow(Self.valuesAndWritersOfManySQL, Self.padded(ids)) { row in
            let id = try row.get(4, as: Int64.self)
            guard case .success(var stored) = found[id] else { return }
            // Out of the dictionary while it changes, so it is not copied for each row.
            found[id] = nil
            found[id] = Result { try stored.add(row, box: box); return stored }
        }
        return found
    }

    /// Applies changes all or nothing. Every value is validated for its field's type and
    /// pattern first; customers cannot touch fields that are not customer visible; when
    /// `expectedRevision` is given and another session saved in between, nothing is written
    /// and a conflict is reported instead of overwriting their change (SPEC §3).
    @discardableResult
    package func configure(instance reference: String, changes: [FieldChange], expectedRevision: Int? = nil) throws -> [ConnectionDetail] {
        guard !changes.isEmpty else { throw SwitchboardError.usage("nothing to change: give --set VAR.FIELD=VALUE") }
        return try database.write { db in
            let instance = try findInstance(db, reference)
            let box = try secretBox(db, writing: true)
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            var order: [String] = []
            for change in changes where !order.contains(change.variable) { order.append(change.variable) }
            var details: [ConnectionDetail] = []
            for variableKey in order {
                var (connection, variable) = try resolveConnection(db, instance, resolved, variable: variableKey)
                if let expectedRevision, connection.revision != expectedRevision {
                    throw SwitchboardError.conflict(
                        "conflict: \(instance.name) \(variableKey) was changed by another session (now revision \(connection.revision), you edited revision \(expectedRevision)); reload and apply your change again")
                }
                let stored = try storedValues(db, connectionId: connection.id!, box: box)
                var changedAny = false
                for change in changes where change.variable == variableKey {
                    // What a customer may touch or be told of: the fields they see, templates
                    // over hidden fields excluded (FieldStates derives that).
                    let states = FieldStates.compute(variable: variable, stored: stored)
                    let visible = states.filter { !actor.role.isCustomer || $0.customerVisible }
                    guard let field = variable.connectionType.field(change.field), visible.contains(where: { $0.key == change.field }) else {
                        throw SwitchboardError.notFound("connection \(variableKey) has no field '\(change.field)' (has: \(visible.map(\.key).joined(separator: ", ")))")
                    }
                    let label = variable.connectionType.displayLabel(of: field)
                    if field.type.isSecret && change.onCommandLine && change.value != nil {
                        throw SwitchboardError.usage("--set cannot take \(variableKey).\(field.key): it is a secret and the command line is visible to every user (ps); use --set-secret \(variableKey).\(field.key) with the value on standard input")
                    }
                    var newValue: String? = nil
                    if let raw = change.value {
                        switch FieldValidator.normalize(raw, for: field, label: "\(variableKey).\(field.key) (\(label))") {
                        case .failure(let error): throw SwitchboardError.invalidValue(error.description)
                        case .success(let value): newValue = value.isEmpty ? nil : value
                        }
                    }
                    if stored[field.key] == newValue { continue }
                    changedAny = true
                    try writeValue(db, connectionId: connection.id!, field: field, value: newValue, box: box)
                    if field.key == "issuer" {
                        // Metadata fetched for the old issuer must never serve the new one.
                        try db.execute("UPDATE \"connection\" SET \"discovery\" = NULL WHERE \"id\" = ?", [connection.id])
                    }
                    let customerVisible = variable.isCustomerVisible(field.key)
                    var message = Message([.field(key: field.key, label: label, customerVisible: customerVisible)])
                    if newValue == nil {
                        message.parts.append(.text(" cleared (default applies)"))
                    } else if field.type.isSecret {
                        message.parts.append(.text(stored[field.key] == nil ? " set (secret)" : " changed (secret)"))
                    } else {
                        message.parts += [.text(" set to "), .value(Self.preview(newValue!), ValueClass.of(field, customerVisible: customerVisible))]
                    }
                    try appendLog(db, instanceId: instance.id, connectionId: connection.id, level: .info, message: message)
                }
                if changedAny {
                    connection.revision += 1
                    let ungranted = try scopesNotGranted(db, connectionId: connection.id!, variable: variable, box: box)
                    connection.outcome = ungranted.isEmpty ? .none : .error
                    connection.setReason(ungranted.isEmpty ? nil : Message([.text("the requested scopes now include "),
                                                                              Self.scopeNames(ungranted, customerSees: variable.isCustomerVisible("scopes"))])
                        + ", which this connection's grant lacks; reconnect: switchboard connect \(name: instance.name) \(name: variable.key) (c in the wizard)")
                    connection.updatedAt = now()
                    try recomputeCompleteness(db, connection: &connection, variable: variable, box: box)
                    try updateConnection(db, connection, because: ungranted.isEmpty ? "values changed" : "values changed: " + (connection.reasonMessage ?? ""))
                    try resumeStoppedRefresh(db, instanceId: instance.id, connectionId: connection.id!)
                }
                details.append(try detail(db, instance: instance, resolved: resolved, connection: connection, variable: variable, box: box))
            }
            return details
        }
    }

    /// Requested scopes (the values as they are now) that the stored grant lacks: asking
    /// for more scopes needs a new CONNECT, a refresh cannot widen a grant. Empty without
    /// tokens or for other connection types.
    func scopesNotGranted(_ db: any SQLConnection, connectionId: Int64, variable: ResolvedVariable, box: SecretBox) throws -> [String] {
        guard let options = variable.connectionType.oauth2,
              let sealed = try db.value(Data.self, "SELECT \"sealed\" FROM \"token\" WHERE \"connectionId\" = ?", [connectionId]),
              let granted = try StoredToken.decode(box.open(sealed)).scope else { return [] }
        let values = FieldStates.effectiveValues(FieldStates.compute(variable: variable, stored: try storedValues(db, connectionId: connectionId, box: box)))
        let requested = OAuthClient.splitScopes(values["scopes"] ?? "", separator: options.scopeSeparator)
        return GrantedScopes.missing(requested: requested, granted: granted, aliases: options.scopeAliases ?? [:])
    }

    /// A refresh stopped by a final refusal (`invalid_client`) or by fields it could not
    /// use gets another try once the values change: the team may just have fixed the client
    /// secret. One backing off after temporary failures (a wrong token URL fails like a
    /// network outage) is retried at once. If the refresh token itself is dead, the next
    /// attempt says so again.
    func resumeStoppedRefresh(_ db: any SQLConnection, instanceId: String, connectionId: Int64) throws {
        guard let row = try db.row("SELECT \"refreshError\", \"retryAt\" FROM \"token\" WHERE \"connectionId\" = ?", [connectionId]) else { return }
        let stopped = try row.get("refreshError", as: String?.self) != nil
        let backingOff = try row.get("retryAt", as: String?.self) != nil
        guard stopped || backingOff else { return }
        try db.execute("UPDATE \"token\" SET \"refreshError\" = NULL, \"refreshFailures\" = 0, \"retryAt\" = NULL WHERE \"connectionId\" = ?", [connectionId])
        try appendLog(db, instanceId: instanceId, connectionId: connectionId, level: .info,
                      message: stopped ? "Automatic token refresh resumes: the connection's values changed"
                                       : "Token refresh retries without waiting: the connection's values changed")
    }

    func writeValue(_ db: any SQLConnection, connectionId: Int64, field: FieldDefinition, value: String?, box: SecretBox) throws {
        guard let value else {
            try db.execute("DELETE FROM \"fieldValue\" WHERE \"connectionId\" = ? AND \"key\" = ?", [connectionId, field.key])
            return
        }
        let plain: String? = field.type.isSecret ? nil : value
        let sealed: Data? = field.type.isSecret ? try box.seal(value) : nil
        // Inserted, or written over the stored value of the same field.
        try db.execute("""
            INSERT INTO "fieldValue" ("connectionId", "key", "value", "sealed", "updatedAt", "updatedBy") VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT ("connectionId", "key") DO UPDATE SET
                "value" = excluded."value", "sealed" = excluded."sealed", "updatedAt" = excluded."updatedAt", "updatedBy" = excluded."updatedBy"
            """, [connectionId, field.key, plain, sealed, now(), actor.logUser])
    }

    /// Stores the result of the pure completeness rule with the connection, so status
    /// listings read a column instead of re-validating every field.
    func recomputeCompleteness(_ db: any SQLConnection, connection: inout ConnectionRecord, variable: ResolvedVariable, box: SecretBox) throws {
        let stored = try storedValues(db, connectionId: connection.id ?? -1, box: box)
        let fieldsComplete = FieldStates.isComplete(FieldStates.compute(variable: variable, stored: stored))
        let tokensPresent = try !variable.connectionType.needsTokens
            || (connection.id != nil && db.value(Int.self, "SELECT 1 FROM \"token\" WHERE \"connectionId\" = ?", [connection.id!]) != nil)
        connection.complete = fieldsComplete && tokensPresent
    }

    static func preview(_ value: String) -> String {
        let line = value.replacingOccurrences(of: "\n", with: "⏎")
        return line.count > 80 ? "\"\(line.prefix(77))...\"" : "\"\(line)\""
    }
}

/// A connection's stored values (secrets opened) and the keys a customer entered.
struct StoredValues {
    var values: [String: String] = [:]
    var customerWritten: Set<String> = []

    /// One row of `Store.valuesAndWritersSQL` (or its form for many connections): key,
    /// value, sealed value, written by a customer.
    mutating func add(_ row: SQLRow, box: SecretBox) throws {
        let key = try row.get(0, as: String.self)
        if let sealed = try row.get(2, as: Data?.self) {
            values[key] = try box.open(sealed)
        } else if let value = try row.get(1, as: String?.self) {
            values[key] = value
        }
        if try row.get(3, as: Bool?.self) == true { customerWritten.insert(key) }
    }
}
