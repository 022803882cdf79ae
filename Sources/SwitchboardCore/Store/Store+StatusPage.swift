import Foundation
import GRDB

/// The first instances of the status listing and how many there are in all: what a screen
/// showing a few dozen rows needs for its first frame, long before the whole list.
package struct StatusPage: Sendable, Equatable {
    package var instances: [InstanceStatus]
    /// Every instance in reach, not only those in `instances`.
    package var total: Int
}

extension Store {
    /// The first `limit` instances in reach by name, each with its badges (the same rows
    /// and order as `status()`), and the total count. Reads the instance name index, so it
    /// costs the same with 10 or 100,000 instances.
    package func statusPage(limit: Int) throws -> StatusPage {
        try database.read { db in
            var scope = ""
            var arguments: StatementArguments = []
            if let customer = actor.role.customerName {
                scope = "WHERE customer = ?"
                arguments += [customer]
            }
            let total = try Int.fetchOne(db, sql: "SELECT count(*) FROM instance \(scope)", arguments: arguments) ?? 0
            let sql = Self.statusQuery(instances: "(SELECT * FROM instance \(scope) ORDER BY name LIMIT ?)")
            let result = try fetchStatuses(db, sql: sql, arguments: arguments + [max(0, limit)])
            return StatusPage(instances: result, total: total)
        }
    }
}
