import Foundation
import SwitchboardTestSupport
@testable import SwitchboardCore

/// A random master key as `SWITCHBOARD_MASTER_KEY` expects it: base64 of 32 bytes.
func randomMasterKey() -> String {
    var generator = SystemRandomNumberGenerator()
    return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }).base64EncodedString()
}

func secretBox(_ key: String = randomMasterKey()) throws -> SecretBox {
    try MasterKey.load(environment: [MasterKey.environmentVariable: key])
}

/// A store on a private temporary database with a fixed master key, acting as a team
/// member. The database directory is removed when the value is released.
final class TestStore: Sendable {
    let store: Store
    let box: SecretBox
    let directory: String

    init(user: String = "tester") throws {
        let database = try AppDatabase.temporary()
        let box = try secretBox()
        self.box = box
        self.directory = (database.path as NSString).deletingLastPathComponent
        self.store = Store(database: database, actor: Actor(user: user, role: .team, source: "test")) { box }
    }

    deinit {
        TestDatabase.release(store.database.path)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The same database seen by someone else (another role, user or key).
    func acting(as role: Role, user: String = "tester") -> Store {
        store.withActor(Actor(user: user, role: role, source: "test"))
    }

    func withKey(_ box: SecretBox) -> Store {
        let actor = store.actor
        return Store(database: store.database, actor: actor) { box }
    }

    @discardableResult
    func importYAML(_ files: (String, String)...) throws -> ImportResult {
        try store.importDefinitions(files.map { (path: $0.0, text: $0.1) })
    }

    /// Imports the test-api fixture and deploys test-sync for acme.
    func deployTestSync(customer: String = "acme") throws -> InstanceInfo {
        try importYAML(("test-api.yaml", Fixtures.testAPI))
        return try store.deploy(integration: "test-sync", customer: customer)
    }

    func status(_ instance: String, _ variable: String) throws -> ConnectionStatus? {
        try store.status(instance: instance).first?.connections.first { $0.variable == variable }?.status
    }

    func value(_ instance: String, _ variable: String, _ field: String) throws -> String? {
        try store.connectionDetail(instance: instance, variable: variable).fields.first { $0.key == field }?.effectiveValue
    }

    func set(_ instance: String, _ values: [String: String?], revision: Int? = nil) throws {
        let changes = values.sorted { $0.key < $1.key }.map { item in
            let parts = item.key.split(separator: ".", maxSplits: 1).map(String.init)
            return FieldChange(variable: parts[0], field: parts[1], value: item.value)
        }
        try store.configure(instance: instance, changes: changes, expectedRevision: revision)
    }

    /// Runs the execution bookkeeping of `switchboard run` without a child process.
    func record(_ instance: String, step: String, exitCode: Int32, stderr: String? = nil) throws {
        let context = try store.executionContext(instance: instance, step: step)
        try store.recordExecution(context, command: "test-step", exitCode: exitCode, lastErrorLine: stderr, startedAt: Timestamp.now(), durationMs: 1)
    }
}
