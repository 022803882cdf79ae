import ArgumentParser
import Foundation

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
        subcommands: [
            WizardCommand.self, ImportCommand.self, CatalogCommand.self, IntegrationsCommand.self,
            DeployCommand.self, InstancesCommand.self, ConfigureCommand.self, ShowCommand.self,
            StatusCommand.self, LogsCommand.self, RunCommand.self,
            ConnectCommand.self, DisconnectCommand.self, TestConnectionCommand.self, RefreshCommand.self,
            CallbackServerCommand.self,
        ],
        defaultSubcommand: WizardCommand.self
    )
}
