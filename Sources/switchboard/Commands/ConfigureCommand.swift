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
        try reportingErrors {
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

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one connection's fields and status.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Flag(name: .long, help: "Show secret values (team role only).") var reveal = false
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "A connection config variable.") var variable: String

    func run() throws {
        try reportingErrors {
            let store = try global.store(source: "cli", readOnly: true)
            if reveal { try store.actor.authorize(.reveal) }
            let detail = try store.connectionDetail(instance: instance, variable: variable)
            func shown(_ field: FieldState) -> String? {
                if field.isSecret && !reveal { return nil }
                return field.effectiveValue
            }
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("instance", detail.instance.name); w.field("variable", detail.variable); w.field("component", detail.component)
                w.field("connection", detail.connectionType.key); w.field("status", detail.status.rawValue); w.field("reason", detail.reason)
                w.field("revision", detail.revision); w.field("updatedAt", detail.updatedAt)
                w.field("oauth2", detail.connectionType.oauth2 != nil); w.field("hasTokens", detail.hasTokens)
                w.field("expiresAt", detail.tokenExpiresAt)
                w.key("metadata"); w.beginObject()
                for (k, v) in detail.metadata.sorted(by: { $0.key < $1.key }) { w.field(k, v) }
                w.endObject()
                w.key("fields"); w.beginArray()
                for field in detail.fields {
                    w.beginObject()
                    w.field("key", field.key); w.field("label", field.label); w.field("type", field.definition.type.rawValue)
                    w.field("required", field.definition.required); w.field("customerVisible", field.customerVisible)
                    w.field("set", field.isSet); w.field("secret", field.isSecret); w.field("value", shown(field))
                    w.field("error", field.error?.description)
                    w.endObject()
                }
                w.endArray()
                w.endObject()
                w.print()
            } else {
                printOut("\(detail.instance.name) \(detail.variable) (\(detail.componentLabel), \(detail.connectionType.label)): \(detail.status.rawValue)\(detail.reason.map { " (\($0))" } ?? "")")
                for field in detail.fields {
                    let value = field.isSecret && !reveal ? (field.isSet ? "•••••• (set)" : "") : (field.effectiveValue ?? "")
                    let marker = field.definition.required ? "*" : " "
                    printOut("  \(marker)\(field.label) [\(field.key)]: \(value)\(field.error.map { "   ! \($0.description)" } ?? "")")
                }
            }
        }
    }
}
