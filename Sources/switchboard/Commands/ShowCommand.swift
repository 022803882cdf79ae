import ArgumentParser
import Foundation
import SwitchboardCore

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one connection's fields and status.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Flag(name: .long, help: "Show secret values (team role only).") var reveal = false
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "A connection config variable.") var variable: String

    func run() throws {
        do {
            let store = try global.store(source: "cli", readOnly: true)
            if reveal { try store.actor.authorize(.reveal) }
            let detail = try store.connectionDetail(instance: instance, variable: variable)
            let health = try store.refreshHealth(instance: instance, variable: variable)
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
                w.refreshField(health)
                w.field("grantedScopes", detail.grantedScopes)
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
                if let granted = detail.grantedScopes { printOut("  granted scopes: \(granted)") }
            }
        }
    }
}
