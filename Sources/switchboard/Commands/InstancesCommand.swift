import ArgumentParser
import Foundation
import SwitchboardCore

struct InstancesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "instances", abstract: "List instances.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .long, help: "Only instances whose name or integration contains this text.") var filter: String?

    func run() throws {
        do {
            let list = try global.store(source: "cli", readOnly: true).status(filter: filter)
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("instances"); w.beginArray()
                for item in list {
                    w.beginObject()
                    w.field("id", item.id); w.field("name", item.name); w.field("customer", item.customer)
                    w.field("integration", item.integration); w.field("version", item.version)
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                for item in list { printOut("\(item.id)  \(item.name)  \(item.integration) v\(item.version)") }
            }
        }
    }
}
