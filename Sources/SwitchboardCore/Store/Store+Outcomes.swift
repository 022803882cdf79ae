import Foundation

extension Store {
    /// Records what happened when the connection was used (execution, test, refresh) and
    /// sets the badge through the status rule. `message` is redacted before it is stored.
    package func recordOutcome(instance reference: String, variable: String, outcome: ConnectionOutcome?, level: LogLevel, message: String, reason: String? = nil) throws {
        try recordOutcome(instance: reference, variable: variable, outcome: outcome, level: level,
                          message: Message([.outside(message)]), reason: reason.map { Message([.outside($0)]) })
    }

    /// The same with typed parts; `outside` parts still pass the secret redactor.
    package func recordOutcome(instance reference: String, variable: String, outcome: ConnectionOutcome?, level: LogLevel,
                              message: Message, reason: Message? = nil) throws {
        try database.write { db in
            let instance = try findInstance(db, reference)
            let box = try secretBox(db, writing: true)
            let (_, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            var (connection, _) = try resolveConnection(db, instance, resolved, variable: variable)
            let redactor = try redactor(db, connectionId: connection.id!, resolved: resolved, box: box)
            let logged = redactor.redactOutside(message)
            if let outcome {
                let reason = reason.map(redactor.redactOutside)
                connection.outcome = outcome
                connection.setReason(reason)
                connection.updatedAt = now()
                try updateConnection(db, connection, because: reason ?? logged)
            }
            try appendLog(db, instanceId: instance.id, connectionId: connection.id, level: level, message: logged)
        }
    }
}
