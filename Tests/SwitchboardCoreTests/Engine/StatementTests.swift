import Foundation
import Testing
import SwitchboardTestSupport
@testable import SwitchboardCore

/// How statements run on whichever engine the pass runs (issue 12 binds SQLite's
/// arguments itself, steps its statements itself and keeps its savepoints compiled):
/// a cached statement run again holds only its new arguments, a wrong count of arguments
/// fails clearly, an abandoned result leaves the statement usable, and a savepoint undoes
/// exactly its own writes.
@Suite("Engine: statements, arguments and savepoints")
struct StatementTests {
    static func scratch(_ database: AppDatabase) throws {
        try database.write { db in
            _ = try db.execute("CREATE TABLE \"scratch\" (\"k\" TEXT NOT NULL, \"v\" TEXT, \"n\" BIGINT, \"b\" BOOLEAN)")
        }
    }

    static func keys(_ database: AppDatabase) throws -> [String] {
        try database.read { db in try db.values(String.self, "SELECT \"k\" FROM \"scratch\" ORDER BY \"k\"") }
    }

    @Test("one statement text run with different arguments, NULLs among them, sees only the arguments of each run")
    func argumentsOfEachRun() throws {
        let database = try AppDatabase.temporary()
        try Self.scratch(database)
        let insert = "INSERT INTO \"scratch\" (\"k\", \"v\", \"n\", \"b\") VALUES (?, ?, ?, ?)"
        try database.write { db in
            _ = try db.execute(insert, ["a", "text", 7, true])
            _ = try db.execute(insert, ["b", String?.none, Int64?.none, false])
            _ = try db.execute(insert, ["c", "", -1, Bool?.none])
        }
        let rows = try database.read { db in
            try db.rows("SELECT \"k\", \"v\", \"n\", \"b\" FROM \"scratch\" WHERE \"k\" = ? OR \"k\" = ? ORDER BY \"k\"", ["a", "c"])
        }
        #expect(rows.map { try? $0.get(0, as: String.self) } == ["a", "c"])
        #expect(try rows[0].get(1, as: String?.self) == "text" && rows[0].get(2, as: Int?.self) == 7 && rows[0].get(3, as: Bool?.self) == true)
        #expect(try rows[1].get(1, as: String?.self) == "" && rows[1].get(2, as: Int?.self) == -1 && rows[1].get(3, as: Bool?.self) == nil)
        let b = try database.read { db in try db.row("SELECT \"v\", \"n\", \"b\" FROM \"scratch\" WHERE \"k\" = ?", ["b"]) }
        #expect(try b?.get(0, as: String?.self) == nil && b?.get(1, as: Int?.self) == nil && b?.get(2, as: Bool?.self) == false)
        // The same query text again, with other arguments: nothing of the last run stays bound.
        let again = try database.read { db in
            try db.values(String.self, "SELECT \"k\" FROM \"scratch\" WHERE \"k\" = ? OR \"k\" = ? ORDER BY \"k\"", ["b", String?.none])
        }
        #expect(again == ["b"])
    }

    @Test("text arguments arrive byte for byte: empty, short (held inline), non-ASCII, long, and the same in a comparison")
    func textArguments() throws {
        let database = try AppDatabase.temporary()
        try Self.scratch(database)
        let long = String(repeating: "x\u{E9}\u{1F511}", count: 20_000)
        let texts = ["", "a", "fifteen bytes!!", "sixteen bytes!!!", "caf\u{E9} \u{1F511} \u{65}\u{301}", long, String(long.dropFirst(3).prefix(40))]
        let insert = "INSERT INTO \"scratch\" (\"k\", \"v\") VALUES (?, ?)"
        try database.write { db in
            for (index, text) in texts.enumerated() { _ = try db.execute(insert, ["\(index)", text]) }
        }
        for (index, text) in texts.enumerated() {
            let stored = try database.read { db in
                try db.row("SELECT \"v\", (SELECT count(*) FROM \"scratch\" WHERE \"v\" = ?) FROM \"scratch\" WHERE \"k\" = ?", [text, "\(index)"])
            }
            #expect(try stored?.get(0, as: String?.self).map { Array($0.utf8) } == Array(text.utf8), "text \(index)")
            #expect(try stored?.get(1, as: Int.self) == 1, "text \(index) compared")
        }
    }

    /// GRDB binds a String as a C string (`sqlite3_bind_text` of length -1): SQLite takes
    /// the text up to its first NUL. The engine's own binding keeps that.
    @Test("a text with a NUL is taken up to the NUL, as GRDB binds it, stored and compared",
          .enabled(if: !TestDatabase.isPostgres, "PostgreSQL refuses a NUL in text"))
    func textWithNUL() throws {
        let database = try AppDatabase.temporary()
        try Self.scratch(database)
        let insert = "INSERT INTO \"scratch\" (\"k\", \"v\") VALUES (?, ?)"
        try database.write { db in
            _ = try db.execute(insert, ["nul", "ab\u{0}cd"])
            _ = try db.execute(insert, ["lead", "\u{0}cd"])
        }
        let row = try database.read { db in
            try db.row("""
                SELECT hex("v"), (SELECT quote("v") FROM "scratch" WHERE "k" = 'lead'), (SELECT count(*) FROM "scratch" WHERE "v" = ?) FROM "scratch" WHERE "k" = 'nul'
                """, ["ab\u{0}zz"])
        }
        #expect(try row?.get(0, as: String.self) == "6162")
        // An empty text, not NULL.
        #expect(try row?.get(1, as: String?.self) == "''")
        #expect(try row?.get(2, as: Int.self) == 1)
    }

