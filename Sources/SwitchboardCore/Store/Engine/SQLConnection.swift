import Foundation

/// The column names of a result, shared by its rows: a name is looked up once per
/// statement, not once per row.
package final class SQLColumns: Sendable {
    package let names: [String]
    private let indexes: [String: Int]

    package init(_ names: [String]) {
        self.names = names
        var indexes: [String: Int] = [:]
        for (index, name) in names.enumerated() where indexes[name] == nil { indexes[name] = index }
        self.indexes = indexes
    }

    /// A row of few columns is searched in order: comparing short names costs less than
    /// hashing the one asked for (callgrind: a refresh hashed 180 strings, most of them
    /// column names). The first column of a name wins either way.
    func index(of name: String) -> Int? {
        guard names.count > 24 else { return names.firstIndex(of: name) }
        return indexes[name]
    }
}

/// What a row reads its values from while it is the current row of a statement (the
/// SQLite engine's stepped statement), so a column read once is converted once: by way of
/// `[SQLValue]`, each text column was copied twice and boxed (perf, `status --json`).
protocol SQLRowSource: AnyObject {
    var count: Int { get }
    func value(at index: Int) -> SQLValue
    /// The column's text; nil when it holds another type (NULL included).
    func text(at index: Int) -> String?
    /// The column's integer; nil when it holds another type (NULL included).
    func integer(at index: Int) -> Int64?
    func isNull(at index: Int) -> Bool
}

/// One row of a result, read by position (fast paths) or by column name.
///
/// A row handed to `forEachRow`'s body may read from the statement itself: it is valid
/// during that call only. What keeps rows (`rows`, `row`) keeps `materialized()` copies.
package struct SQLRow {
    private enum Storage {
        case values([SQLValue])
        case source(any SQLRowSource)
    }

    private let storage: Storage
    package let columns: SQLColumns

    package init(values: [SQLValue], columns: SQLColumns) {
        storage = .values(values)
        self.columns = columns
    }

    init(source: any SQLRowSource, columns: SQLColumns) {
        storage = .source(source)
        self.columns = columns
    }

    package var count: Int {
        switch storage {
        case .values(let values): values.count
        case .source(let source): source.count
        }
    }

    package var values: [SQLValue] {
        switch storage {
        case .values(let values): values
        case .source(let source): (0..<source.count).map(source.value(at:))
        }
    }

    /// The same row holding its own values, valid after the statement moved on.
    package func materialized() -> SQLRow {
        if case .source = storage { return SQLRow(values: values, columns: columns) }
        return self
    }

    package subscript(index: Int) -> SQLValue {
        switch storage {
        case .values(let values): values[index]
        case .source(let source): source.value(at: index)
        }
    }

    package subscript(name: String) -> SQLValue {
        columns.index(of: name).map { self[$0] } ?? .null
    }

    func text(at index: Int) -> String? {
        switch storage {
        case .values(let values): String.fromSQL(values[index])
        case .source(let source): source.text(at: index)
        }
    }

    func integer(at index: Int) -> Int64? {
        switch storage {
        case .values(let values): Int64.fromSQL(values[index])
        case .source(let source): source.integer(at: index)
        }
    }

    func isNull(at index: Int) -> Bool {
        switch storage {
        case .values(let values): values[index] == .null
        case .source(let source): source.isNull(at: index)
        }
    }

    /// The value at `index` as `T`, or an error naming the column when it has another type.
    package func get<T: SQLValueConvertible>(_ index: Int, as type: T.Type = T.self) throws -> T {
        guard index < count, let value = T.read(self, at: index) else {
            throw SwitchboardError.database("database error: column \(index < columns.names.count ? columns.names[index] : "#\(index)") does not hold a \(T.self)")
        }
        return value
    }

    package func get<T: SQLValueConvertible>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.index(of: name) else {
            throw SwitchboardError.database("database error: no column \(name) in the result")
        }
        return try get(index)
    }
}

/// Which SQL the engine speaks, for the few statements that differ (schema, locks).
package enum SQLDialect: Sendable {
    case sqlite
    case postgres
}

