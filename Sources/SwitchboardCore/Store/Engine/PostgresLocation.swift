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
        guard Self.isURL(text), !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
            throw bad("not a postgres:// URL on one line")
        }
        guard let components = URLComponents(string: text) else { throw bad("not a valid URL") }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { throw bad("query parameter '\(item.name)' has no value") }
            query[item.name] = value
        }
        let known: Set = ["sslmode", "sslrootcert", "host", "port", "user", "password", "dbname", "application_name", "connect_timeout"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw bad("unknown parameter '\(unknown)'")
        }
        host = query["host"] ?? components.percentEncodedHost.flatMap { $0.removingPercentEncoding } ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "/var/run/postgresql" }
        if let text = query["port"] {
            guard let number = Int(text), (1...65535).contains(number) else { throw bad("port '\(text)' is not 1-65535") }
            port = number
        } else {
            port = components.port ?? 5432
        }
        guard (1...65535).contains(port) else { throw bad("port \(port) is not 1-65535") }
        let urlUser = components.percentEncodedUser?.removingPercentEncoding
        user = query["user"] ?? urlUser.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGUSER"] ?? Self.loginName()
        password = query["password"] ?? components.percentEncodedPassword?.removingPercentEncoding ?? environment["PGPASSWORD"]
        let path = components.percentEncodedPath.removingPercentEncoding ?? ""
        let name = query["dbname"] ?? String(path.drop(while: { $0 == "/" }))
        database = name.isEmpty ? (environment["PGDATABASE"] ?? user) : name
        guard !database.contains("/") else { throw bad("database name '\(database)' contains '/'") }
        let mode = query["sslmode"] ?? environment["PGSSLMODE"] ?? "prefer"
        guard let tls = TLSMode(rawValue: mode) else {
            throw bad("sslmode '\(mode)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.tls = tls
        rootCertificate = query["sslrootcert"] ?? environment["PGSSLROOTCERT"]
    }

    private static func loginName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "postgres"
    }

    private static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "@:/?#"))) ?? text
    }
}
