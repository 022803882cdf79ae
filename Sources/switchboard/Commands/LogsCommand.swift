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
        do {
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
