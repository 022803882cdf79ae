import Foundation
import GRDB

/// The first instances of the status listing and how many there are in all: what a screen
/// showing a few dozen rows needs for its first frame, long before the whole list.
public struct StatusPage: Sendable, Equatable {
    public var instances: [InstanceStatus]
    /// Every instance in reach, not only those in `instances`.
    public var total: Int
}

extension Store {
    /// The first `limit` instances in reach by name, each with its badges (the same rows
    /// and order as `status()`), and the total count. Reads the instance name index, so it
    /// costs the same with 10 or 100,000 instances.
    public func statusPage(limit: Int) throws -> StatusPage {
        try database.read { db in
            var scope = ""
            var arguments: StatementArguments = []
            if let customer = actor.role.customerName {
                scope = "WHERE customer = ?"
                arguments += [customer]
            }
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM instance \(scope)", arguments: arguments) ?? 0
            let sql = """
                SELECT i.id, i.name, i.customer, v.key, v.version, c.variable, c.component, c.connectionType,
                       c.complete, c.outcome, c.reason, t.expiresAt, c.updatedAt
                FROM (SELECT * FROM instance \(scope) ORDER BY name LIMIT ?) i
                JOIN integrationVersion v ON v.id = i.integrationVersionId
                JOIN connection c ON c.instanceId = i.id
                LEFT JOIN token t ON t.connectionId = c.id
                ORDER BY i.name, c.id
                """
            var result: [InstanceStatus] = []
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments + [max(0, limit)])
            while let row = try rows.next() {
                let id: String = row[0]
                let outcome = ConnectionOutcome(rawValue: row[9]) ?? .none
                let connection = ConnectionStatusRow(
                    variable: row[5], component: row[6], connection: row[7],
                    status: StatusRule.status(complete: row[8], outcome: outcome),
                    reason: row[10], expiresAt: row[11], updatedAt: row[12])
                if result.last?.id == id {
                    result[result.count - 1].connections.append(connection)
                } else {
                    result.append(InstanceStatus(id: id, name: row[1], integration: row[3], version: row[4], customer: row[2], connections: [connection]))
                }
            }
            try redactReasonsForCustomer(db, &result)
            return StatusPage(instances: result, total: total)
        }
    }
}
