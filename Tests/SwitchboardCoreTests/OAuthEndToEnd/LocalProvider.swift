import Foundation
import SwitchboardTestSupport
import SwitchboardCore
import Testing

/// Where the end-to-end tests find the repository, the built binary and the provider's
/// Python.
enum EndToEnd {
    static var root: String { Checkout.root }
    static var binary: String { Checkout.binary }
    static var python: String { Checkout.python }
    static var providerScript: String { Checkout.providerScript }
    static var browserScript: String { Checkout.browserScript }

    static func temporaryDirectory(_ prefix: String) throws -> String {
        var template = Array((FileManager.default.temporaryDirectory.path + "/\(prefix).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw EndToEndError("cannot create a temporary directory") }
        return String(cString: made)
    }

    /// Runs a command to its end (output collected), with a deadline.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                    stdin: String? = nil, timeout: Duration = .seconds(120)) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try ChildProcess(executable, arguments, environment: environment)
        if let stdin { child.write(stdin) }
        child.closeStdin()
        let status = try await child.exitStatus(timeout: timeout)
        return (status, child.stdout, child.stderr)
    }

    /// A port nothing listens on right now.
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw EndToEndError("cannot find a free port") }
        return UInt16(bigEndian: address.sin_port)
    }
}

struct EndToEndError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The project's django-oauth-toolkit test provider (scripts/oauth-provider.sh), in a
/// private state directory. Starting it fails loudly with the script's reason.
final class LocalProvider: Sendable {
    let stateDir: String
    let baseURL: String
    var port: UInt16 { UInt16(baseURL.split(separator: ":").last ?? "") ?? 0 }
    var database: String { stateDir + "/provider.sqlite3" }

    private init(stateDir: String, baseURL: String) {
        self.stateDir = stateDir
        self.baseURL = baseURL
    }

    static let environment: [String: String] = {
        var environment = ProcessInfo.processInfo.environment
        environment["SB_PROVIDER_DEVICE_INTERVAL"] = "1"
        environment["SB_PROVIDER_ACCESS_LOG"] = "0"
        return environment
    }()

    /// `settings`: more SB_PROVIDER_* variables (e.g. SB_PROVIDER_ISS=1).
    static func start(port: UInt16 = 0, stateDir: String? = nil, settings: [String: String] = [:]) async throws -> LocalProvider {
        let dir = try stateDir ?? EndToEnd.temporaryDirectory("sb-oauth-provider")
        let result = try await EndToEnd.run("/bin/bash", [EndToEnd.providerScript, "start", "--port", "\(port)", "--state-dir", dir],
                                            environment: environment.merging(settings) { _, new in new }, timeout: .seconds(300))
        let url = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard result.status == 0, url.hasPrefix("http://127.0.0.1:") else {
            throw EndToEndError("the local OAuth provider did not start (scripts/oauth-provider.sh start exited \(result.status)): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return LocalProvider(stateDir: dir, baseURL: url)
    }

    /// Stops the server; `start(port:stateDir:)` with the same values brings it back with
    /// its tokens.
    func stop() async throws {
        let result = try await EndToEnd.run("/bin/bash", [EndToEnd.providerScript, "stop", "--state-dir", stateDir], environment: Self.environment)
        guard result.status == 0 else { throw EndToEndError("stopping the provider failed: \(result.stderr)") }
    }

    func restart() async throws -> LocalProvider {
        try await Self.start(port: port, stateDir: stateDir)
    }

    /// Answers a query on the provider's own database (its view of tokens).
    func query(_ sql: String) async throws -> [String] {
        let result = try await EndToEnd.run("/usr/bin/sqlite3", ["-readonly", database, sql])
        guard result.status == 0 else { throw EndToEndError("sqlite3 on the provider db failed: \(result.stderr)") }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// The refresh token the provider issued together with `accessToken`.
    func refreshToken(issuedWith accessToken: String) async throws -> String? {
        try await query("""
            SELECT r.token FROM oauth2_provider_refreshtoken r JOIN oauth2_provider_accesstoken a ON a.id = r.access_token_id
            WHERE a.token = '\(accessToken.replacingOccurrences(of: "'", with: "''"))'
            """).first
    }

    /// GET /api/me with a bearer token: 200 for a valid token, 401 otherwise.
    func me(_ accessToken: String) async throws -> Int {
        try await CurlTransport().send(HTTPRequest(url: baseURL + "/api/me", headers: ["Authorization": "Bearer \(accessToken)"])).status
    }

    /// A refresh_token grant sent directly (as an attacker replaying an old token would).
    func refresh(_ refreshToken: String, clientId: String = "sb-confidential", secret: String = "sb-confidential-secret") async throws -> HTTPResponse {
        try await CurlTransport().send(.form(
            url: baseURL + "/o/token/", fields: [("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
            headers: ["Authorization": FormEncoding.basicAuthorization(clientId: clientId, clientSecret: secret)]))
    }

    /// RFC 7009 revocation of one token, as the provider's admin would.
    func revoke(_ token: String, clientId: String = "sb-confidential", secret: String = "sb-confidential-secret") async throws -> Int {
        try await CurlTransport().send(.form(
            url: baseURL + "/o/revoke_token/", fields: [("token", token)],
            headers: ["Authorization": FormEncoding.basicAuthorization(clientId: clientId, clientSecret: secret)])).status
    }
}

/// Starts one provider around a whole suite and stops it at the end. The suite fails with
/// the reason when the provider cannot start: nothing is skipped silently.
struct LocalProviderTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    @TaskLocal static var current: LocalProvider?

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let provider = try await LocalProvider.start()
        do {
            try await Self.$current.withValue(provider) { try await function() }
        } catch {
            try? await provider.stop()
            throw error
        }
        try await provider.stop()
        try? FileManager.default.removeItem(atPath: provider.stateDir)
    }

    static func provider(sourceLocation: SourceLocation = #_sourceLocation) throws -> LocalProvider {
        try #require(current, "the suite has no .localProvider trait", sourceLocation: sourceLocation)
    }
}

extension Trait where Self == LocalProviderTrait {
    static var localProvider: Self { Self() }
}
