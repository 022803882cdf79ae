import ArgumentParser
import Foundation
import SwitchboardCore

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a step's code with its connection handed to it.",
        discussion: """
            The connection is given as JSON on stdin and in the file named by $SWITCHBOARD_CONNECTION_FILE. \
            Exit 0 marks the connection ok; exit 78 (EX_CONFIG) marks it error with the last stderr line as \
            the reason; exit 77 (EX_NOPERM) says the provider refused the token: one refresh and one more run \
            when its lifetime was unknown, else error with the reconnect hint. Other failures are logged and \
            leave the status alone. Exits with the code's status.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "The step key.") var step: String
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func run() async throws {
        var exitCode: Int32 = 0
        do {
            let useCase = RunStepUseCase(store: try global.store(source: "run"), transport: CurlTransport())
            // SIGINT, SIGTERM and SIGHUP (a dropped SSH session) remove the connection file
            // at once and stop the child; the run is recorded as interrupted.
            let control = StepControl()
            let watchers = SignalWatchers(signals: [SIGINT, SIGTERM, SIGHUP]) { control.interrupt(by: $0) }
            defer { watchers.stop() }
            exitCode = try await useCase.run(RunStepUseCase.Request(instance: instance, step: step, command: command), control: control).exitCode
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}
