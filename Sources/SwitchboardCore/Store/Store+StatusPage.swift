import Foundation

/// A window of the status listing and how many instances there are: what a screen showing
/// a few dozen rows needs, however large the store.
package struct StatusPage: Sendable, Equatable {
    package var instances: [InstanceStatus]
    /// Every instance in reach, not only those in `instances` (nor only those matching).
    package var total: Int
    /// The instances in reach that match the filter (`total` without one).
    package var matching: Int
    /// Where `instances` starts among the matching instances in name order.
    package var offset: Int
}

extension Store {
    /// The first `limit` instances in reach by name, each with its badges (the same rows
    /// and order as `status()`), and the total count. Reads the instance name index, so it
    /// costs the same with 10 or 100,000 instances.
    package func statusPage(limit: Int) throws -> StatusPage {
        try statusPage(offset: 0, limit: limit)
    }

    /// `limit` instances in reach by name from `offset` among those whose name or
    /// integration key contains `filter` (case-insensitive, as `status(filter:)`), with
    /// their badges. With `around`, the offset is chosen instead so that the instance named
    /// `around` (or where it would sort) sits in the middle of the page. An offset past the
    /// end gives the last page. Reads ORDER BY name over the name index.
    package func statusPage(offset: Int, limit: Int, filter: String = "", around: String? = nil) throws -> StatusPage {
        try database.read { db in
            var conditions: [String] = []
            var arguments: SQLArguments = []
            if let customer = actor.role.customerName {
                conditions.append("\"instance\".\"customer\" = ?")
                arguments += [customer]
            }
            let scope = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let total = try db.value(Int.self, "SELECT count(*) FROM \"instance\" \(scope)", arguments) ?? 0
            var join = ""
            if !filter.isEmpty {
                join = "JOIN \"integrationVersion\" fv ON fv.\"id\" = \"instance\".\"integrationVersionId\""
                let (condition, values) = Self.nameOrIntegrationContains(filter, instance: "\"instance\"", integration: "fv")
                conditions.append(condition)
                arguments += values
            }
            let matchingScope = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let matching = filter.isEmpty
                ? total
                : try db.value(Int.self, "SELECT count(*) FROM \"instance\" \(join) \(matchingScope)", arguments) ?? 0
            let limit = max(0, limit)
            var start = max(0, offset)
            if let around {
                let before = conditions + ["\"instance\".\"name\" < ?"]
                let rank = try db.value(Int.self, "SELECT count(*) FROM \"instance\" \(join) WHERE \(before.joined(separator: " AND "))",
                                        arguments + [around]) ?? 0
                start = max(0, rank - limit / 2)
            }
            start = max(0, min(start, matching - limit))
            let page = "(SELECT \"instance\".* FROM \"instance\" \(join) \(matchingScope) ORDER BY \"instance\".\"name\" LIMIT ? OFFSET ?)"
            let result = try fetchStatuses(db, sql: Self.statusQuery(instances: page), arguments: arguments + [limit, start])
            return StatusPage(instances: result, total: total, matching: matching, offset: start)
        }
    }
}
