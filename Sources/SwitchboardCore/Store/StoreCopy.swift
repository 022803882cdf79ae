import Foundation

/// `switchboard db copy SOURCE TARGET`: a whole store from one engine to the other (or to
/// another file or server of the same engine), row for row. Values are copied as stored:
/// secrets stay sealed, so the target works with the same master key and the copy never
/// needs it. The source is read in one snapshot; the target is written in one transaction
/// and refused unless it is empty, so a copy either lands whole or leaves nothing.
package enum StoreCopy {
    /// Every table of the store, parents before children (foreign keys hold at each insert).
    /// `nil` key: the table's key is an integer "id" the engine hands out.
    static let tables: [(name: String, key: [String]?)] = [
        ("meta", ["key"]), ("component", ["key"]), ("integrationVersion", nil), ("customer", ["name"]),
        ("instance", ["id"]), ("connection", nil), ("fieldValue", ["connectionId", "key"]),
        ("token", ["connectionId"]), ("execution", nil), ("logEntry", nil), ("draft", ["instanceId", "user"]),
        ("oauthPending", ["stateHash"]), ("connectionEvent", nil),
    ]
    /// Rows per read page and per INSERT: few round trips to a server, bounded memory
    /// whatever the store's size, and far under both engines' limits on parameters.
    static let batch = 500

    package struct Report: Sendable, Equatable {
        package var rows: [(table: String, count: Int)]
        package static func == (a: Report, b: Report) -> Bool {
            a.rows.map(\.table) == b.rows.map(\.table) && a.rows.map(\.count) == b.rows.map(\.count)
        }
    }

    package static func copy(from source: AppDatabase, to target: AppDatabase) throws -> Report {
        guard source.path != target.path else {
            throw SwitchboardError.invalidValue("db copy: the source and the target are the same store (\(source.path))")
        }
        return try source.engine.read { from in
            guard try heldRows(from) != nil else {
                throw SwitchboardError.invalidValue("db copy: the source \(source.path) holds no store (no rows in any table); nothing to copy")
            }
            return try target.engine.write { to in
                if let held = try heldRows(to) {
                    throw SwitchboardError.conflict("db copy: the target \(target.path) already holds a store (\(held)); copy only into an empty one")
                }
                var report = Report(rows: [])
                for table in tables {
                    let copied = try copyTable(table.name, key: table.key, from: from, to: to)
                    let landed = try to.value(Int.self, "SELECT COUNT(*) FROM \"\(table.name)\"") ?? 0
                    guard landed == copied else {
                        throw SwitchboardError.database("db copy: \(table.name): \(copied) rows read but \(landed) in the target; nothing was copied")
                    }
                    if table.key == nil {
                        try setIdentity(table.name, to: max(try identity(table.name, from), try maxID(table.name, from)), to)
                    }
                    report.rows.append((table.name, copied))
                }
                // Fresh statistics for the planner: without them PostgreSQL plans the first
                // listings for an empty store (until autovacuum catches up).
                if to.dialect == .postgres { try to.execute("ANALYZE") }
                return report
            }
        }
    }

    /// What makes a store non-empty, for the refusal; nil when every table is empty.
    static func heldRows(_ db: any SQLConnection) throws -> String? {
        var held: [String] = []
        for table in tables {
            let count = try db.value(Int.self, "SELECT COUNT(*) FROM \"\(table.name)\"") ?? 0
            if count > 0 { held.append("\(count) \(table.name) row\(count == 1 ? "" : "s")") }
        }
        return held.isEmpty ? nil : held.prefix(4).joined(separator: ", ") + (held.count > 4 ? ", …" : "")
    }

    private static func copyTable(_ table: String, key: [String]?, from: any SQLConnection, to: any SQLConnection) throws -> Int {
        let booleans = try booleanColumns(table, to)
        let keyColumns = (key ?? ["id"]).map { "\"\($0)\"" }
        let order = keyColumns.joined(separator: ", ")
        // Pages by key (a row value, so composite keys too): each page is an index seek
        // after the last row of the one before, whatever the table's size. Text keys
        // compare byte by byte on both engines (BINARY; COLLATE "C").
        let after = "(" + order + ") > (" + Array(repeating: "?", count: keyColumns.count).joined(separator: ", ") + ")"
        var copied = 0
        var lastKey: [SQLValue]?
        while true {
            let rows: [SQLRow]
            if let lastKey {
                rows = try from.rows("SELECT * FROM \"\(table)\" WHERE \(after) ORDER BY \(order) LIMIT ?", lastKey + [SQLValue.integer(Int64(batch))])
            } else {
                rows = try from.rows("SELECT * FROM \"\(table)\" ORDER BY \(order) LIMIT ?", [batch])
            }
            if let last = rows.last { lastKey = (key ?? ["id"]).map { last[$0] } }
            guard let first = rows.first else { return copied }
            let columns = first.columns.names
            let marks = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
            var arguments: SQLArguments = []
            arguments.reserveCapacity(rows.count * columns.count)
            for row in rows {
                for (index, name) in columns.enumerated() {
                    let value = row[index]
                    // SQLite keeps booleans as 0/1; PostgreSQL's column wants a boolean.
                    if booleans.contains(name), case .integer(let number) = value {
                        arguments.append(SQLValue.bool(number != 0))
                    } else {
                        arguments.append(value)
                    }
                }
            }
            try to.execute("INSERT INTO \"\(table)\" (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ") VALUES "
                           + Array(repeating: marks, count: rows.count).joined(separator: ", "), arguments)
            copied += rows.count
            if rows.count < batch { return copied }
        }
    }

    /// Columns the target keeps as booleans of their own (PostgreSQL); none on SQLite.
    private static func booleanColumns(_ table: String, _ db: any SQLConnection) throws -> Set<String> {
        guard db.dialect == .postgres else { return [] }
        return Set(try db.values(String.self, """
            SELECT column_name::text FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ? AND data_type = 'boolean'
            """, [table]))
    }

    private static func maxID(_ table: String, _ db: any SQLConnection) throws -> Int64 {
        try db.value(Int64.self, "SELECT MAX(\"id\") FROM \"\(table)\"") ?? 0
    }

    /// The highest id the table ever handed out, rows deleted since included: an id is
    /// never handed out twice, in the target either (`events --since` relies on it).
    private static func identity(_ table: String, _ db: any SQLConnection) throws -> Int64 {
        switch db.dialect {
        case .sqlite:
            // Only AUTOINCREMENT tables are in sqlite_sequence; the others reuse max + 1.
            let exists = try db.value(Int.self, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_sequence'") ?? 0
            guard exists > 0 else { return 0 }
            return try db.value(Int64.self, "SELECT seq FROM sqlite_sequence WHERE name = ?", [table]) ?? 0
        case .postgres:
            guard let sequence = try db.value(String.self, "SELECT pg_get_serial_sequence(?, 'id')", ["\"\(table)\""]) else { return 0 }
            let row = try db.row("SELECT last_value, is_called FROM \(sequence)")
            guard let row, try row.get(1, as: Bool.self) else { return 0 }
            return try row.get(0)
        }
    }

    private static func setIdentity(_ table: String, to value: Int64, _ db: any SQLConnection) throws {
        guard value > 0 else { return }
        switch db.dialect {
        case .sqlite:
            let exists = try db.value(Int.self, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_sequence'") ?? 0
            guard exists > 0 else { return }
            if try db.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?", [value, table, value]) == 0 {
                // Only an AUTOINCREMENT table may have a row here.
                let autoincrement = try db.value(String.self, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table])?
                    .uppercased().contains("AUTOINCREMENT") ?? false
                let present = try db.value(Int.self, "SELECT COUNT(*) FROM sqlite_sequence WHERE name = ?", [table]) ?? 0
                if autoincrement && present == 0 {
                    try db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, value])
                }
            }
        case .postgres:
            _ = try db.value(Int64.self, "SELECT setval(pg_get_serial_sequence(?, 'id'), ?, true)", ["\"\(table)\"", value])
        }
    }
}
