import ArgumentParser
import Foundation
import SwitchboardCore

struct ConfigureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "configure",
        abstract: "Set connection field values of an instance (without --set: open the wizard on it).",
        discussion: "Values are validated for their field's type and pattern; any invalid value means nothing is changed.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a value.", valueName: "VAR.FIELD=VALUE")) var sets: [String] = []
    @Option(name: .customLong("set-secret"), help: ArgumentHelp("Set a value read from standard input (keeps it out of the process list).", valueName: "VAR.FIELD")) var setSecret: String?
    @Option(name: .customLong("unset"), help: ArgumentHelp("Clear a stored value so the default applies.", valueName: "VAR.FIELD")) var unsets: [String] = []
    @Option(name: .customLong("if-revision"), help: "Fail with a conflict unless the connection is still at this revision (see show --json).") var ifRevision: Int?
    @Option(name: .long, help: "Colour theme for the wizard.") var theme: String?
    @Argument(help: "An instance id or name.") var instance: String

    func run() throws {
        do {
            if sets.isEmpty && setSecret == nil && unsets.isEmpty {
                try WizardCommand.launch(global: global, theme: theme, instance: instance)
                return
            }
            var changes: [FieldChange] = []
            for item in sets {
                guard let equals = item.firstIndex(of: "=") else {
                    throw SwitchboardError.usage("--set \(item.prefix(40)): expected VAR.FIELD=VALUE")
                }
                let (variable, field) = try Self.splitTarget(String(item[..<equals]), option: "--set")
                changes.append(FieldChange(variable: variable, field: field, value: String(item[item.index(after: equals)...]), onCommandLine: true))
            }
            if let target = setSecret {
                let (variable, field) = try Self.splitTarget(target, option: "--set-secret")
                let data = (try? FileHandle.standardInput.read(upToCount: SecretInput.maxBytes + 3)) ?? Data()
                let value = try SecretInput.value(from: data, option: "--set-secret \(target)")
                changes.append(FieldChange(variable: variable, field: field, value: value))
            }
            for target in unsets {
                let (variable, field) = try Self.splitTarget(target, option: "--unset")
                changes.append(FieldChange(variable: variable, field: field, value: nil))
            }
            let store = try global.store(source: "cli")
            let details = try store.configure(instance: instance, changes: changes, expectedRevision: ifRevision)
            if json {
                var w = JSONWriter()
                w.beginObject(); w.key("connections"); w.beginArray()
                for detail in details {
                    w.beginObject()
                    w.field("variable", detail.variable); w.field("status", detail.status.rawValue); w.field("revision", detail.revision)
                    w.endObject()
                }
                w.endArray(); w.endObject()
                w.print()
            } else {
                for detail in details {
                    printOut("\(detail.instance.name) \(detail.variable): \(detail.status.rawValue) (revision \(detail.revision))")
                    for field in detail.fields where field.error != nil && field.definition.required {
                        printOut("  still needed: \(field.error!.description)")
                    }
                }
            }
        }
    }

    static func splitTarget(_ target: String, option: String) throws -> (String, String) {
        let parts = target.split(separator: ".", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw SwitchboardError.usage("\(option) \(target.prefix(40)): expected VAR.FIELD (a config variable and a field key)")
        }
        return (parts[0], parts[1])
    }
}
