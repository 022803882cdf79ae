import Foundation

/// What a step's code is handed (SPEC §7), plus what `run` needs to report on it.
package struct ExecutionContext: Sendable {
    package var instance: InstanceInfo
    package var step: String
    package var variable: String?
    /// The JSON document given on stdin and in `SWITCHBOARD_CONNECTION_FILE`.
    package var payload: Data
    package var redactor: Redactor
}

extension Store {
    package func executionContext(instance reference: String, step stepKey: String) throws -> ExecutionContext {
        try actor.authorize(.run)
        return try database.read { db in
            let instance = try findInstance(db, reference)
            let box = try secretBox(db)
            let (versionRecord, resolved) = try integrationVersion(db, id: instance.integrationVersionId, box: box)
            guard let step = resolved.step(stepKey) else {
                throw SwitchboardError.notFound("integration \(resolved.key) has no step '\(stepKey)' (has: \(resolved.steps.map(\.key).joined(separator: ", ")))")
            }
            let info = InstanceInfo(id: instance.id, name: instance.name, customer: instance.customer, integration: resolved.key, version: versionRecord.version)
            var document: [String: Any] = [
                "instance": ["id": instance.id, "name": instance.name, "customer": instance.customer],
                "step": step.key, "action": step.action, "component": step.component,
            ]
            guard let variableKey = step.connection else {
                document["variable"] = NSNull()
                // Its stderr may still quote any secret of the instance's connections.
                var secrets: [String] = []
                for connection in try db.records(ConnectionRecord.self, "SELECT * FROM \"connection\" WHERE \"instanceId\" = ? ORDER BY \"id\"", [instance.id]) {
                    secrets += try redactor(db, connectionId: connection.id!, resolved: resolved, box: box).secretValues
                }
                return ExecutionContext(instance: info, step: step.key, variable: nil, payload: try Self.json(document), redactor: Redactor(secrets: secrets))
            }
            let (connection, variable) = try resolveConnection(db, instance, resolved, variable: variableKey)
            let states = FieldStates.compute(variable: variable, stored: try storedValues(db, connectionId: connection.id!, box: box))
            document["variable"] = variable.key
            document["connectionType"] = variable.connectionType.key
            document["status"] = connection.status.rawValue
            document["fields"] = FieldStates.effectiveValues(states)
            document["metadata"] = try connection.metadata.map { try JSON.decode([String: String].self, from: $0) } ?? [:]
            if let record = try db.record(TokenRecord.self, "SELECT * FROM \"token\" WHERE \"connectionId\" = ?", [connection.id!]) {
                let token = try StoredToken.decode(box.open(record.sealed))
                document["token"] = Self.tokenDocument(token, now: clock.now())
            } else {
                document["token"] = NSNull()
            }
            return ExecutionContext(
                instance: info, step: step.key, variable: variable.key, payload: try Self.json(document),
                redactor: try redactor(db, connectionId: connection.id!, resolved: resolved, box: box))
        }
    }

    /// The token as step code reads it, in RFC 6749 §5.1's names (as Prismatic, Nango and
    /// n8n hand tokens to code), plus `expires_at`; `expires_in` counts from now, so code
    /// that only knows §5.1 still sees how long it has. The refresh token stays with
    /// Switchboard: `run` refreshes first, and code never needs it.
    /// Shape: docs/connection-payload.schema.json.
    static func tokenDocument(_ token: StoredToken, now: Date) -> [String: Any] {
        var document: [String: Any] = ["access_token": token.accessToken, "token_type": token.tokenType ?? "Bearer"]
        document["scope"] = token.scope ?? NSNull()
        document["expires_at"] = token.expiresAt ?? NSNull()
        if let expiresAt = token.expiresAt.flatMap(Timestamp.date(from:)) {
            document["expires_in"] = max(0, Int(expiresAt.timeIntervalSince(now).rounded(.down)))
        } else {
            document["expires_in"] = NSNull()
        }
        return document
    }

