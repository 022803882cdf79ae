import ArgumentParser
import Foundation
import SwitchboardCore

struct ConnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connect",
        abstract: "CONNECT an OAuth 2.0 connection: authorize in a browser, paste the redirect URL, or use a device code.",
        discussion: """
            Authorization code: prints the authorize URL alone on one line of standard output, then \
            waits for the browser to come back to a catcher on 127.0.0.1 (any free port, --port N, \
            or the connection type's callbackPort). Over SSH forward the port (ssh -L PORT:127.0.0.1:PORT) \
            or use --paste and paste the address the browser ended on. --device uses the provider's \
            device authorization endpoint (RFC 8628) instead. client_credentials connections fetch \
            their token without a browser. Ctrl-C cancels. Exit 0 only when tokens were stored.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON lines: first the URL (or device code) to use, then the result.") var json = false
    @Option(name: .long, help: "Port for the loopback callback catcher (default: the connection type's callbackPort, else any free port).") var port: Int?
    @Flag(name: .long, help: "Also read the redirect URL from standard input (for a browser on another machine).") var paste = false
    @Flag(name: .long, help: "Use the device code flow (RFC 8628).") var device = false
    @Option(name: .long, help: "Seconds to wait for the browser or the device approval.") var timeout: Int = 300
    @Option(name: .customLong("callback-url"), help: "The team's registered callback URL served by `switchboard callback-server` (default: $SWITCHBOARD_CALLBACK_URL).") var callbackURL: String?
    @Flag(name: .long, help: "Also print the authorize URL as a QR code (standard error).") var qr = false
    @Flag(name: .customLong("no-qr"), help: "Do not print the device flow's QR code.") var noQR = false
    @Flag(name: .long, help: "Also copy the authorize URL to the clipboard with an OSC 52 escape (standard error).") var copy = false
    @Argument(help: "An instance id or name.") var instance: String
    @Argument(help: "The connection config variable.") var variable: String

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if timeout < 1 || timeout > 86_400 { throw ValidationError("--timeout must be between 1 and 86400 seconds") }
    }

    func run() async throws {
        do {
            let store = try global.store(source: "cli")
            let useCase = ConnectUseCase(store: store, transport: CurlTransport(),
                                         settings: .resolve(explicitCallbackURL: callbackURL, environment: ProcessInfo.processInfo.environment))
            let request = ConnectUseCase.Request(instance: instance, variable: variable, useDeviceCode: device, port: port.map(UInt16.init),
                                                 timeout: .seconds(timeout), pasted: paste ? .required(standardInputLines()) : .none)
            let command = self
            let outcome = try await runCancellable {
                try await useCase.run(request) { command.report($0) }
            }
            let detail = try store.connectionDetail(instance: instance, variable: variable)
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("event", "connected"); w.field("instance", detail.instance.name); w.field("variable", detail.variable)
                w.field("status", detail.status.rawValue); w.field("expiresAt", outcome.token.expiresAt)
                w.field("refreshToken", outcome.token.refreshToken != nil)
                w.endObject()
                printOut(w.output)
            } else {
                printOut("Connected \(detail.instance.name) \(detail.variable): \(detail.status.rawValue)"
                         + (outcome.token.expiresAt.map { " (access token expires at \($0))" } ?? ""))
            }
        }
    }

    /// Standard output gets what a person (or script) must act on, alone on its line: the
    /// URL to open, or the device code's; standard error gets the steps.
    func report(_ progress: ConnectProgress) {
        switch progress {
        case .authorize(let url, let redirectURI, let port):
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("event", "authorize"); w.field("authorizeUrl", url); w.field("redirectUri", redirectURI)
                w.field("port", port); w.field("timeout", timeout)
                w.endObject()
                printOut(w.output)
            } else {
                // Alone on its line, undecorated, so it can be copied (or clicked) whole.
                printOut(url)
            }
            printError("Open the URL above in a browser and approve; waiting up to \(timeout) s (Ctrl-C cancels).")
            if port == nil {
                printError("The team's callback server (switchboard callback-server) must serve \(redirectURI); register exactly that URL at the provider.")
            }
            if let port {
                printError("Browser on another machine? Forward the port first: ssh -L \(port):127.0.0.1:\(port) THIS-HOST, or run connect with --paste.")
            }
            if copy { FileHandle.standardError.write(Data(osc52(url).utf8)) }
            if qr { printQR(url) }
            if paste { printError("Or paste the address your browser ended on (it holds code and state) and press Enter:") }
        case .device(let userCode, let verificationURI, let completeURI, let expiresIn, let interval):
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("event", "device"); w.field("userCode", userCode); w.field("verificationUri", verificationURI)
                w.field("verificationUriComplete", completeURI); w.field("expiresIn", expiresIn)
                w.field("interval", interval)
                w.endObject()
                printOut(w.output)
            } else {
                printOut(completeURI ?? verificationURI)
                printError("Open \(verificationURI) on any device and enter the code: \(userCode)")
                printError("(The URL above already carries the code. It expires in \(expiresIn / 60) min; Ctrl-C cancels.)")
            }
            if !noQR, let completeURI { printQR(completeURI) }
        case .pastedURLRefused:
            printError(progress.message + " — paste the whole address again, or Ctrl-C")
        default:
            printError(progress.message)
        }
    }

    func printQR(_ text: String) {
        do {
            try QRCode.encode(text).terminalLines().forEach(printError)
        } catch {
            printError("(no QR code: \(error))")
        }
    }
}

