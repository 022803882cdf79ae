import ArgumentParser
import Foundation
import SwitchboardCore

struct WizardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wizard", abstract: "Start the terminal wizard (the default).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Colour theme: a name from themes/ (default, high-contrast, mono).") var theme: String?

    func run() throws {
        try reportingErrors {
            try Self.launch(global: global, theme: theme, instance: nil)
        }
    }

    /// Until the ncurses wizard lands, show the status overview the wizard will start from.
    static func launch(global: GlobalOptions, theme: String?, instance: String?) throws {
        let store = try global.store(source: "wizard")
        let list = try store.status(instance: instance)
        printOut("Switchboard — \(list.count) instance(s)")
        for item in list {
            printOut("  \(item.name)  \(item.integration) v\(item.version)")
            for c in item.connections {
                printOut("    \(c.variable.padding(toLength: 16, withPad: " ", startingAt: 0)) [\(c.status.rawValue)]\(c.reason.map { " \($0)" } ?? "")")
            }
        }
    }
}
