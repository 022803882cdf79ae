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
        try LogsQuery(options: global.storeOptions, json: json, limit: limit, before: before, instance: instance, variable: variable).run()
    }
}

/// What `logs` was asked, as plain values: filled in by `LogsCommand` after ArgumentParser,
/// or by `QuickCommands` for the plain forms scripts call in a loop.
struct LogsQuery {
    var options = StoreOptions()
    var json = false
    var limit = 50
    var before: Int64?
    var instance: String
    var variable: String?

    func openStore() throws -> Store { try options.store(source: "cli", readOnly: true) }

    func run() throws { try run(in: openStore()) }

    func run(in store: Store) throws {
        let entries = try store.logs(instance: instance, variable: variable, limit: limit, before: before)
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
            // One write for the whole listing (a write per line cost a syscall each), and
            // the level padded by hand: Foundation's `padding(toLength:)` bridges through
            // NSString, ~28,000 instructions a line (callgrind).
            var out: [UInt8] = []
            out.reserveCapacity(entries.count * 128)
            for e in entries {
                out += TerminalText.escaped("\(e.time) \(Self.padded(e.level.rawValue.uppercased())) \(e.variable ?? "-") \(e.user) [\(e.source)] \(e.message)").utf8
                out.append(0x0A)
            }
            if !out.isEmpty { FileHandle.standardOutput.write(Data(out)) }
        }
    }

    /// The level in a 7-character column, as `padding(toLength: 7, withPad: " ", startingAt: 0)`
    /// gave it (levels are ASCII; a longer one is cut to 7).
    static func padded(_ level: String) -> String {
        let width = level.utf16.count
        return width >= 7 ? String(level.prefix(7)) : level + String(repeating: " ", count: 7 - width)
    }
}
