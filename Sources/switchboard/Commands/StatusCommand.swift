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
            let list = try global.store(source: "cli", readOnly: true).status(instance: instance)
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("instances"); w.beginArray()
                for item in list {
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
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                if list.isEmpty { printOut("No instances yet: switchboard deploy INTEGRATION --customer NAME") }
                for item in list {
                    let badges = item.connections.map { "\($0.variable) [\($0.status.rawValue)]" }
                    printOut("\(item.name)  \(item.integration) v\(item.version)  \(badges.joined(separator: "  "))")
                }
            }
        }
    }
}
