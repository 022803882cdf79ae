import ArgumentParser
import Foundation
import SwitchboardCore

struct DisconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disconnect",
        abstract: "DISCONNECT an OAuth 2.0 connection: delete its tokens (refresh stops) and revoke them at the provider.",
        discussion: "Revocation (RFC 7009, at the connection's revokeUrl) is best effort: its failures are logged and never block the local deletion.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "The connection config variable.") var variable: String

    func run() async throws {
        do {
            let store = try global.store(source: "cli")
            let report = try await OAuthFlows(store: store, transport: CurlTransport()).disconnect(instance: instance, variable: variable)
            let detail = try store.connectionDetail(instance: instance, variable: variable)
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("instance", detail.instance.name); w.field("variable", detail.variable); w.field("status", detail.status.rawValue)
                w.field("hadTokens", report.hadTokens); w.field("revoked", report.revoked)
                w.key("revocation"); w.beginArray(); for line in report.revocation { w.string(line) }; w.endArray()
                w.endObject()
                printOut(w.output)
            } else {
                for line in report.revocation { printError(line) }
                printOut("Disconnected \(report.label): \(report.deletion); status \(detail.status.rawValue)")
            }
        }
    }
}
