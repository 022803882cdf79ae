import ArgumentParser
import Foundation
import SwitchboardCore

enum RoleName: String, ExpressibleByArgument, CaseIterable {
    case team, customer
}

/// Options every command accepts (SPEC §9, §10).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Database file (default: $SWITCHBOARD_DB, else $XDG_DATA_HOME/switchboard/switchboard.sqlite).")
    var db: String?

    @Option(name: .long, help: "Act as a team member (default) or as a customer.")
    var role: RoleName = .team

    @Option(name: .long, help: "The customer: who you act as with --role customer; the deploy target for deploy.")
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
        FileManager.default.fileExists(atPath: Paths.database(option: db))
    }

    /// `readOnly` for commands that only list or show: they open without taking a write lock.
    /// Only commands that start a store (`import`, the wizard, the refresher and the
    /// callback server) create a missing database; any other says so (exit 4) and creates nothing.
    func store(source: String, readOnly: Bool = false, createIfMissing: Bool = false) throws -> Store {
        let role = try resolvedRole()
        let path = Paths.database(option: db)
        if !createIfMissing && !databaseExists() { throw AppDatabase.missing(path) }
        let database = try AppDatabase.open(path: path, readOnly: readOnly)
        return Store(database: database, actor: Actor(user: Actor.osUser(), role: role, source: source)) {
            try MasterKey.load()
        }
    }
}

/// One line on stdout. Every text a command prints goes through here or `printError`:
/// control characters in it (a customer's value, a provider's words, a definition's
/// label) are shown escaped, never sent to the terminal raw (SPEC §12).
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((TerminalText.escaped(text) + "\n").utf8))
}
