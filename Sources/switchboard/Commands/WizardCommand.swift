import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardTUI

struct WizardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wizard", abstract: "Start the terminal wizard (the default).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Colour theme: a name from themes/ (default, high-contrast, mono) or a file path; also $SWITCHBOARD_THEME.") var theme: String?

    func run() throws {
        do {
            try Self.launch(global: global, theme: theme, instance: nil)
        }
    }

    /// Starts the wizard over the real store; `instance` opens that instance directly.
    static func launch(global: GlobalOptions, theme: String?, instance: String?) throws {
        let store = try global.store(source: "wizard", createIfMissing: true)
        try store.verifyMasterKey()
        if let instance { _ = try store.instance(instance) }
        let environment = ProcessInfo.processInfo.environment
        let backend = StoreWizardBackend(store: store, transport: CurlTransport(), settings: .resolve(environment: environment))
        let code = runWizard(backend: backend, role: store.actor.role, theme: theme, environment: environment, instance: instance)
        if code != 0 { throw ExitCode(code) }
    }
}
