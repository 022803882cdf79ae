import Foundation
import Testing
import SwitchboardTestSupport
@testable import SwitchboardCore

/// The two engines' schemas, read back from each engine's own catalog after a fresh
/// migration: the same migrations in the same order, the same tables, columns, keys and
/// indexes, so the one set of SQL `Store` runs means the same on both.
@Suite("Engine: SQLite and PostgreSQL schemas match",
       .enabled(if: TestDatabase.isPostgres, "needs the PostgreSQL cluster (second pass of scripts/test)"))
struct EngineParityTests {
    /// What the comparison keeps of one column.
    struct Column: Equatable, CustomStringConvertible {
        var kind: String
        var notNull: Bool
        var description: String { "\(kind)\(notNull ? " NOT NULL" : "")" }
    }

    struct ForeignKey: Hashable, Comparable, CustomStringConvertible {
        var column: String
        var parent: String
        var parentColumn: String
        var onDelete: String
        var description: String { "\(column) -> \(parent).\(parentColumn) ON DELETE \(onDelete)" }
        static func < (a: Self, b: Self) -> Bool { a.description < b.description }
    }

    struct Table: Equatable {
        var columns: [String: Column] = [:]
        var primaryKey: [String] = []
        /// Indexes made by CREATE INDEX: name, columns in order, unique or not.
        var indexes: [String: String] = [:]
        /// UNIQUE constraints (their index names differ by engine): columns in order.
        var unique: Set<String> = []
        var foreignKeys: Set<ForeignKey> = []
    }

    struct Schema {
        var migrations: [String] = []
        var tables: [String: Table] = [:]
        /// Text columns and their collation (PostgreSQL only), "table.column" -> collation.
        var collations: [String: String] = [:]
    }

    static let bookkeeping: Set = ["grdb_migrations", "switchboardMigration"]

    // MARK: Reading each catalog

    static func sqliteKind(_ declared: String) -> String {
        switch declared.uppercased() {
        case "TEXT": "text"
        case "INTEGER", "INT", "BIGINT": "integer"
        case "BLOB": "blob"
        case "BOOLEAN": "boolean"
        case "REAL", "DOUBLE": "real"
        default: "unknown SQLite type \(declared)"
        }
    }

    static func postgresKind(_ declared: String) -> String {
        switch declared {
        case "text": "text"
        case "bigint": "integer"
        case "boolean": "boolean"
        case "bytea": "blob"
        case "double precision": "real"
        default: "unexpected PostgreSQL type \(declared)"
        }
    }

