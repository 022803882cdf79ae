import ArgumentParser
import Foundation
import SwitchboardCore

@main
struct Switchboard: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Deploy integration instances and configure their connections.",
        discussion: """
            Without a subcommand the terminal wizard starts. Every wizard action also has a \
            scriptable command with --json output. Exit status: 0 success, 1 error, 2 usage, \
            3 conflict (another session changed it first), 4 not found, 5 not allowed in this role.
            """,
        version: SwitchboardVersion.current,
        subcommands: [
            WizardCommand.self, ImportCommand.self, CatalogCommand.self, IntegrationsCommand.self,
            DeployCommand.self, InstancesCommand.self, ConfigureCommand.self, ShowCommand.self,
            StatusCommand.self, LogsCommand.self, EventsCommand.self, RunCommand.self,
            ConnectCommand.self, DisconnectCommand.self, TestConnectionCommand.self, RefreshCommand.self,
            CallbackServerCommand.self, DBCommand.self,
        ],
        defaultSubcommand: WizardCommand.self
    )

    /// Like ArgumentParser's `main`, but a usage error is one line on stderr (SPEC §10):
    /// the reason and where to read more, not the whole usage text.
    static func main() async {
        do {
            let arguments = Array(CommandLine.arguments.dropFirst())
            // Answered before any parsing: scripts ask for it often, and it must be instant.
            if arguments == ["--version"] {
                print(SwitchboardVersion.current)
                return
            }
            // Plain `logs` calls skip ArgumentParser (see QuickCommands); anything else
            // goes through it below.
            if let logs = QuickCommands.logs(arguments) {
                let store = try logs.openStore()
                try logs.run(in: store)
                // The process ends with the read-only connection still open: closing it
                // is GRDB bookkeeping (its first NotificationCenter use, ~900,000
                // instructions, callgrind) that the exit makes moot; it wrote nothing.
                withExtendedLifetime(store) { Glibc.exit(0) }
            }
            if let status = QuickCommands.status(arguments) {
                try status.run()
                Glibc.exit(0)
            }
            var command: any ParsableCommand
            if let parsed = parseNamedSubcommand(arguments) {
                command = parsed
            } else {
                command = try parseAsRoot(arguments)
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            Glibc.exit(ErrorPresenter.present(error))
        }
    }

    /// Parses `SUBCOMMAND ARGS...` with only that subcommand's parser. Parsing from the
    /// root builds argument sets for every subcommand by reflection on each start (about
    /// 5 ms, a quarter of a `logs` call). The root has no options of its own, so the result
    /// is the same; anything else (help, completion scripts, an error to explain) returns
    /// nil and goes through the root parser, which words it exactly as before.
    nonisolated static func parseNamedSubcommand(_ arguments: [String]) -> (any ParsableCommand)? {
        guard let name = arguments.first,
              let subcommand = configuration.subcommands.first(where: { $0._commandName == name }) else { return nil }
        let rest = Array(arguments.dropFirst())
        let options = rest.prefix(while: { $0 != "--" })
        let rootOnly = ["-h", "--help", "-help", "--generate-completion-script", "--experimental-dump-help"]
        guard !options.contains(where: { option in rootOnly.contains { option == $0 || option.hasPrefix($0 + "=") } }) else { return nil }
        return try? subcommand.parseAsRoot(rest)
    }
}
