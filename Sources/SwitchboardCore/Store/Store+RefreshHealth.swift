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
                  let (team, lastError) = Self.health(row) else { return nil }
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

    /// Health from a row selected with `healthColumns`, the last error rendered for the
    /// team, and its parts (for a customer's rendering); nil when the row has no token.
    static func health(_ row: Row) -> (RefreshHealth, lastError: String?)? {
        guard (row["healthConnectionId"] as Int64?) != nil else { return nil }
        let failures: Int = row["healthRefreshFailures"] ?? 0
        let stopped = (row["healthRefreshError"] as String?) != nil
        let lastError: String? = row["healthLastError"]
        // `gaveUpAt` counts only during a run of failures: a values change resets the
        // count, not the column.
        let state = RefreshHealth.state(refreshable: row["healthRefreshable"] ?? false, stopped: stopped,
                                        gaveUp: (row["healthGaveUpAt"] as String?) != nil && failures > 0, failures: failures)
        let health = RefreshHealth(
            state: state, lastSuccessAt: row["healthLastSuccessAt"], lastFailureAt: row["healthLastFailureAt"], failures: failures,
            lastError: Message.decode(json: lastError)?.rendered(for: .team, limit: 500),
            nextAttemptAt: stopped ? nil : row["healthRetryAt"], failingSince: failures > 0 ? row["healthFailingSince"] : nil,
            keepAliveBy: stopped ? nil : row["healthRenewBy"])
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
