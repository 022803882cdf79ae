import ArgumentParser
import Foundation
import SwitchboardCore

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show every connection's status.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Argument(help: "An instance id or name (default: all).") var instance: String?

    func run() throws {
        do {
            let store = try global.store(source: "cli", readOnly: true)
            // Streamed one instance at a time (`Store.forEachStatus`): memory stays flat
            // however many instances the store holds. An unknown instance fails before
            // anything is printed.
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("instances"); w.beginArray()
                try store.forEachStatus(instance: instance) { item in
                    w.beginObject()
                    w.field("id", item.id); w.field("name", item.name); w.field("integration", item.integration)
                    w.field("version", item.version); w.field("customer", item.customer)
                    w.key("connections"); w.beginArray()
                    for c in item.connections {
                        w.beginObject()
                        w.field("variable", c.variable); w.field("component", c.component); w.field("connection", c.connection)
                        w.field("status", c.status.rawValue); w.field("reason", c.reason); w.field("expiresAt", c.expiresAt)
                        w.field("updatedAt", c.updatedAt); w.refreshField(c.refresh)
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
}
