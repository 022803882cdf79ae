import ArgumentParser
import Foundation
import SwitchboardCore

struct TestConnectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Send a connection's declared test request and record ok or error.",
        discussion: "OAuth connections send it with their bearer token (refreshed first when about to expire). Exit 0 when the test passed.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON.") var json = false
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "The connection config variable.") var variable: String

    func run() async throws {
        var passed = true
        do {
            let store = try global.store(source: "cli")
            let result = try await OAuthFlows(store: store, transport: CurlTransport()).testConnection(instance: instance, variable: variable)
            passed = result.passed
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("passed", result.passed); w.field("status", result.status); w.field("message", result.message)
                w.endObject()
                printOut(w.output)
            } else {
                printOut((result.passed ? "Test passed: " : "Test failed: ") + result.message)
            }
        }
        if !passed { throw ExitCode(1) }
    }
}