    @Test("too few or too many arguments fail with an error and store nothing")
    func wrongArgumentCount() throws {
        let database = try AppDatabase.temporary()
        try Self.scratch(database)
        let insert = "INSERT INTO \"scratch\" (\"k\", \"v\") VALUES (?, ?)"
        for arguments: SQLArguments in [["only"], ["one", "two", "three"]] {
            #expect(throws: (any Error).self) {
                try database.write { db in _ = try db.execute(insert, arguments) }
            }
        }
        #expect(try Self.keys(database).isEmpty)
        try database.write { db in _ = try db.execute(insert, ["fine", "yes"]) }
        #expect(try Self.keys(database) == ["fine"])
    }

    @Test("a result left early (the reader threw) leaves its statement usable, in the same transaction and after")
    func abandonedResult() throws {
        let database = try AppDatabase.temporary()
        struct Enough: Error {}
        let count = "WITH RECURSIVE \"n\"(\"i\") AS (SELECT 1 UNION ALL SELECT \"i\" + 1 FROM \"n\" WHERE \"i\" < ?) SELECT \"i\" FROM \"n\""
        let (seen, next) = try database.read { db throws -> (Int, [Int]) in
            var seen = 0
            do {
                try db.forEachRow(count, [10]) { _ in
                    seen += 1
                    if seen == 3 { throw Enough() }
                }
            } catch is Enough {}
            return (seen, try db.values(Int.self, count, [4]))
        }
        #expect(seen == 3)
        #expect(next == [1, 2, 3, 4])
        #expect(try database.read { db in try db.values(Int.self, count, [2]) } == [1, 2])
    }

    @Test("a savepoint that throws undoes its own writes only; the transaction goes on and commits the rest")
    func savepoints() throws {
        let database = try AppDatabase.temporary()
        try Self.scratch(database)
        struct Undo: Error {}
        let insert = "INSERT INTO \"scratch\" (\"k\") VALUES (?)"
        try database.write { db in
            _ = try db.execute(insert, ["before"])
            #expect(throws: Undo.self) {
                try db.savepoint {
                    _ = try db.execute(insert, ["undone"])
                    throw Undo()
                }
            }
            let kept: Int = try db.savepoint {
                _ = try db.execute(insert, ["outer"])
                // Nested: the inner one is undone, the outer one kept.
                #expect(throws: Undo.self) {
                    try db.savepoint {
                        _ = try db.execute(insert, ["inner"])
                        throw Undo()
                    }
                }
                return 1
            }
            #expect(kept == 1)
            _ = try db.execute(insert, ["after"])
        }
        #expect(try Self.keys(database) == ["after", "before", "outer"])
        // A failing statement inside a savepoint (a NOT NULL column) is undone with it.
        try database.write { db in
            #expect(throws: (any Error).self) {
                try db.savepoint {
                    _ = try db.execute(insert, ["half"])
                    _ = try db.execute(insert, [String?.none])
                }
            }
            _ = try db.execute(insert, ["later"])
        }
        #expect(try Self.keys(database) == ["after", "before", "later", "outer"])
    }

    /// SQLite rolls a transaction back by itself after some errors (a full disk, out of
    /// memory); a statement after that would run in autocommit and be kept. ROLLBACK from
    /// inside stands in for such an error. (PostgreSQL never leaves a transaction by
    /// itself: after an error it refuses every statement until the transaction ends.)
    @Test("a transaction SQLite ended early runs no statement after it, and the write fails storing nothing",
          .enabled(if: !TestDatabase.isPostgres, "SQLite's automatic rollback; PostgreSQL has none"))
    func abortedTransaction() throws {
        let database = try AppDatabase.temporary()
        try Self.scratch(database)
        let insert = "INSERT INTO \"scratch\" (\"k\") VALUES (?)"
        #expect(throws: (any Error).self) {
            try database.write { db in
                _ = try db.execute(insert, ["first"])
                _ = try db.execute("ROLLBACK", [])
                _ = try db.execute(insert, ["after the rollback"])
            }
        }
        let error = #expect(throws: (any Error).self) {
            try database.write { db in
                _ = try db.execute(insert, ["first"])
                _ = try db.execute("ROLLBACK", [])
            }
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("Transaction was aborted"))
        #expect(try Self.keys(database).isEmpty)
        // The connection is usable again, in a transaction of its own.
        try database.write { db in _ = try db.execute(insert, ["later"]) }
        #expect(try Self.keys(database) == ["later"])
    }
}
