import Foundation
import GRDB

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
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.healthColumns("t")) FROM token t WHERE t.connectionId = ?",
                                             arguments: [connection.id!]),
                  let (team, lastError) = Self.health(row, at: 0) else { return nil }
            var health = team
            if actor.role.isCustomer, lastError != nil {
                let redactor = try? hiddenFieldRedactors(db, instance: instance)[variable] ?? HiddenFieldRedactor(hidden: [])
                health.lastError = Self.customerText(lastError, redactor: redactor)
            }
            return health
        }
    }

    /// The token columns health needs, from the token table aliased `alias`.
    static func healthColumns(_ alias: String) -> String {
        ["connectionId", "refreshable", "refreshFailures", "retryAt", "refreshError", "lastSuccessAt", "lastFailureAt", "lastError",
         "failingSince", "gaveUpAt", "renewBy"]
            .map { "\(alias).\($0) AS health\($0.prefix(1).uppercased())\($0.dropFirst())" }
            .joined(separator: ", ")
    }

    /// Health from a row whose columns from `base` on are `healthColumns`, in their order
    /// (read by position: by name, GRDB lowercases and hashes every column name of every
    /// row, a tenth of `status --json`'s time on 30,000 connections). The last error is
    /// rendered for the team, its parts kept for a customer's rendering; nil when the row
    /// has no token.
    static func health(_ row: Row, at base: Int) -> (RefreshHealth, lastError: String?)? {
        guard (row[base] as Int64?) != nil else { return nil }
        let failures: Int = row[base + 2] ?? 0
        let stopped = (row[base + 4] as String?) != nil
        let lastError: String? = row[base + 7]
        // `gaveUpAt` counts only during a run of failures: a values change resets the
        // count, not the column.
        let state = RefreshHealth.state(refreshable: row[base + 1] ?? false, stopped: stopped,
                                        gaveUp: (row[base + 9] as String?) != nil && failures > 0, failures: failures)
        let health = RefreshHealth(
            state: state, lastSuccessAt: row[base + 5], lastFailureAt: row[base + 6], failures: failures,
            lastError: Message.decode(json: lastError)?.rendered(for: .team, limit: 500),
            nextAttemptAt: stopped ? nil : row[base + 3], failingSince: failures > 0 ? row[base + 8] : nil,
            keepAliveBy: stopped ? nil : row[base + 10])
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
