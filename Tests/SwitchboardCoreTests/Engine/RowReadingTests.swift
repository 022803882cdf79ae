import Foundation
import Testing
import SwitchboardTestSupport
@testable import SwitchboardCore

/// How rows reach the store (issue 12's fast paths), on whichever engine the pass runs:
/// a column read by type straight from the statement's row gives what `fromSQL` gives for
/// its value, and results of any size arrive whole, in order, with their errors.
@Suite("Engine: rows read by type and in batches")
struct RowReadingTests {
    enum Shade: String, SQLTextEnum { case red }

    static func read<T: SQLValueConvertible & Equatable>(_ type: T.Type, _ row: SQLRow, _ kept: SQLRow, _ index: Int) {
        let expected = T.fromSQL(row[index])
        #expect(T.read(row, at: index) == expected, "\(T.self) at \(row.columns.names[index]): \(row[index])")
        #expect(T.read(kept, at: index) == expected, "\(T.self) at \(row.columns.names[index]) (kept): \(kept[index])")
    }

    @Test("every type reads each kind of column as fromSQL reads its value, on the statement's row and on a kept copy")
    func readMatchesFromSQL() throws {
        let database = try AppDatabase.temporary()
        try database.read { db in
            let blob = db.dialect == .postgres ? "decode('00ff', 'hex')" : "X'00FF'"
            let sql = """
                SELECT NULL AS "none", 2 AS "two", 0 AS "zero", -9223372036854775807 AS "low", 1.5 AS "real", 'red' AS "red",
                       'blue' AS "blue", '' AS "empty", 'caf\u{E9} ☕️' AS "wide", \(blob) AS "bytes", true AS "yes", false AS "no"
                """
            var seen = 0
            try db.forEachRow(sql, []) { row in
                seen += 1
                let kept = row.materialized()
                #expect(kept.values == row.values)
                for index in 0..<row.count {
                    Self.read(String.self, row, kept, index); Self.read(String?.self, row, kept, index)
                    Self.read(Int64.self, row, kept, index); Self.read(Int64?.self, row, kept, index)
                    Self.read(Int.self, row, kept, index); Self.read(Int?.self, row, kept, index)
                    Self.read(Int32.self, row, kept, index); Self.read(Bool.self, row, kept, index)
                    Self.read(Bool?.self, row, kept, index); Self.read(Double.self, row, kept, index)
                    Self.read(Data.self, row, kept, index); Self.read(Shade.self, row, kept, index)
                    Self.read(Shade?.self, row, kept, index); Self.read(SQLValue.self, row, kept, index)
                }
            }
            #expect(seen == 1)
        }
    }

    @Test("results of 0 to 1,000 rows arrive whole and in order, on each side of the engines' batch size")
    func resultsOfEverySize() throws {
        let database = try AppDatabase.temporary()
        for count in [0, 1, 255, 256, 257, 511, 512, 1000] {
            let numbers = try database.read { db in
                try db.values(Int.self, """
                    WITH RECURSIVE "n"("i") AS (SELECT 1 UNION ALL SELECT "i" + 1 FROM "n" WHERE "i" < ?)
                    SELECT "i" FROM "n" WHERE "i" <= ? ORDER BY "i"
                    """, [max(count, 1), count])
            }
            #expect(numbers == Array(stride(from: 1, through: count, by: 1)), "\(count) rows")
        }
    }

    @Test("a query that fails after 300 rows throws, and the store answers the next one",
          .enabled(if: TestDatabase.isPostgres, "SQLite answers a division by zero with NULL, not an error"))
    func failureMidResult() throws {
        let database = try AppDatabase.temporary()
        var delivered = 0
        #expect(throws: (any Error).self) {
            try database.read { db in
                try db.forEachRow("SELECT 1 / (\"i\" - 300) AS \"x\" FROM generate_series(1, 400) AS \"s\"(\"i\")", []) { _ in delivered += 1 }
            }
        }
        #expect(delivered < 300)
        #expect(try database.read { db in try db.value(Int.self, "SELECT 7") } == 7)
    }
}
