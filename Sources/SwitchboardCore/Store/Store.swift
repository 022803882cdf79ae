import Foundation

/// Intent-named operations over the database: the only way the CLI and the wizard read or
/// change stored facts. A value; pass it in (no singletons).
package struct Store: Sendable {
    package let database: AppDatabase
    package let actor: Actor
    /// Where recorded times come from: the system clock, or a fixed sequence in tests
    /// whose frames and logs must read the same on every run.
    package let clock: StoreClock
    private let loadSecrets: @Sendable () throws -> SecretBox

    /// `secrets` is called only when a secret must be sealed or opened, so read-only
    /// commands such as `status` and `logs` never touch the key.
    package init(database: AppDatabase, actor: Actor, clock: StoreClock = .system, secrets: @escaping @Sendable () throws -> SecretBox) {
        self.database = database
        self.actor = actor
        self.clock = clock.isSystem && database.engine.dialect == .postgres ? clock.serverCorrected(database.engine) : clock
        self.loadSecrets = secrets
    }

    package func withActor(_ actor: Actor) -> Store {
        Store(database: database, actor: actor, clock: clock, secrets: loadSecrets)
    }

    /// The time to record, as stored (ISO 8601, UTC).
    func now() -> String { Timestamp.string(from: clock.now()) }

    private static let keyCheckPlaintext = "switchboard key check v1"

    /// The secret box, verified against the check value the database was first sealed with,
    /// so a wrong key fails clearly instead of producing garbage.
    func secretBox(_ db: any SQLConnection, writing: Bool = false) throws -> SecretBox {
        let box = try loadSecrets()
        if let check = try db.value(Data.self, "SELECT \"value\" FROM \"meta\" WHERE \"key\" = 'keyCheck'") {
            guard (try? box.open(check)) == Self.keyCheckPlaintext else {
                throw SwitchboardError.wrongMasterKey(source: box.keySource)
            }
        } else if writing {
            try db.execute("INSERT INTO \"meta\" (\"key\", \"value\") VALUES ('keyCheck', ?) ON CONFLICT DO NOTHING", [box.seal(Self.keyCheckPlaintext)])
        }
        return box
    }

    /// Checks the master key against the database without changing anything.
    package func verifyMasterKey() throws {
        _ = try database.read { db in try secretBox(db) }
    }
}
