import Foundation

package struct InstanceInfo: Sendable, Codable, Equatable {
    package var id: String
    package var name: String
    package var customer: String
    package var integration: String
    package var version: Int
}

extension Store {
    /// Deploys an integration (its latest version unless `version` is given) for a customer.
    package func deploy(integration key: String, customer: String, name: String? = nil, version: Int? = nil) throws -> InstanceInfo {
        let customer = customer.trimmingCharacters(in: .whitespaces)
        guard Self.isValidName(customer) else {
            throw SwitchboardError.invalidValue("customer name '\(customer)' must be 1-64 letters, digits, '.', '_' or '-'")
        }
        if let only = actor.role.customerName, only != customer {
            throw SwitchboardError.forbidden("in customer role you can only deploy for customer \(only)")
        }
        let instanceName = name ?? "\(customer)/\(key)"
        guard !instanceName.isEmpty, instanceName.count <= 128, !TerminalText.containsControl(instanceName) else {
            throw SwitchboardError.invalidValue("instance name must be 1-128 characters on one line, without control characters")
        }
        // A customer's names stay inside their own namespace: no "globex/..." from acme.
        if actor.role.isCustomer, !(instanceName.hasPrefix("\(customer)/") && instanceName.count > customer.count + 1) {
            throw SwitchboardError.forbidden("in customer role instance names start with \(customer)/ (found '\(TerminalText.escaped(instanceName))')")
        }
        return try database.write { db in
            var sql = "SELECT * FROM \"integrationVersion\" WHERE \"key\" = ?"
            var arguments: SQLArguments = [key]
            if let version {
                sql += " AND \"version\" = ?"
                arguments.append(version)
            }
            sql += " ORDER BY \"version\" DESC LIMIT 1"
            guard let record = try db.record(IntegrationVersionRecord.self, sql, arguments) else {
                if let version { throw SwitchboardError.notFound("integration \(key) has no version \(version)") }
                throw SwitchboardError.notFound("unknown integration '\(key)' (see: switchboard integrations)")
            }
            if try (db.value(Int.self, "SELECT COUNT(*) FROM \"instance\" WHERE \"name\" = ?", [instanceName]) ?? 0) > 0 {
                throw SwitchboardError.conflict("an instance named \(instanceName) already exists; choose another with --name")
            }
            let box = try secretBox(db, writing: true)
            let (_, resolved) = try integrationVersion(db, id: record.id!, box: box)
            let now = now()
            if try db.record(CustomerRecord.self, "SELECT * FROM \"customer\" WHERE \"name\" = ?", [customer]) == nil {
                try CustomerRecord(name: customer, createdAt: now).insert(db)
            }
            let instance = InstanceRecord(
                id: Self.newInstanceID(), name: instanceName, customer: customer,
                integrationVersionId: record.id!, createdAt: now, createdBy: actor.user)
            try instance.insert(db)
            for variable in resolved.variables {
                var connection = ConnectionRecord.new(instanceId: instance.id, variable: variable, now: now)
                try recomputeCompleteness(db, connection: &connection, variable: variable, box: box)
                connection.id = try connection.insert(db)
                try appendLog(db, instanceId: instance.id, connectionId: connection.id, level: .info,
                              message: "Deployed \(name: key) v\(record.version) for customer \(name: customer) as \(name: instanceName)")
            }
            return InstanceInfo(id: instance.id, name: instanceName, customer: customer, integration: key, version: record.version)
        }
    }

    /// Moves an instance to the latest version of its integration. Connections of variables
    /// that still exist with the same component and connection type keep their values.
    package func upgrade(instance reference: String) throws -> InstanceInfo {
        try database.write { db in
            let (instance, current) = try resolveInstance(db, reference)
            guard let latest = try db.record(
                IntegrationVersionRecord.self,
                "SELECT * FROM \"integrationVersion\" WHERE \"key\" = ? ORDER BY \"version\" DESC LIMIT 1", [current.key]) else {
                throw SwitchboardError.notFound("integration \(current.key) no longer exists")
            }
            let info = InstanceInfo(id: instance.id, name: instance.name, customer: instance.customer, integration: latest.key, version: latest.version)
            if latest.id == instance.integrationVersionId { return info }
            let box = try secretBox(db, writing: true)
            let (_, resolved) = try integrationVersion(db, id: latest.id!, box: box)
            var updated = instance
            updated.integrationVersionId = latest.id!
            try updated.update(db)
            let existing = try db.records(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"instanceId\" = ?", [instance.id])
            for old in existing where !resolved.variables.contains(where: { $0.key == old.variable && $0.component == old.component && $0.connectionType.key == old.connectionType }) {
                _ = try old.delete(db)
            }
            let now = now()
            for variable in resolved.variables {
                if var kept = existing.first(where: { $0.variable == variable.key && $0.component == variable.component && $0.connectionType == variable.connectionType.key }) {
                    try carryValuesOver(db, connectionId: kept.id!, to: variable, box: box)
                    try recomputeCompleteness(db, connection: &kept, variable: variable, box: box)
                    try updateConnection(db, kept, because: "upgraded to \(name: latest.key) v\(latest.version)")
                    try appendLog(db, instanceId: instance.id, connectionId: kept.id, level: .info, message: "Upgraded to \(name: latest.key) v\(latest.version)")
                } else {
                    var connection = ConnectionRecord.new(instanceId: instance.id, variable: variable, now: now)
                    try recomputeCompleteness(db, connection: &connection, variable: variable, box: box)
                    connection.id = try connection.insert(db)
                    // Same variable, another component or type: the old connection ended here.
                    if let replaced = existing.first(where: { $0.variable == variable.key }) {
                        try appendReplacement(db, old: replaced, new: connection,
                                              reason: "upgraded to \(name: latest.key) v\(latest.version): the connection's type changed, so it starts over")
                    }
                    try appendLog(db, instanceId: instance.id, connectionId: connection.id, level: .info, message: "Added by upgrade to \(name: latest.key) v\(latest.version)")
                }
            }
            return info
        }
    }

