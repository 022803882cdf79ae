import Foundation
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
            try MasterKey.load()
        }
    }
}
