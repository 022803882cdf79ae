import Foundation

// Reading refresh health (`RefreshHealth`) from the token row. The columns are selected
// under `health*` names by `healthColumns` and read back by `health(_:)`, the one pair
// every query that shows health uses.

extension Store {
    /// The refresh health of one connection; nil when it has no tokens (or is no OAuth
    /// connection). The last error is rendered for the actor's role.
    package func refreshHealth(instance reference: String, variable: String) throws -> RefreshHealth? {
        try database.read { db in
            let (instance, resolved) = try resolveInstance(db, reference)
            let (connection, _) = try resolveConnection(db, instance, resolved, variable: variable)
            guard let row = try db.row("SELECT \(Self.healthColumns("t")) FROM \"token\" t WHERE t.\"connectionId\" = ?",
                                       [connection.id!]),
                  let (team, lastError) = try Self.health(row, at: 0) else { return nil }
            var health = team
            if actor.role.isCustomer, lastError != nil {
                let redactor = try? hiddenFieldRedactors(db, instance: instance)[variable] ?? HiddenFieldRedactor(hidden: [])
                health.lastError = Self.customerText(lastError, redactor: redactor)
            }
            return health
        }
    }

    /// The token columns health needs, from the token table aliased `alias` (the result
    /// names quoted too, so they keep their case on PostgreSQL).
    static func healthColumns(_ alias: String) -> String {
        ["connectionId", "refreshable", "refreshFailures", "retryAt", "refreshError", "lastSuccessAt", "lastFailureAt", "lastError",
         "failingSince", "gaveUpAt", "renewBy"]
            .map { "\(alias).\"\($0)\" AS \"health\($0.prefix(1).uppercased())\($0.dropFirst())\"" }
            .joined(separator: ", ")
    }

    /// Health from a row whose columns from `base` on are `healthColumns`, in their order
    /// (read by position: by name, GRDB lowercased and hashed every column name of every
    /// row, a tenth of `status --json`'s time on 30,000 connections). The last error is
    /// rendered for the team, its parts kept for a customer's rendering; nil when the row
    /// has no token.
    static func health(_ row: SQLRow, at base: Int) throws -> (RefreshHealth, lastError: String?)? {
        guard try row.get(base, as: Int64?.self) != nil else { return nil }
        let failures = try row.get(base + 2, as: Int?.self) ?? 0
        let stopped = try row.get(base + 4, as: String?.self) != nil
        let lastError = try row.get(base + 7, as: String?.self)
        // `gaveUpAt` counts only during a run of failures: a values change resets the
        // count, not the column.
        let refreshable = try row.get(base + 1, as: Bool?.self) ?? false
        let gaveUp = try row.get(base + 9, as: String?.self) != nil && failures > 0
        let state = RefreshHealth.state(refreshable: refreshable, stopped: stopped, gaveUp: gaveUp, failures: failures)
        let retryAt = try row.get(base + 3, as: String?.self), failingSince = try row.get(base + 8, as: String?.self)
        let renewBy = try row.get(base + 10, as: String?.self)
        let health = RefreshHealth(
            state: state, lastSuccessAt: try row.get(base + 5), lastFailureAt: try row.get(base + 6), failures: failures,
            lastError: Message.decode(json: lastError)?.rendered(for: .team, limit: 500),
            nextAttemptAt: stopped ? nil : retryAt, failingSince: failures > 0 ? failingSince : nil,
            keepAliveBy: stopped ? nil : renewBy)
        return (health, lastError)
    }

    /// A last error as a customer may read it; withheld when the hidden fields could not
    /// be read to check it.
    static func customerText(_ parts: String?, redactor: HiddenFieldRedactor?) -> String? {
        guard let message = Message.decode(json: parts) else { return nil }
        guard let redactor else { return withheldReason }
        return message.rendered(for: .customer(redactor), limit: 500)
    }
}
