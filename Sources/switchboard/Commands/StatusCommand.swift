import ArgumentParser
import Foundation
import SwitchboardCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show every connection's status.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Argument(help: "An instance id or name (default: all).") var instance: String?

    func run() throws {
        try StatusListing(options: global.storeOptions, json: json, instance: instance).run()
    }
}

/// What `status` prints, as a plain value: the parsed command and the quick path
/// (`QuickCommands.status`) run the same code.
struct StatusListing {
    var options: StoreOptions
    var json: Bool
    var instance: String?

    func run() throws {
        let store = try options.store(source: "cli", readOnly: true)
        // Streamed one instance at a time (`Store.forEachStatus`): memory stays flat
        // however many instances the store holds. An unknown instance fails before
        // anything is printed.
        if json {
            var w = JSONWriter()
            w.beginObject(); w.key("instances"); w.beginArray()
            try store.forEachStatus(instance: instance) { item in
                w.beginObject()
                w.field(literal: "id", item.id); w.field(literal: "name", item.name); w.field(literal: "integration", item.integration)
                w.field(literal: "version", item.version); w.field(literal: "customer", item.customer)
                w.key(literal: "connections"); w.beginArray()
                for c in item.connections {
                    w.beginObject()
                    w.field(literal: "variable", c.variable); w.field(literal: "component", c.component); w.field(literal: "connection", c.connection)
                    w.field(literal: "status", c.status.rawValue); w.field(literal: "reason", c.reason); w.field(literal: "expiresAt", c.expiresAt)
                    w.field(literal: "updatedAt", c.updatedAt); w.refreshField(c.refresh)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
                w.drain()
            }
            w.endArray(); w.endObject()
            w.print()
        } else {
            var count = 0
            try store.forEachStatus(instance: instance) { item in
                count += 1
                let badges = item.connections.map { "\($0.variable) [\($0.status.rawValue)]" }
                printOut("\(item.name)  \(item.integration) v\(item.version)  \(badges.joined(separator: "  "))")
            }
            if count == 0 { printOut("No instances yet: switchboard deploy INTEGRATION --customer NAME") }
        }
    }
}