    static func sqliteSchema(_ database: AppDatabase) throws -> Schema {
        try database.engine.read { db in
            var schema = Schema()
            schema.migrations = try db.values(String.self, "SELECT \"identifier\" FROM \"grdb_migrations\" ORDER BY rowid")
            let names = try db.values(String.self, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            for name in names where !name.hasPrefix("sqlite_") && !bookkeeping.contains(name) {
                var table = Table()
                let columns = try db.rows("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", [name])
                let keyCount = try columns.filter { try $0.get("pk", as: Int.self) > 0 }.count
                var key: [(Int, String)] = []
                for column in columns {
                    let columnName: String = try column.get("name")
                    let type: String = try column.get("type")
                    let position: Int = try column.get("pk")
                    // An INTEGER PRIMARY KEY is the rowid: never NULL, though not declared so.
                    let rowid = position > 0 && keyCount == 1 && type.uppercased() == "INTEGER"
                    table.columns[columnName] = Column(kind: sqliteKind(type), notNull: try column.get("notnull", as: Bool.self) || rowid)
                    if position > 0 { key.append((position, columnName)) }
                }
                table.primaryKey = key.sorted { $0.0 < $1.0 }.map(\.1)
                for index in try db.rows("SELECT name, \"unique\", origin FROM pragma_index_list(?)", [name]) {
                    let indexName: String = try index.get("name")
                    let columns = try db.values(String.self, "SELECT name FROM pragma_index_info(?) ORDER BY seqno", [indexName])
                        .joined(separator: ", ")
                    switch try index.get("origin", as: String.self) {
                    case "c": table.indexes[indexName] = "(\(columns))\(try index.get("unique", as: Bool.self) ? " UNIQUE" : "")"
                    case "u": table.unique.insert(columns)
                    default: break // the primary key's own index
                    }
                }
                for key in try db.rows("SELECT \"from\", \"table\", \"to\", on_delete FROM pragma_foreign_key_list(?)", [name]) {
                    let parent: String = try key.get("table")
                    // Without a column, a reference names the parent's primary key.
                    var parentColumn = try key.get("to", as: String?.self)
                    if parentColumn == nil {
                        parentColumn = try db.value(String.self, "SELECT name FROM pragma_table_info(?) WHERE pk = 1", [parent])
                    }
                    table.foreignKeys.insert(ForeignKey(column: try key.get("from"), parent: parent, parentColumn: parentColumn ?? "?",
                                                        onDelete: try key.get("on_delete", as: String.self).uppercased()))
                }
                schema.tables[name] = table
            }
            return schema
        }
    }

    static let schemaOID = "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"

    static func postgresSchema(_ database: AppDatabase) throws -> Schema {
        try database.engine.read { db in
            var schema = Schema()
            schema.migrations = try db.values(String.self, "SELECT \"identifier\" FROM \"switchboardMigration\" ORDER BY \"position\"")
            let names = try db.values(String.self, "SELECT relname::text FROM pg_class WHERE relkind = 'r' AND relnamespace = \(schemaOID)")
            for name in names { schema.tables[name] = Table() }
            let columns = try db.rows("""
                SELECT c.relname::text AS "table", a.attname::text AS "column", format_type(a.atttypid, a.atttypmod) AS "type",
                  a.attnotnull AS "notNull", co.collname::text AS "collation"
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_collation co ON co.oid = a.attcollation
                WHERE c.relkind = 'r' AND c.relnamespace = \(schemaOID) AND a.attnum > 0 AND NOT a.attisdropped
                """)
            for column in columns {
                let table: String = try column.get("table")
                let name: String = try column.get("column")
                let type: String = try column.get("type")
                schema.tables[table, default: Table()].columns[name] = Column(kind: postgresKind(type), notNull: try column.get("notNull"))
                if type == "text" { schema.collations["\(table).\(name)"] = try column.get("collation", as: String?.self) ?? "(none)" }
            }
            let indexes = try db.rows("""
                SELECT c.relname::text AS "table", i.relname::text AS "index", ix.indisprimary AS "primary", ix.indisunique AS "unique",
                  (SELECT string_agg(a.attname::text, ', ' ORDER BY k.n) FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum) AS "columns",
                  EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = ix.indexrelid AND con.conrelid = c.oid
                          AND con.contype IN ('p', 'u')) AS "constraint"
                FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class c ON c.oid = ix.indrelid
                WHERE c.relnamespace = \(schemaOID)
                """)
            for index in indexes {
                let table: String = try index.get("table")
                let columns: String = try index.get("columns")
                if try index.get("primary", as: Bool.self) {
                    schema.tables[table, default: Table()].primaryKey = columns.components(separatedBy: ", ")
                } else if try index.get("constraint", as: Bool.self) {
                    schema.tables[table, default: Table()].unique.insert(columns)
                } else {
                    schema.tables[table, default: Table()].indexes[try index.get("index")] =
                        "(\(columns))\(try index.get("unique", as: Bool.self) ? " UNIQUE" : "")"
                }
            }
            let keys = try db.rows("""
                SELECT cl.relname::text AS "table", a.attname::text AS "column", rc.relname::text AS "parent",
                  ra.attname::text AS "parentColumn", con.confdeltype::text AS "onDelete", cardinality(con.conkey) AS "width"
                FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
                JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
                JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = con.confkey[1]
                WHERE con.contype = 'f' AND cl.relnamespace = \(schemaOID)
                """)
            let actions = ["a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"]
            for key in keys {
                let table: String = try key.get("table")
                let action: String = try key.get("onDelete")
                let width: Int = try key.get("width")
                schema.tables[table, default: Table()].foreignKeys.insert(ForeignKey(
                    column: try key.get("column") + (width == 1 ? "" : " (+\(width - 1) more)"), parent: try key.get("parent"),
                    parentColumn: try key.get("parentColumn"), onDelete: actions[action] ?? action))
            }
            for name in bookkeeping { schema.tables[name] = nil }
            return schema
        }
    }

    /// A fresh SQLite store and a fresh PostgreSQL store (this pass's temporary store).
    static func schemas() throws -> (sqlite: Schema, postgres: Schema) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-parity-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let sqlite = try AppDatabase.open(path: directory.appendingPathComponent("switchboard.sqlite").path)
        #expect(sqlite.engine.dialect == .sqlite)
        let postgres = try AppDatabase.temporary()
        #expect(postgres.engine.dialect == .postgres)
        return (try sqliteSchema(sqlite), try postgresSchema(postgres))
    }

    // MARK: The comparisons

