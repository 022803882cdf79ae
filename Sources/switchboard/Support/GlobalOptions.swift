import ArgumentParser
import Foundation
import SwitchboardCore

enum RoleName: String, ExpressibleByArgument, CaseIterable {
    case team, customer
}

/// Options every command accepts (SPEC §9, §10).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "The store: a SQLite file or a postgres:// URL (default: $SWITCHBOARD_DB, else $XDG_DATA_HOME/switchboard/switchboard.sqlite).")
    var db: String?

    @Option(name: .long, help: "Act as a team member (default) or as a customer.")
    var role: RoleName = .team

    @Option(name: .long, help: "The customer: who you act as with --role customer; the deploy target for deploy.")
    var customer: String?

    /// The same options as a plain value: what the store is opened with. The hot commands'
    /// quick path (`QuickCommands`) builds it without ArgumentParser.
    var storeOptions: StoreOptions { StoreOptions(db: db, role: role, customer: customer) }

    func resolvedRole() throws -> Role { try storeOptions.resolvedRole() }

    func databaseExists() -> Bool { storeOptions.databaseExists() }

    /// See `StoreOptions.store(source:readOnly:createIfMissing:)`.
    func store(source: String, readOnly: Bool = false, createIfMissing: Bool = false) throws -> Store {
        try storeOptions.store(source: source, readOnly: readOnly, createIfMissing: createIfMissing)
    }
}

/// One line on stdout. Every text a command prints goes through here or `printError`:
/// control characters in it (a customer's value, a provider's words, a definition's
/// label) are shown escaped, never sent to the terminal raw (SPEC §12).
func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((TerminalText.escaped(text) + "\n").utf8))
}
