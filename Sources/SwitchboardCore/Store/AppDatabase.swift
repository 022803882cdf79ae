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
        if let error = unknownScheme(location) { throw error }
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

    /// A location that looks like a URL of another scheme (`postgress://…`, `mysql://…`) is
    /// refused rather than taken for a file name: it would create a store in the working
    /// directory, and a message naming it would show the password it may carry. Only the
    /// scheme is named.
    package static func unknownScheme(_ location: String) -> SwitchboardError? {
        guard !PostgresLocation.isURL(location), let colon = location.range(of: "://") else { return nil }
        let scheme = location[..<colon.lowerBound]
        guard scheme.count <= 32, let first = scheme.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
              scheme.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains(Character($0)) || "+.-".unicodeScalars.contains($0)) })
        else { return nil }
        return .invalidValue("the store location starts with '\(scheme)://', which is not a store: give a SQLite file path or a postgres:// URL")
    }

    /// Opens a store that must already be there and be current, changing nothing: the
    /// source of `db copy` (a store from an older version is not migrated behind the
    /// person's back; a location that holds no store is not given one).
    package static func openExisting(path location: String) throws -> AppDatabase {
        if let error = unknownScheme(location) { throw error }
        if PostgresLocation.isURL(location) {
            return AppDatabase(engine: try PostgresEngine.open(url: location, migrate: false))
        }
        guard FileManager.default.fileExists(atPath: location) else { throw missing(location) }
        return AppDatabase(engine: try SQLiteEngine.openExisting(path: location))
    }

    /// Whether `location` is a SQLite file that exists and is not a Switchboard store (a
    /// copy must not add the store's tables to another program's file).
    package static func isForeignFile(_ location: String) -> Bool {
        !PostgresLocation.isURL(location) && FileManager.default.fileExists(atPath: location) && !SQLiteEngine.isStore(path: location)
    }

    /// What a command says when the store it needs is not at the current version.
    static func outdated(_ location: String) -> SwitchboardError {
        .invalidValue("the store at \(location) was written by an older Switchboard: bring it up to date first (switchboard db migrate --db LOCATION)")
    }

    package static func missing(_ path: String) -> SwitchboardError {
        if let error = unknownScheme(path) { return error }
        return .notFound("no database at \(path) yet, so nothing is stored: import definitions first (switchboard import FILE), or choose another with --db or $SWITCHBOARD_DB")
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
