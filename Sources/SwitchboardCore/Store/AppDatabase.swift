import Foundation

/// The one store of Switchboard, on the engine its location names: a SQLite file (the
/// default, SPEC §9) or a `postgres://` URL (several hosts, issue 10).
///
/// Roles as GRDB's documentation names them: this is its `AppDatabase` (opening, the
/// migrations, the connection configuration); `Store` holds the intent-named reads and
/// writes that GRDB's sample puts on `AppDatabase` itself, split out because they also
/// carry the actor (role, user, source) and the secret box every operation needs.
package struct AppDatabase: Sendable {
    package let engine: any StoreEngine

    /// The SQLite file path, or the PostgreSQL URL without its password.
    package var path: String { engine.location }

    package init(engine: any StoreEngine) { self.engine = engine }

    /// Opens (creating when missing) and migrates the store at `location`: a `postgres://`
    /// or `postgresql://` URL, or else a SQLite file path. `readOnly` serves listing
    /// commands (see `SQLiteEngine.open`).
    package static func open(path location: String, readOnly: Bool = false) throws -> AppDatabase {
        if PostgresLocation.isURL(location) {
            return AppDatabase(engine: try PostgresEngine.open(url: location))
        }
        return AppDatabase(engine: try SQLiteEngine.open(path: location, readOnly: readOnly))
    }

    /// Whether a store is there to open without creating one: a SQLite file that exists.
    /// A PostgreSQL database is made by whoever runs the server; the schema in it is
    /// migrated by the first command that opens it, whichever that is.
    package static func exists(_ location: String) -> Bool {
        PostgresLocation.isURL(location) || FileManager.default.fileExists(atPath: location)
    }

    package static func missing(_ path: String) -> SwitchboardError {
        .notFound("no database at \(path) yet, so nothing is stored: import definitions first (switchboard import FILE), or choose another with --db or $SWITCHBOARD_DB")
    }

    /// Runs a read; engine failures arrive as sentences.
    func read<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try engine.read(body)
    }

    /// Runs a write transaction; engine failures arrive as sentences.
    func write<T>(_ body: (any SQLConnection) throws -> T) throws -> T {
        try engine.write(body)
    }
}
