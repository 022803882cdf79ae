import Foundation
import Testing
@testable import SwitchboardCore

/// `PostgresLocation`: the store's `postgres://` URLs read as libpq reads them, and bad
/// ones refused with one line that names what is wrong (never the password).
@Suite("Engine: PostgreSQL location")
struct PostgresLocationTests {
    /// No fallbacks from the test process's own environment unless a test gives them.
    static let none: [String: String] = [:]

    static func location(_ text: String, _ environment: [String: String] = none) throws -> PostgresLocation {
        try PostgresLocation(text, environment: environment)
    }

    /// The message of the error `text` is refused with, checked to be one line of the
    /// usual shape; nil (and an issue) when it is accepted.
    static func refusal(_ text: String, _ environment: [String: String] = none,
                        sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        do {
            let location = try PostgresLocation(text, environment: environment)
            Issue.record("\(text.debugDescription) was accepted as \(location.redacted)", sourceLocation: sourceLocation)
            return nil
        } catch let error as SwitchboardError {
            guard case .invalidValue(let message) = error else {
                Issue.record("expected invalidValue for \(text.debugDescription), got \(error)", sourceLocation: sourceLocation)
                return nil
            }
            #expect(!message.contains(where: \.isNewline) && !message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7f },
                    "one line: \(message.debugDescription)", sourceLocation: sourceLocation)
            #expect(message.hasPrefix("database URL: "), "\(message)", sourceLocation: sourceLocation)
            #expect(message.hasSuffix("(expected postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE])"),
                    "\(message)", sourceLocation: sourceLocation)
            return message
        } catch {
            Issue.record("expected a SwitchboardError for \(text.debugDescription), got \(error)", sourceLocation: sourceLocation)
            return nil
        }
    }

    // MARK: Forms

    @Test("given a full postgres:// URL, then user, password, host, port, database and sslmode are read from it")
    func fullURL() throws {
        let location = try Self.location("postgres://alice:s3cret@db.example.com:6543/switchboard?sslmode=require")
        #expect(location.user == "alice")
        #expect(location.password == "s3cret")
        #expect(location.host == "db.example.com")
        #expect(location.port == 6543)
        #expect(location.database == "switchboard")
        #expect(location.tls == .require)
        #expect(location.socketDirectory == nil)
        #expect(location.rootCertificate == nil)
        #expect(location.redacted == "postgres://alice@db.example.com:6543/switchboard")
    }

    @Test("given postgresql:// or an upper-case scheme, then it reads the same as postgres://",
          arguments: ["postgresql://alice:s3cret@db.example.com:6543/switchboard?sslmode=require",
                      "POSTGRES://alice:s3cret@db.example.com:6543/switchboard?sslmode=require",
                      "PostgreSQL://alice:s3cret@db.example.com:6543/switchboard?sslmode=require"])
    func otherSchemes(text: String) throws {
        #expect(PostgresLocation.isURL(text))
        #expect(try Self.location(text) == Self.location("postgres://alice:s3cret@db.example.com:6543/switchboard?sslmode=require"))
    }

    @Test("given text that is not a postgres URL, then isURL says so (it is a SQLite path)",
          arguments: ["/var/lib/switchboard.sqlite", "switchboard.sqlite", "postgres.sqlite", "postgres:/x", "mysql://h/db",
                      "file:///tmp/x", "", " postgres://h/db"])
    func notURL(text: String) {
        #expect(!PostgresLocation.isURL(text))
    }

    @Test("given a URL without port, then the port is 5432; without sslmode, sslmode is prefer")
    func defaults() throws {
        let location = try Self.location("postgres://bob@db.example.com/store")
        #expect(location.port == 5432)
        #expect(location.tls == .prefer)
        #expect(location.password == nil)
        #expect(location.redacted == "postgres://bob@db.example.com:5432/store")
    }

    @Test("given percent-encoded user, password and database, then they are decoded, and redacted encodes them again")
    func percentEncoding() throws {
        let location = try Self.location("postgres://al%40ice:p%40ss%3Aw%2Ford%25@h.example/my%20db%3F")
        #expect(location.user == "al@ice")
        #expect(location.password == "p@ss:w/ord%")
        #expect(location.database == "my db?")
        #expect(location.redacted == "postgres://al%40ice@h.example:5432/my%20db%3F")
        #expect(try Self.location(location.redacted).database == "my db?", "redacted reads back as the same place")
        #expect(try Self.location(location.redacted).user == "al@ice")
    }

    @Test("given a non-ASCII database name, then it is decoded as UTF-8")
    func unicode() throws {
        #expect(try Self.location("postgres://u@h/caf%C3%A9").database == "café")
    }

    @Test("given an IPv6 host in brackets, then the host is the address and redacted brackets it again")
    func ipv6() throws {
        let location = try Self.location("postgres://u@[::1]:5433/db")
        #expect(location.host == "::1")
        #expect(location.port == 5433)
        #expect(location.socketDirectory == nil)
        #expect(location.redacted == "postgres://u@[::1]:5433/db")
        #expect(try Self.location("postgres://u@[2001:db8::7]/db").host == "2001:db8::7")
    }

    @Test("given a socket directory (host= in the query, a percent-encoded path as host, or no host), then it connects through the socket")
    func socket() throws {
        let query = try Self.location("postgres://u@/db?host=/run/pg")
        #expect(query.socketDirectory == "/run/pg")
        #expect(query.host == "/run/pg")
        #expect(query.redacted == "postgres://u@%2Frun%2Fpg:5432/db")
        let encoded = try Self.location("postgres://u@%2Ftmp%2Fsb%20pg:5444/db")
        #expect(encoded.socketDirectory == "/tmp/sb pg")
        #expect(encoded.port == 5444)
        #expect(try Self.location(encoded.redacted) == Self.location("postgres://u@%2Ftmp%2Fsb%20pg:5444/db"))
        let none = try Self.location("postgres://u@/db")
        #expect(none.socketDirectory == "/var/run/postgresql", "libpq's default socket directory")
        #expect(try Self.location("postgres://u@h.example/db?host=/sock").socketDirectory == "/sock", "host= wins over the URL's host")
    }

    @Test("given the query's user, password, dbname and port, then they win over the URL's")
    func queryOverrides() throws {
        let location = try Self.location("postgres://a:x@h:1111/one?user=b&password=y&dbname=two&port=2222")
        #expect(location.user == "b")
        #expect(location.password == "y")
        #expect(location.database == "two")
        #expect(location.port == 2222)
        #expect(try Self.location("postgres://h/db?sslrootcert=/etc/ca.pem&application_name=sb&connect_timeout=5").rootCertificate == "/etc/ca.pem")
    }

    @Test("given no password, user, database or sslmode in the URL, then PGPASSWORD, PGUSER, PGDATABASE and PGSSLMODE fill them")
    func environmentFallbacks() throws {
        let environment = ["PGPASSWORD": "from-env", "PGUSER": "envuser", "PGDATABASE": "envdb", "PGSSLMODE": "verify-full",
                           "PGSSLROOTCERT": "/etc/env-ca.pem"]
        let location = try Self.location("postgres://h.example", environment)
        #expect(location.password == "from-env")
        #expect(location.user == "envuser")
        #expect(location.database == "envdb")
        #expect(location.tls == .verifyFull)
        #expect(location.rootCertificate == "/etc/env-ca.pem")
        #expect(!location.redacted.contains("from-env"))
        // The URL wins over every one of them.
        let explicit = try Self.location("postgres://u:p@h.example/db?sslmode=disable&sslrootcert=/ca.pem", environment)
        #expect(explicit.password == "p")
        #expect(explicit.user == "u")
        #expect(explicit.database == "db")
        #expect(explicit.tls == .disable)
        #expect(explicit.rootCertificate == "/ca.pem")
    }

    @Test("given neither URL nor PGDATABASE name a database, then it is the user's name (libpq's rule)")
    func databaseDefaultsToUser() throws {
        #expect(try Self.location("postgres://carol@h.example").database == "carol")
        #expect(try Self.location("postgres://carol@h.example/").database == "carol")
        #expect(try Self.location("postgres://h.example", ["PGUSER": "dave"]).database == "dave")
    }

    @Test("given no user anywhere, then it is the login name of this process")
    func loginName() throws {
        let location = try Self.location("postgres://h.example/db")
        #expect(!location.user.isEmpty)
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            #expect(location.user == String(cString: name))
        }
    }

    @Test("given each sslmode, then it is read as that mode", arguments: PostgresLocation.TLSMode.allCases)
    func everySSLMode(mode: PostgresLocation.TLSMode) throws {
        #expect(try Self.location("postgres://u@h/db?sslmode=\(mode.rawValue)").tls == mode)
        #expect(try Self.location("postgres://u@h/db", ["PGSSLMODE": mode.rawValue]).tls == mode)
    }

    @Test("the sslmodes are libpq's six")
    func sslModeNames() {
        #expect(PostgresLocation.TLSMode.allCases.map(\.rawValue) == ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"])
    }

    // MARK: Bad input

    @Test("given an unknown query parameter, then it is refused by name")
    func unknownParameter() {
        #expect(Self.refusal("postgres://u@h/db?sslmod=require")?.contains("unknown parameter 'sslmod'") == true)
        #expect(Self.refusal("postgres://u@h/db?sslmode=disable&target_session_attrs=any")?
            .contains("unknown parameter 'target_session_attrs'") == true)
    }

    @Test("given a query parameter without a value, then it is refused by name")
    func parameterWithoutValue() {
        #expect(Self.refusal("postgres://u@h/db?sslmode")?.contains("query parameter 'sslmode' has no value") == true)
    }

    @Test("given a bad port in the URL, then it is refused", arguments: ["0", "70000", "65536", "abc", "-1", "99999999999999999999"])
    func badPortInURL(port: String) {
        let message = Self.refusal("postgres://u@h:\(port)/db")
        #expect(message != nil)
        if let message, let number = Int(port), number >= 0 {
            #expect(message.contains("port \(port) is not 1-65535"), "\(message)")
        } else if let message, port.allSatisfy(\.isNumber) {
            #expect(message.contains("port '\(port)' is not 1-65535"), "\(message)")
        }
    }

    @Test("given a bad port in the query, then it is refused by value", arguments: ["0", "70000", "abc", "", "-5"])
    func badPortInQuery(port: String) {
        #expect(Self.refusal("postgres://u@h/db?port=\(port)")?.contains("port '\(port)' is not 1-65535") == true)
    }

    @Test("given the edges of the port range, then they are accepted")
    func portEdges() throws {
        #expect(try Self.location("postgres://u@h:1/db").port == 1)
        #expect(try Self.location("postgres://u@h:65535/db").port == 65535)
        #expect(try Self.location("postgres://u@h/db?port=65535").port == 65535)
    }

    @Test("given control characters, raw or percent-encoded, then they are refused on one line",
          arguments: ["postgres://u@h/db\n", "postgres://u@h/d\tb", "postgres://u@h/db\r", "postgres://u@h/d\u{7f}b", "postgres://u@h/db\u{0}",
                      "postgres://u%0A@h/db", "postgres://u@h/d%0Ab", "postgres://u@h/db%00", "postgres://u@h/db?sslmode=%0Arequire",
                      "postgres://u@h/db?%0A=1", "postgres://u@h/db?host=/tmp%0A", "postgres://u@%2Ftmp%0A/db",
                      "postgres://u@h/db?user=a%0Db", "postgres://u@h/db?dbname=a%1Bb", "postgres://u:p%00w@h/db"])
    func controlCharacters(text: String) {
        #expect(Self.refusal(text) != nil)
    }

    @Test("given control characters in the environment's fallbacks, then they are refused on one line",
          arguments: [["PGUSER": "a\nb"], ["PGDATABASE": "a\nb"], ["PGSSLMODE": "require\n"], ["PGPASSWORD": "a\u{0}b"]])
    func controlCharactersFromEnvironment(environment: [String: String]) {
        #expect(Self.refusal("postgres://h.example", environment) != nil)
    }

    @Test("given a password with a percent-encoded control character other than NUL, then it is kept (never shown)")
    func passwordWithTab() throws {
        #expect(try Self.location("postgres://u:a%09b@h/db").password == "a\tb")
    }

    @Test("given parts that are not UTF-8 once decoded, then they are refused, not dropped for a fallback",
          arguments: ["postgres://u:%C3%28@h/db", "postgres://%C3%28@h/db", "postgres://u@h/%C3%28", "postgres://u@%C3%28/db"])
    func invalidPercentEncoding(text: String) {
        let environment = ["PGPASSWORD": "fallback", "PGUSER": "fallback", "PGDATABASE": "fallback"]
        #expect(Self.refusal(text, environment)?.contains("is not percent-encoded UTF-8") == true)
    }

    @Test("given an unknown sslmode, then the message lists the six", arguments: ["bogus", "REQUIRE", "", "verify_full"])
    func badSSLMode(mode: String) {
        #expect(Self.refusal("postgres://u@h/db?sslmode=\(mode)")?
            .contains("sslmode '\(mode)' is not one of disable, allow, prefer, require, verify-ca, verify-full") == true)
        #expect(Self.refusal("postgres://u@h/db", ["PGSSLMODE": mode]) != nil, "PGSSLMODE is checked the same")
    }

    @Test("given a database name with '/', then it is refused without echoing it (an unencoded '/' in a password lands there)",
          arguments: [("postgres://u@h/a/b", "a/b"), ("postgres://u@h/a%2Fb", "a/b"), ("postgres://u@h/db?dbname=x/y", "x/y"),
                      ("postgres://app:2024/Summer@db/sb", "Summer@db/sb")])
    func slashInDatabase(text: String, name: String) {
        let refusal = Self.refusal(text)
        #expect(refusal?.contains("the database name contains '/' (a '/' in the password must be written %2F)") == true, "\(refusal ?? "nil")")
        #expect(refusal?.contains(name) == false)
    }

    @Test("given text that is not a postgres URL, then it is refused",
          arguments: ["", "not a url", "/var/lib/switchboard.sqlite", "mysql://u@h/db", "postgres:/h/db", "http://h/db"])
    func notAURL(text: String) {
        #expect(Self.refusal(text)?.contains("not a postgres:// URL on one line") == true)
    }

    @Test("given a postgres:// URL that does not parse, then it is refused as not a valid URL",
          arguments: ["postgres://u@exa mple/db", "postgres://u@h:-1/db", "postgres://u@[::1/db", "postgres://u@h:abc/db"])
    func unparsable(text: String) {
        #expect(Self.refusal(text) != nil)
    }

    // MARK: The password

    static let secret = "Sup3r-S3cret"

    @Test("given a password anywhere, then redacted never holds it",
          arguments: ["postgres://u:\(secret)@h/db", "postgres://u:\(secret)@h/db?sslmode=require", "postgres://u@h/db?password=\(secret)",
                      "postgres://u:\(secret)@[::1]:5433/db", "postgres://u:\(secret)@/db?host=/run/pg",
                      "postgresql://u:x\(secret)x@h/db"])
    func redactedHasNoPassword(text: String) throws {
        let location = try Self.location(text)
        #expect(location.password?.contains(Self.secret) == true)
        #expect(!location.redacted.contains(location.password ?? Self.secret), "\(location.redacted)")
        #expect(!location.redacted.contains(":\(location.password ?? Self.secret)@"))
    }

    @Test("given a password from PGPASSWORD, then redacted never holds it")
    func redactedHasNoEnvironmentPassword() throws {
        let location = try Self.location("postgres://u@h/db", ["PGPASSWORD": Self.secret])
        #expect(location.password == Self.secret)
        #expect(!location.redacted.contains(Self.secret))
    }

    @Test("given a bad URL with a password in it, then the message never holds the password",
          arguments: ["postgres://u:\(secret)@h:0/db", "postgres://u:\(secret)@h/db?bogus=1", "postgres://u:\(secret)@h/db?sslmode=x",
                      "postgres://u:\(secret)@h/a/b", "postgres://u:\(secret)@h:abc/db", "postgres://u:\(secret)@h/db\n",
                      "postgres://u@h/db?password=\(secret)&port=0", "postgres://u:\(secret)%00@h/db"])
    func messageHasNoPassword(text: String) {
        if let message = Self.refusal(text) { #expect(!message.contains(Self.secret), "\(message)") }
    }
}
