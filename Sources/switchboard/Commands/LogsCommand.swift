import ArgumentParser
import Foundation
import SwitchboardCore

struct LogsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logs", abstract: "Show a connection's (or an instance's) log, newest first.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: "How many entries (1-10000).") var limit = 50
    @Option(name: .long, help: "Only entries older than this entry id (for paging).") var before: Int64?
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "A connection config variable (default: every connection).") var variable: String?

    func run() throws {
        try reportingErrors {
            let entries = try global.store(source: "cli", readOnly: true).logs(instance: instance, variable: variable, limit: limit, before: before)
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("entries"); w.beginArray()
                for e in entries {
                    w.beginObject()
                    w.field("id", Int(e.id)); w.field("time", e.time); w.field("variable", e.variable); w.field("level", e.level.rawValue)
                    w.field("source", e.source); w.field("user", e.user); w.field("message", e.message)
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                for e in entries {
                    printOut("\(e.time) \(e.level.rawValue.uppercased().padding(toLength: 7, withPad: " ", startingAt: 0)) \(e.variable ?? "-") \(e.user) [\(e.source)] \(e.message)")
                }
            }
        }
    }
}

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a step's code with its connection handed to it.",
        discussion: """
            The connection is given as JSON on stdin and in the file named by $SWITCHBOARD_CONNECTION_FILE. \
            Exit 0 marks the connection ok; exit 78 (EX_CONFIG) marks it error with the last stderr line as \
            the reason; other failures are logged and leave the status alone. Exits with the code's status.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "The step key.") var step: String
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func run() async throws {
        var exitCode: Int32 = 0
        try await reportingErrors {
            guard !command.isEmpty else { throw SwitchboardError.usage("give the command after --, e.g. switchboard run INSTANCE STEP -- ./upload.sh") }
            let store = try global.store(source: "run")
            // SPEC §7: an access token near expiry is refreshed before the code gets it.
            await OAuthFlows(store: store, transport: CurlTransport()).refreshBeforeRun(instance: instance, step: step)
            let context = try store.executionContext(instance: instance, step: step)
            let started = Timestamp.now()
            // SIGINT, SIGTERM and SIGHUP (a dropped SSH session) remove the connection file
            // at once and stop the child; the run is recorded as interrupted.
            let control = StepControl()
            let watchers = SignalWatchers(signals: [SIGINT, SIGTERM, SIGHUP]) { control.interrupt(by: $0) }
            defer { watchers.stop() }
            let result = try StepRunner.run(command: command, payload: context.payload, control: control)
            try store.recordExecution(context, command: command.joined(separator: " "), exitCode: result.exitCode,
                                      lastErrorLine: result.lastErrorLine, startedAt: started, durationMs: result.durationMs,
                                      interruptedBy: result.interruptedBy)
            exitCode = result.exitCode
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}
