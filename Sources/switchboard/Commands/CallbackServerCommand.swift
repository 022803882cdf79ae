import ArgumentParser
import Foundation
import SwitchboardCore

struct CallbackServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callback-server",
        abstract: "Serve a team's registered OAuth callback URL and hand callbacks to the waiting sessions.",
        discussion: """
            Listens on ADDR:PORT for GET /callback and stores each callback (sealed) with the pending \
            authorization of the same state; the CLI or wizard that started it (with --callback-url or \
            $SWITCHBOARD_CALLBACK_URL) picks it up from the database. Put it behind the HTTPS URL \
            registered with the provider. Runs until Ctrl-C or SIGTERM.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: "Address and port to listen on, e.g. 127.0.0.1:8080 or [::1]:8080.") var listen: String

    func run() async throws {
        do {
            let (host, port) = try Self.parse(listen)
            let store = try global.store(source: "callback-server", createIfMissing: true)
            try store.verifyMasterKey()
            let catcher = try await TeamCallbackServer.start(store: store, host: host, port: port) { note in
                printError("callback-server: \(note)")
            }
            let address = catcher.redirectURI
            do {
                try await runCancellable(onSignal: "callback-server stopped") {
                    // Said once the signals are watched: a supervisor (or a test) that
                    // stops the server as soon as it listens gets the clean stop, exit 0.
                    printOut("Listening on \(address)")
                    while true { try await Task.sleep(for: .seconds(3600)) }
                }
            } catch let exit as ExitCode where exit.rawValue == 130 {
                await catcher.stop()
                return
            }
        }
    }

    static func parse(_ text: String) throws -> (String, UInt16) {
        var host = "127.0.0.1"
        var portText = text
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            host = String(text[text.index(after: text.startIndex)..<close])
            portText = String(text[text.index(after: close)...]).trimmingPrefix(":").description
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
        }
        guard let port = UInt16(portText), !host.isEmpty else {
            throw SwitchboardError.usage("--listen \(text): expected ADDR:PORT, e.g. 127.0.0.1:8080")
        }
        return (host, port)
    }
}