/// One engine's connection inside a read or a write transaction. Statements are written
/// once for both engines: `?` placeholders, double-quoted identifiers, no engine-specific
/// functions (see docs/several-hosts.md).
package protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }

    /// Runs one statement and returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: SQLArguments) throws -> Int

    /// Calls `body` with each row of the result, in order, without collecting them.
    func forEachRow(_ sql: String, _ arguments: SQLArguments, _ body: (SQLRow) throws -> Void) throws

    /// Runs `body` in a savepoint: its writes are undone when it throws, the transaction
    /// around it goes on.
    func savepoint<T>(_ body: () throws -> T) throws -> T
}

extension SQLConnection {
    @discardableResult
    package func execute(_ sql: String) throws -> Int { try execute(sql, []) }

    package func rows(_ sql: String, _ arguments: SQLArguments = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try forEachRow(sql, arguments) { rows.append($0.materialized()) }
        return rows
    }

    package func row(_ sql: String, _ arguments: SQLArguments = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of every row.
    package func values<T: SQLValueConvertible>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> [T] {
        var values: [T] = []
        try forEachRow(sql, arguments) { values.append(try $0.get(0)) }
        return values
    }

    /// The first column of the first row, or nil when there is no row or it holds NULL.
    package func value<T: SQLValueConvertible>(_ type: T.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        guard let row = try row(sql, arguments) else { return nil }
        if case .null = row[0] { return nil }
        return try row.get(0, as: T.self)
    }

    package func records<R: SQLRecord>(_ type: R.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> [R] {
        var records: [R] = []
        try forEachRow(sql, arguments) { records.append(try R(row: $0)) }
        return records
    }

    /// The first row's record, decoded while the row is current (no copy of its values).
    package func record<R: SQLRecord>(_ type: R.Type, _ sql: String, _ arguments: SQLArguments = []) throws -> R? {
        var record: R?
        try forEachRow(sql, arguments) { row in
            if record == nil { record = try R(row: row) }
        }
        return record
    }
}

/// A row of one table, written and read with the same SQL on both engines.
package protocol SQLRecord {
    static var tableName: String { get }
    /// The columns that identify a row (for `update` and `delete`).
    static var primaryKey: [String] { get }
    init(row: SQLRow) throws
    /// Every stored column and its value, the primary key included unless the engine
    /// assigns it (`id` of a new row is left out while nil).
    var columnValues: [(String, any SQLValueConvertible)] { get }
}

extension SQLRecord {
    static var quotedTable: String { "\"\(tableName)\"" }

    /// Inserts the row; returns the id the engine assigned when the table has one.
    @discardableResult
    package func insert(_ db: any SQLConnection) throws -> Int64? {
        let columns = columnValues
        let names = columns.map { "\"\($0.0)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        var sql = "INSERT INTO \(Self.quotedTable) (\(names)) VALUES (\(marks))"
        guard Self.primaryKey == ["id"], !columns.contains(where: { $0.0 == "id" }) else {
            try db.execute(sql, columns.map(\.1))
            return nil
        }
        sql += " RETURNING \"id\""
        return try db.value(Int64.self, sql, columns.map(\.1))
    }

    /// Writes every column of the row found by its primary key.
    package func update(_ db: any SQLConnection) throws {
        let columns = columnValues
        let key = Set(Self.primaryKey)
        let assignments = columns.filter { !key.contains($0.0) }
        let sql = "UPDATE \(Self.quotedTable) SET " + assignments.map { "\"\($0.0)\" = ?" }.joined(separator: ", ")
            + " WHERE " + Self.primaryKey.map { "\"\($0)\" = ?" }.joined(separator: " AND ")
        let keyValues = Self.primaryKey.map { name in columns.first { $0.0 == name }!.1 }
        try db.execute(sql, assignments.map(\.1) + keyValues)
    }

    @discardableResult
    package func delete(_ db: any SQLConnection) throws -> Bool {
        let columns = columnValues
        let sql = "DELETE FROM \(Self.quotedTable) WHERE " + Self.primaryKey.map { "\"\($0)\" = ?" }.joined(separator: " AND ")
        return try db.execute(sql, Self.primaryKey.map { name in columns.first { $0.0 == name }!.1 }) > 0
    }
}
