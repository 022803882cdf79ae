import ArgumentParser
import Foundation
import SwitchboardCore

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "catalog", abstract: "List components and their connection types.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        do {
            // Without a database yet, the bundled catalog is what a new store would start with:
            // show it, and create nothing.
            let entries = global.databaseExists()
                ? try global.store(source: "cli", readOnly: true).catalog()
                : try Store.catalog(imported: [], role: try global.resolvedRole())
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("components"); w.beginArray()
                for entry in entries {
                    w.beginObject()
                    w.field("key", entry.key); w.field("label", entry.label); w.field("source", entry.source)
                    w.key("actions"); w.beginArray(); entry.actions.forEach { w.string($0) }; w.endArray()
                    w.key("connections"); w.beginArray()
                    for c in entry.connections {
                        w.beginObject()
                        w.field("key", c.key); w.field("label", c.label); w.field("oauth2", c.oauth2); w.field("grant", c.grant)
                        w.key("fields"); w.beginArray(); c.fields.forEach { w.string($0) }; w.endArray()
                        w.endObject()
                    }
                    w.endArray()
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                for entry in entries {
                    let types = entry.connections.map { $0.oauth2 ? "\($0.key) (OAuth \($0.grant ?? ""))" : $0.key }
                    printOut("\(entry.key.padding(toLength: 18, withPad: " ", startingAt: 0)) \(entry.label) [\(entry.source)]: \(types.joined(separator: ", "))")
                }
            }
        }
    }
}
