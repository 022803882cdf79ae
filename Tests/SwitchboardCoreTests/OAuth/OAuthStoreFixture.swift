import Crypto
import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore
import Testing

/// A temporary database with examples/local-oauth.yaml imported and deployed once, its
/// connections pointed at a fake provider (`https://provider.test`).
struct OAuthStoreFixture {
    let store: Store
    /// The store's secret box (another process's store on the same database opens with it).
    let box: SecretBox
    let instance = "acme/local-oauth-demo"
    let base = "https://provider.test"
    var tokenURL: String { base + "/o/token/" }
    var revokeURL: String { base + "/o/revoke_token/" }

    /// `clock` records every time the store writes; `definitions` may edit the example's
    /// YAML before it is imported (to give a type an option the example lacks).
    init(clock: StoreClock = .system, definitions: (String) -> String = { $0 }) throws {
        let key = SymmetricKey(size: .bits256)
        let box = SecretBox(key: key, keySource: "test key")
        self.box = box
        store = Store(database: try AppDatabase.temporary(), actor: Actor(user: "tester", role: .team, source: "test"), clock: clock) { box }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("examples/local-oauth.yaml").path
        _ = try store.importDefinitions([(path: path, text: definitions(try String(contentsOfFile: path, encoding: .utf8)))])
        _ = try store.deploy(integration: "local-oauth-demo", customer: "acme")
        let variables = ["confidential", "confidentialBody", "public", "device", "service"]
        try store.configure(instance: instance, changes: variables.map { FieldChange(variable: $0, field: "baseUrl", value: base) })
    }

    func connection(_ variable: String = "confidential") throws -> OAuthConnection {
        try store.oauthConnection(instance: instance, variable: variable)
    }

    func status(_ variable: String = "confidential") throws -> ConnectionStatus {
        try store.connectionDetail(instance: instance, variable: variable).status
    }

    func logs(_ variable: String = "confidential") throws -> [String] {
        try store.logs(instance: instance, variable: variable, limit: 100).map(\.message)
    }

    /// Everything the store holds, as text (for "no plain secrets"): the SQLite file and
    /// its WAL, or `pg_dump --data-only`.
    func rawDatabase() throws -> String {
        try TestDatabase.rawContents(of: store.database.path)
    }

    /// Stores tokens as a CONNECT would.
    @discardableResult
    func connect(_ variable: String = "confidential", access: String = "AT-1", refresh: String? = "RT-1", expiresIn: Int = 3600,
                 metadata: [String: String] = [:]) throws -> StoredToken {
        try store.storeTokens(connection(variable), TokenResponse(accessToken: access, refreshToken: refresh, scope: "read write", expiresIn: expiresIn),
                              source: .authorizationCode, callbackMetadata: metadata)
    }

    /// Makes the stored token expire `seconds` from now (as if time had passed).
    func expire(_ variable: String = "confidential", in seconds: TimeInterval) throws {
        let id = try connection(variable).connectionId
        _ = try store.database.write { db in
            try db.execute("UPDATE \"token\" SET \"expiresAt\" = ? WHERE \"connectionId\" = ?",
                           [Timestamp.string(from: Date().addingTimeInterval(seconds)), id])
        }
    }

    /// One column of the connection's token row (nil when there is no row or it is NULL).
    func tokenColumn(_ column: String, _ variable: String = "confidential") throws -> String? {
        let id = try connection(variable).connectionId
        return try store.database.read { db in
            try db.value(String.self, "SELECT CAST(\"\(column)\" AS TEXT) FROM \"token\" WHERE \"connectionId\" = ?", [id])
        }
    }
}
