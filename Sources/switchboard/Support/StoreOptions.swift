import Foundation
import Synchronization
import SwitchboardCore

/// `--db`, `--role` and `--customer` as plain values, and the store they open. A struct of
/// its own (not only `GlobalOptions`'s property wrappers) so the quick path for hot
/// commands (`QuickCommands`) opens the store exactly as the parsed commands do.
struct StoreOptions: Sendable {
    var db: String?
    var role: RoleName = .team
    var customer: String?

    func resolvedRole() throws -> Role {
        switch role {
        case .team:
            // In team role --customer only names a deploy target.
            return .team
        case .customer:
            guard let customer, !customer.isEmpty else { throw SwitchboardError.usage("--role customer needs --customer NAME") }
            return .customer(customer)
        }
    }

    func databaseExists() -> Bool {
        AppDatabase.exists(Paths.database(option: db))
    }

    /// `readOnly` for commands that only list or show: they open without taking a write lock.
    /// Only commands that start a store (`import`, the wizard, the refresher and the
    /// callback server) create a missing database; any other says so (exit 4) and creates nothing.
    func store(source: String, readOnly: Bool = false, createIfMissing: Bool = false) throws -> Store {
        let role = try resolvedRole()
        let path = Paths.database(option: db)
        if !createIfMissing && !AppDatabase.exists(path) { throw AppDatabase.missing(path) }
        let database = try AppDatabase.open(path: path, readOnly: readOnly)
        return Store(database: database, actor: Actor(user: Actor.osUser(), role: role, source: source)) {
            try Self.masterKey()
        }
    }

    /// The master key, loaded on first use and then kept for the process: a load reads the
    /// whole environment (Foundation makes a dictionary of it) and maybe the key file, and
    /// the store asks for the key in every transaction that opens or seals a secret, a
    /// refresh pass once per batch of leases (callgrind: 500,000 instructions a load, 3% of
    /// a refresh). The key cannot change under a running process without every sealed
    /// value failing its check; a load that fails is not kept, so the next use tries again.
    private static func masterKey() throws -> SecretBox {
        try loadedKey.withLock { loaded in
            if let loaded { return loaded }
            let box = try MasterKey.load()
            loaded = box
            return box
        }
    }
    private static let loadedKey = Mutex<SecretBox?>(nil)
}
