import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard db ...`: the store itself, for a team moving between engines or hosts.
struct DBCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Work on the store itself (migrate its schema, copy it between engines).",
        subcommands: [DBMigrateCommand.self, DBCopyCommand.self])
}

struct DBCopyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Copy a whole store into an empty one (SQLite file or postgres:// URL, either way).",
        discussion: """
            Secrets are copied sealed: the target is used with the same master key. The target \
            must be empty (a new file, or a database with no Switchboard rows); it is written \
            in one transaction, so a failed copy leaves it empty. Team role only.
            """)

    @Argument(help: "The store to copy: a SQLite file or a postgres:// URL.") var source: String
    @Argument(help: "The empty store to copy into: a SQLite file (created) or a postgres:// URL.") var target: String
    @Option(name: .long, help: "Act as a team member (default) or as a customer (refused: the store is the team's).") var role: RoleName = .team
    @Option(name: .long, help: "The customer you act as with --role customer.") var customer: String?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        guard role == .team else { throw SwitchboardError.forbidden("db copy is for the team role only") }
        if let error = AppDatabase.unknownScheme(source) ?? AppDatabase.unknownScheme(target) { throw error }
        guard AppDatabase.exists(source) else { throw AppDatabase.missing(source) }
        guard !AppDatabase.isForeignFile(target) else {
            throw SwitchboardError.invalidValue("db copy: the target \(target) is a file that is not a Switchboard store; copy into a new file or an empty store")
        }
        let from = try AppDatabase.openExisting(path: source)
        let to = try AppDatabase.open(path: target)
        let report = try StoreCopy.copy(from: from, to: to)
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.field("source", from.path); w.field("target", to.path)
            w.key("tables"); w.beginObject()
            for row in report.rows { w.field(row.table, row.count) }
            w.endObject()
            w.endObject()
            w.print()
        } else {
            for row in report.rows { printOut("\(row.table.padding(toLength: 20, withPad: " ", startingAt: 0)) \(row.count)") }
            printOut("copied \(from.path) to \(to.path)")
        }
    }
}

/// Creates or updates the schema and says where it stands. Every command does this on
/// first use; as a command of its own it is what a PostgreSQL owner role runs once after an
/// upgrade, when the hosts' role may only read and write rows (README, "Several hosts").
struct DBMigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or update the store's schema (SQLite file or postgres:// URL).")

    @Option(name: .long, help: "The store: a SQLite file or a postgres:// URL (default: $SWITCHBOARD_DB, else $XDG_DATA_HOME/switchboard/switchboard.sqlite).")
    var db: String?
    @Option(name: .long, help: "Act as a team member (default) or as a customer (refused: the store is the team's).") var role: RoleName = .team
    @Option(name: .long, help: "The customer you act as with --role customer.") var customer: String?
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        guard role == .team else { throw SwitchboardError.forbidden("db migrate is for the team role only") }
        let database = try AppDatabase.open(path: Paths.database(option: db))
        let applied = try database.engine.appliedMigrations()
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.field("store", database.path)
            w.key("migrations"); w.beginArray()
            for name in applied { w.string(name) }
            w.endArray()
            w.endObject()
            w.print()
        } else {
            printOut("\(database.path): schema up to date (\(applied.count) migrations, the latest \(applied.last ?? "none"))")
        }
    }
}
