import ArgumentParser
import Foundation
import SwitchboardCore

struct IntegrationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "integrations", abstract: "List imported integrations and their versions.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        do {
            let list = try global.store(source: "cli", readOnly: true).integrations()
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("integrations"); w.beginArray()
                for item in list {
                    w.beginObject()
                    w.field("key", item.key); w.field("name", item.name); w.field("version", item.version)
                    w.key("versions"); w.beginArray(); item.versions.forEach { w.int($0) }; w.endArray()
                    w.key("variables"); w.beginArray(); item.variables.forEach { w.string($0) }; w.endArray()
                    w.key("steps"); w.beginArray(); item.steps.forEach { w.string($0) }; w.endArray()
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                if list.isEmpty { printOut("No integrations yet: switchboard import FILE.yaml") }
                for item in list { printOut("\(item.key) v\(item.version)  \(item.name)  variables: \(item.variables.joined(separator: ", "))") }
            }
        }
    }
}