    @Test("the same migrations are applied on both engines, in the same order, and they are all there are")
    func migrations() throws {
        let (sqlite, postgres) = try Self.schemas()
        let all = PostgresMigrations.migrations.map(\.name)
        #expect(all == SQLiteMigrations.migrator.migrations, "both engines register the same migrations by the same names")
        #expect(sqlite.migrations == all, "SQLite applied \(sqlite.migrations)")
        #expect(postgres.migrations == all, "PostgreSQL applied \(postgres.migrations)")
        #expect(sqlite.migrations == postgres.migrations)
        #expect(!all.isEmpty)
    }

    @Test("both engines have the same tables with the same columns, NOT NULL, types and primary keys")
    func tablesAndColumns() throws {
        let (sqlite, postgres) = try Self.schemas()
        #expect(sqlite.tables.count >= 13, "SQLite tables: \(sqlite.tables.keys.sorted())")
        for name in Set(sqlite.tables.keys).union(postgres.tables.keys).sorted() {
            guard let lite = sqlite.tables[name] else { Issue.record("table \(name) is on PostgreSQL only"); continue }
            guard let pg = postgres.tables[name] else { Issue.record("table \(name) is on SQLite only"); continue }
            for column in Set(lite.columns.keys).union(pg.columns.keys).sorted() {
                guard let a = lite.columns[column] else { Issue.record("\(name).\(column) is on PostgreSQL only"); continue }
                guard let b = pg.columns[column] else { Issue.record("\(name).\(column) is on SQLite only"); continue }
                #expect(a.kind == b.kind, "\(name).\(column): \(a.kind) on SQLite, \(b.kind) on PostgreSQL")
                #expect(a.notNull == b.notNull, "\(name).\(column): \(a) on SQLite, \(b) on PostgreSQL")
            }
            #expect(lite.primaryKey == pg.primaryKey, "\(name): primary key \(lite.primaryKey) on SQLite, \(pg.primaryKey) on PostgreSQL")
            #expect(!lite.primaryKey.isEmpty, "\(name) has a primary key")
        }
    }

    @Test("both engines have the same indexes by name and columns, and the same unique constraints")
    func indexes() throws {
        let (sqlite, postgres) = try Self.schemas()
        for name in Set(sqlite.tables.keys).intersection(postgres.tables.keys).sorted() {
            let lite = sqlite.tables[name]!, pg = postgres.tables[name]!
            for index in Set(lite.indexes.keys).union(pg.indexes.keys).sorted() {
                #expect(lite.indexes[index] == pg.indexes[index],
                        "\(name): index \(index) is \(lite.indexes[index] ?? "missing") on SQLite, \(pg.indexes[index] ?? "missing") on PostgreSQL")
            }
            #expect(lite.unique == pg.unique, "\(name): UNIQUE \(lite.unique.sorted()) on SQLite, \(pg.unique.sorted()) on PostgreSQL")
        }
        let total = sqlite.tables.values.reduce(0) { $0 + $1.indexes.count }
        #expect(total >= 8, "the explicit indexes were found: \(total)")
    }

    @Test("both engines have the same foreign keys with the same ON DELETE")
    func foreignKeys() throws {
        let (sqlite, postgres) = try Self.schemas()
        for name in Set(sqlite.tables.keys).intersection(postgres.tables.keys).sorted() {
            let lite = sqlite.tables[name]!.foreignKeys, pg = postgres.tables[name]!.foreignKeys
            for key in lite.subtracting(pg).sorted() { Issue.record("\(name): \(key) is on SQLite only") }
            for key in pg.subtracting(lite).sorted() { Issue.record("\(name): \(key) is on PostgreSQL only") }
        }
        #expect(sqlite.tables.values.contains { !$0.foreignKeys.isEmpty }, "the foreign keys were found")
    }

    @Test("every text column on PostgreSQL collates as \"C\" (byte order, as SQLite's BINARY)")
    func collation() throws {
        let (_, postgres) = try Self.schemas()
        #expect(!postgres.collations.isEmpty)
        for (column, collation) in postgres.collations.sorted(by: { $0.key < $1.key }) {
            #expect(collation == "C", "\(column) collates as \(collation)")
        }
        // The bookkeeping table too: its names sort alike wherever it is read.
        let bookkeeping = try AppDatabase.temporary().engine.read { db in
            try db.values(String.self, """
                SELECT a.attname::text || ' ' || coalesce(co.collname::text, '(none)') FROM pg_attribute a
                LEFT JOIN pg_collation co ON co.oid = a.attcollation
                WHERE a.attrelid = '"switchboardMigration"'::regclass AND a.attnum > 0 AND a.atttypid = 'text'::regtype
                """)
        }
        #expect(bookkeeping.sorted() == ["appliedAt C", "identifier C"])
    }
}