    /// Values kept across an upgrade follow the new version's classes (security review):
    /// what a customer entered in a field the new version hides is dropped, so the team's
    /// default applies again (a customer's token URL must not outlive the team hiding it);
    /// a value of a field that became a password is sealed, and one that stopped being
    /// one is opened; values of fields that are gone, or became templates, are dropped.
    func carryValuesOver(_ db: any SQLConnection, connectionId: Int64, to variable: ResolvedVariable, box: SecretBox) throws {
        let customerWritten = try customerWrittenKeys(db, connectionId: connectionId)
        let stored = try storedValues(db, connectionId: connectionId, box: box)
        let records = try db.records(FieldValueRecord.self, "SELECT * FROM \"fieldValue\" WHERE \"connectionId\" = ?", [connectionId])
        for record in records {
            guard let field = variable.connectionType.field(record.key), field.type != .template,
                  !(customerWritten.contains(record.key) && !variable.isCustomerVisible(record.key)),
                  let value = stored[record.key] else {
                try db.execute("DELETE FROM \"fieldValue\" WHERE \"connectionId\" = ? AND \"key\" = ?", [connectionId, record.key])
                continue
            }
            if field.type.isSecret != (record.sealed != nil) {
                var changed = record
                changed.value = field.type.isSecret ? nil : value
                changed.sealed = field.type.isSecret ? try box.seal(value) : nil
                try changed.update(db)
            }
        }
    }

    /// Finds an instance by id or name, within the role's reach. Customers get "not found"
    /// for other customers' instances, never a hint that they exist.
    func findInstance(_ db: any SQLConnection, _ reference: String) throws -> InstanceRecord {
        // SQL rather than GRDB's query interface (already before the engine-neutral layer):
        // building that request introspected the schema (the table's primary key, for the
        // region a fetch observes) at every start, 4.1 M of the 37 M instructions of a `logs`
        // call (callgrind).
        var sql = "SELECT * FROM \"instance\" WHERE (\"id\" = ? OR \"name\" = ?)"
        var arguments: SQLArguments = [reference, reference]
        if let customer = actor.role.customerName {
            sql += " AND \"customer\" = ?"
            arguments += [customer]
        }
        sql += " LIMIT 1"
        guard let instance = try db.record(InstanceRecord.self, sql, arguments) else {
            throw SwitchboardError.notFound("unknown instance '\(reference)' (see: switchboard instances)")
        }
        return instance
    }

    /// The instance a listing is narrowed to, in the role's reach; with `variable`, that
    /// variable is checked against the instance's definition, so a misspelt one is an
    /// error rather than an empty list (events, due refreshes).
    func narrowing(_ db: any SQLConnection, to reference: String, variable: String?) throws -> InstanceRecord {
        let instance = try findInstance(db, reference)
        if let variable {
            // The definition is decoded only to check the variable.
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: nil)
            _ = try resolveConnection(db, instance, resolved, variable: variable)
        }
        return instance
    }

    /// The instance and its integration version's definition (secret defaults not restored).
    func resolveInstance(_ db: any SQLConnection, _ reference: String) throws -> (InstanceRecord, ResolvedIntegration) {
        let instance = try findInstance(db, reference)
        let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: nil)
        return (instance, resolved)
    }

    func resolveConnection(_ db: any SQLConnection, _ instance: InstanceRecord, _ resolved: ResolvedIntegration, variable key: String) throws -> (ConnectionRecord, ResolvedVariable) {
        guard let variable = resolved.variable(key),
              let connection = try db.record(
                ConnectionRecord.self,
                "SELECT * FROM \"connection\" WHERE \"instanceId\" = ? AND \"variable\" = ? LIMIT 1", [instance.id, key]) else {
            let known = resolved.variables.map(\.key).joined(separator: ", ")
            throw SwitchboardError.notFound("instance \(instance.name) has no connection '\(key)' (has: \(known))")
        }
        return (connection, variable)
    }

    package func instance(_ reference: String) throws -> InstanceInfo {
        try database.read { db in
            let (instance, resolved) = try resolveInstance(db, reference)
            let version = try db.value(Int.self, "SELECT \"version\" FROM \"integrationVersion\" WHERE \"id\" = ?", [instance.integrationVersionId]) ?? 0
            return InstanceInfo(id: instance.id, name: instance.name, customer: instance.customer, integration: resolved.key, version: version)
        }
    }

    package func customers() throws -> [String] {
        if let only = actor.role.customerName { return [only] }
        return try database.read { db in try db.values(String.self, "SELECT \"name\" FROM \"customer\" ORDER BY \"name\"") }
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    static func newInstanceID() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return "i-" + String((0..<10).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }
}
