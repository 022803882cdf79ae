import ArgumentParser
import Foundation
import SwitchboardCore

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import component and integration YAML files, all or nothing.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Argument(help: "YAML files; each may hold several documents separated by ---.") var files: [String]

    func run() throws {
        try reportingErrors {
            let store = try global.store(source: "cli")
            var inputs: [(path: String, text: String)] = []
            for file in files {
                inputs.append((file, try YAMLBounds.readFile(file)))
            }
            let result = try store.importDefinitions(inputs)
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("imported"); w.beginArray()
                for item in result.items {
                    w.beginObject()
                    w.field("kind", item.kind); w.field("key", item.key); w.field("version", item.version); w.field("action", item.action)
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                for item in result.items {
                    printOut("\(item.action) \(item.kind) \(item.key)\(item.version.map { " v\($0)" } ?? "")")
                }
            }
        }
    }
}

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "catalog", abstract: "List components and their connection types.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
            let entries = try global.store(source: "cli", readOnly: true).catalog()
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

struct IntegrationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "integrations", abstract: "List imported integrations and their versions.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() throws {
        try reportingErrors {
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