    static func json(_ document: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Records an execution's outcome (SPEC §7): exit 0 → ok; 78 (EX_CONFIG) → error with
    /// the last stderr line as reason; 77 (EX_NOPERM: the provider refused the access
    /// token) → error with the reconnect hint, or, with `retrying`, logged only (`run`
    /// refreshes the token and runs the step once more); anything else → logged, status
    /// left alone.
    package func recordExecution(_ context: ExecutionContext, command: String, exitCode: Int32, lastErrorLine: String?, startedAt: String,
                                durationMs: Int, interruptedBy signal: Int32? = nil, retrying: Bool = false) throws {
        // Masked whole first, cut after: a cut can never leave part of a secret behind.
        let reason = lastErrorLine.map { Self.cut(context.redactor.redact($0), to: 500) }
        try database.write { db in
            let (instance, resolved) = try resolveInstance(db, context.instance.id)
            var connectionId: Int64?
            var connection: ConnectionRecord?
            if let variable = context.variable {
                let found = try resolveConnection(db, instance, resolved, variable: variable)
                connection = found.0
                connectionId = found.0.id
            }
            let outcome: String
            let level: LogLevel
            let message: Message
            switch (exitCode, signal) {
            case (_, let signal?):
                outcome = "interrupted"; level = .warning
                message = "Step \(name: context.step) interrupted by \(name: Self.signalName(signal)) after \(durationMs) ms (exit \(exitCode)); connection file removed, connection status unchanged"
            case (0, nil):
                outcome = "ok"; level = .info
                message = "Step \(name: context.step) succeeded (exit 0, \(durationMs) ms)"
                connection?.outcome = .ok
                connection?.setReason(nil as Message?)
            case (78, nil):
                outcome = "connection-error"; level = .error
                message = "Step \(name: context.step) failed with a connection error (exit 78): " + (reason.map(Message.init(outside:)) ?? "no reason given on stderr")
                connection?.outcome = .error
                connection?.setReason(reason.map { Message([.outside($0)]) } ?? "step \(name: context.step) exited 78 (EX_CONFIG)")
            case (StepRunner.tokenRefusedExit, nil) where retrying:
                outcome = "token-refused"; level = .warning
                message = "Step \(name: context.step) says the provider refused the access token (exit 77); its lifetime was not known, so it is refreshed and the step runs once more"
            case (StepRunner.tokenRefusedExit, nil):
                outcome = "token-refused"; level = .error
                let hint: Message = context.variable.map { "reconnect: switchboard connect \(name: context.instance.name) \(name: $0)" } ?? "reconnect"
                message = "Step \(name: context.step) says the provider refused the access token (exit 77)" + (reason.map { ": \(outside: $0)" } ?? "") + "; " + hint
                connection?.outcome = .error
                connection?.setReason("the provider refused the access token (step \(name: context.step) exited 77); " + hint)
            default:
                outcome = "failed"; level = .warning
                message = "Step \(name: context.step) failed (exit \(exitCode), \(durationMs) ms); connection status unchanged"
                    + (reason.map { ": \(outside: $0)" } ?? "")
            }
            if var changed = connection, signal == nil, exitCode == 0 || exitCode == 78 || (exitCode == StepRunner.tokenRefusedExit && !retrying) {
                changed.updatedAt = now()
                try updateConnection(db, changed, because: message)
            }
            let record = ExecutionRecord(
                id: nil, connectionId: connectionId, instanceId: instance.id, step: context.step,
                command: Self.cut(context.redactor.redact(command), to: 500), exitCode: exitCode, outcome: outcome,
                startedAt: startedAt, finishedAt: now(), user: actor.logUser)
            try record.insert(db)
            try appendLog(db, instanceId: instance.id, connectionId: connectionId, level: level, message: message)
        }
    }

    static func cut(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    static func signalName(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }
}
