import Foundation

/// A `postgres://` or `postgresql://` store location, read with libpq's conventions where
/// they apply: user, password, host, port and database in the URL; `PGPASSWORD`, `PGUSER`
/// and the login name as fallbacks; `sslmode` (disable, allow, prefer, require, verify-ca,
/// verify-full) and `sslrootcert` in the query; a host that starts with "/" (or `host=` in
/// the query) is the directory of a Unix socket.
package struct PostgresLocation: Sendable, Equatable {
    package enum TLSMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var user: String
    package var password: String?
    package var database: String
    package var tls: TLSMode
    package var rootCertificate: String?
    /// Seconds to wait for the server when connecting (`connect_timeout`, default 10).
    package var connectTimeout: Int = 10
    /// What `pg_stat_activity` shows for the session (`application_name`).
    package var applicationName: String = "switchboard"

    /// Whether `text` names a PostgreSQL store rather than a SQLite file.
    package static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    package var socketDirectory: String? { host.hasPrefix("/") ? host : nil }

    /// The location as messages show it: never the password.
    package var redacted: String {
        let place = socketDirectory.map { "\(Self.escape($0))" } ?? (host.contains(":") ? "[\(host)]" : host)
        return "postgres://\(Self.escape(user))@\(place):\(port)/\(Self.escape(database))"
    }

    package init(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        func bad(_ why: String) -> SwitchboardError {
            .invalidValue("database URL: \(why) (expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE])")
        }
        guard Self.isURL(text), !Self.hasControl(text) else {
            throw bad("not a postgres:// URL on one line")
        }
        guard let components = URLComponents(string: text) else { throw bad("not a valid URL") }
        // A part of the URL decoded: one that is not UTF-8 once decoded is refused rather
        // than dropped, which would quietly connect as another user, to another database or
        // host, or without the password.
        func decoded(_ encoded: String?, _ what: String) throws -> String? {
            guard let encoded else { return nil }
            guard let text = encoded.removingPercentEncoding else { throw bad("the \(what) is not percent-encoded UTF-8") }
            return text
        }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard !Self.hasControl(item.name + (item.value ?? "")) else { throw bad("a query parameter contains a control character") }
            guard let value = item.value else { throw bad("query parameter '\(item.name)' has no value") }
            query[item.name] = value
        }
        let known: Set = ["sslmode", "sslrootcert", "host", "port", "user", "password", "dbname", "application_name", "connect_timeout"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw bad("unknown parameter '\(unknown)'")
        }
        host = try query["host"] ?? decoded(components.percentEncodedHost, "host") ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "/var/run/postgresql" }
        if let text = query["port"] {
            guard let number = Int(text), (1...65535).contains(number) else { throw bad("port '\(text)' is not 1-65535") }
            port = number
        } else if let number = components.port {
            port = number
        } else if let range = components.rangeOfPort, let whole = components.string {
            // Digits too many for an Int: URLComponents has no port then, which is not 5432.
            throw bad("port '\(whole[range])' is not 1-65535")
        } else {
            port = 5432
        }
        guard (1...65535).contains(port) else { throw bad("port \(port) is not 1-65535") }
        let urlUser = try decoded(components.percentEncodedUser, "user name")
        user = query["user"] ?? urlUser.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? Self.loginName()
        // Never named in a message: a password may hold control characters, but not NUL,
        // which cannot travel in PostgreSQL's startup message.
        let urlPassword = try decoded(components.percentEncodedPassword, "password")
        password = query["password"] ?? urlPassword ?? environment["PGPASSWORD"]
        guard password?.unicodeScalars.contains("\0") != true else { throw bad("the password contains NUL") }
        let path = try decoded(components.percentEncodedPath, "database name") ?? ""
        let name = query["dbname"] ?? String(path.drop(while: { $0 == "/" }))
        database = name.isEmpty ? (environment["PGDATABASE"] ?? user) : name
        // Messages name these: a control character (percent-encoded, or from the
        // environment) would break their one line.
        for (what, value) in [("host", host), ("user name", user), ("database name", database)] where Self.hasControl(value) {
            throw bad("the \(what) contains a control character")
        }
        // Not echoed: an unencoded '/' in a password moves the rest of the URL here.
        guard !database.contains("/") else { throw bad("the database name contains '/' (a '/' in the password must be written %2F)") }
        let mode = query["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            if Self.hasControl(mode) { throw bad("the sslmode contains a control character") }
            throw bad("sslmode '\(mode)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.tls = tls
        rootCertificate = query["sslrootcert"] ?? environment["PGSSLROOTCERT"]
        if let root = rootCertificate, Self.hasControl(root) { throw bad("the sslrootcert contains a control character") }
        if let text = query["connect_timeout"] ?? environment["PGCONNECT_TIMEOUT"] {
            // As libpq: 0 waits for ever, which a store call must not; a small value is 2 s.
            guard let seconds = Int(text), (0...3600).contains(seconds) else { throw bad("connect_timeout '\(Self.hasControl(text) ? "?" : text)' is not 0-3600 seconds") }
            connectTimeout = seconds == 0 ? 3600 : max(seconds, 2)
        }
        if let name = query["application_name"] ?? environment["PGAPPNAME"] {
            guard !Self.hasControl(name), name.utf8.count <= 63 else { throw bad("application_name must be one line of at most 63 bytes") }
            applicationName = name
        }
    }

    private static func hasControl(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f }
    }

    private static func loginName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "postgres"
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "@:/?#"))) ?? text
    }
}
