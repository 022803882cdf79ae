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
        do {
            let store = try global.store(source: "cli", createIfMissing: true)
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
