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
        try await reportingErrors {
            let store = try global.store(source: "cli")
            let connection = try store.oauthConnection(instance: instance, variable: variable)
            let flows = OAuthFlows(store: store, transport: CurlTransport())
            let command = self
            let token = try await runCancellable {
                try await command.connect(connection, flows: flows)
            }
            let detail = try store.connectionDetail(instance: instance, variable: variable)
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("event", "connected"); w.field("instance", detail.instance.name); w.field("variable", detail.variable)
                w.field("status", detail.status.rawValue); w.field("expiresAt", token.expiresAt)
                w.field("refreshToken", token.refreshToken != nil)
                w.endObject()
                printOut(w.output)
            } else {
                printOut("Connected \(detail.instance.name) \(detail.variable): \(detail.status.rawValue)"
                         + (token.expiresAt.map { " (access token expires at \($0))" } ?? ""))
            }
        }
    }

    func connect(_ connection: OAuthConnection, flows: OAuthFlows) async throws -> StoredToken {
        let progress: OAuthFlows.Progress = { event in printError(event.message) }
        let grant = device ? OAuthGrant.deviceCode : connection.options.grant
        switch grant {
        case .clientCredentials:
            if paste { throw SwitchboardError.usage("--paste is for the authorization code flow; \(connection.label) uses client credentials (no browser)") }
            return try await flows.connectClientCredentials(connection, progress: progress)
        case .deviceCode:
            if paste { throw SwitchboardError.usage("--paste and --device are different flows; choose one") }
            return try await connectDevice(connection, flows: flows, progress: progress)
        case .authorizationCode:
            return try await connectAuthorizationCode(connection, flows: flows, progress: progress)
        }
    }

    func connectAuthorizationCode(_ connection: OAuthConnection, flows: OAuthFlows, progress: @escaping OAuthFlows.Progress) async throws -> StoredToken {
        let teamURL = callbackURL ?? ProcessInfo.processInfo.environment["SWITCHBOARD_CALLBACK_URL"].flatMap { $0.isEmpty ? nil : $0 }
        let redirect: OAuthFlows.Redirect
        if let teamURL {
            redirect = .registered(teamURL)
        } else {
            redirect = .loopback(host: "127.0.0.1", port: UInt16(port ?? connection.options.callbackPort ?? 0))
        }
        let session = try await flows.beginAuthorization(connection, redirect: redirect, lifetime: .seconds(timeout), progress: progress)
        do {
            if json {
                var w = JSONWriter()
                w.beginObject()
                w.field("event", "authorize"); w.field("authorizeUrl", session.authorizeURL); w.field("redirectUri", session.redirectURI)
                w.field("port", session.listeningPort.map(Int.init)); w.field("timeout", timeout)
                w.endObject()
                printOut(w.output)
            } else {
                // Alone on its line, undecorated, so it can be copied (or clicked) whole.
                printOut(session.authorizeURL)
            }
            printError("Open the URL above in a browser and approve; waiting up to \(timeout) s (Ctrl-C cancels).")
            if let port = session.listeningPort {
                printError("Browser on another machine? Forward the port first: ssh -L \(port):127.0.0.1:\(port) THIS-HOST, or run connect with --paste.")
            }
            if copy { FileHandle.standardError.write(Data(osc52(session.authorizeURL).utf8)) }
            if qr { printQR(session.authorizeURL) }
            if paste { printError("Or paste the address your browser ended on (it holds code and state) and press Enter:") }
            let callback = try await session.waitForCallback(pasted: paste ? standardInputLines() : nil, timeout: .seconds(timeout))
            return try await flows.complete(session, with: callback, pasted: paste, progress: progress)
        } catch {
            await session.cancel()
            if error is CancellationError { try? flows.store.logOAuth(connection, level: .info, "CONNECT cancelled") }
            else if case SwitchboardError.oauth(let message) = error, message.hasPrefix("no callback arrived") {
                try? flows.store.logOAuth(connection, level: .warning, "CONNECT timed out after \(timeout) s without a callback")
            } else if case SwitchboardError.invalidValue(let message) = error {
                try? flows.store.logOAuth(connection, level: .warning, "CONNECT stopped: \(outside: message)")
            }
            throw error
        }
    }

    func connectDevice(_ connection: OAuthConnection, flows: OAuthFlows, progress: @escaping OAuthFlows.Progress) async throws -> StoredToken {
        let authorization = try await flows.beginDeviceAuthorization(connection, progress: { _ in })
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.field("event", "device"); w.field("userCode", authorization.userCode); w.field("verificationUri", authorization.verificationURI)
            w.field("verificationUriComplete", authorization.verificationURIComplete); w.field("expiresIn", authorization.expiresIn)
            w.field("interval", authorization.interval)
            w.endObject()
            printOut(w.output)
        } else {
            printOut(authorization.verificationURIComplete ?? authorization.verificationURI)
            printError("Open \(authorization.verificationURI) on any device and enter the code: \(authorization.userCode)")
            printError("(The URL above already carries the code. It expires in \(authorization.expiresIn / 60) min; Ctrl-C cancels.)")
        }
        if !noQR, let complete = authorization.verificationURIComplete { printQR(complete) }
        let poller = DevicePoller(transport: flows.transport)
        do {
            return try await withThrowingTaskGroup(of: StoredToken.self) { group in
                group.addTask { try await flows.completeDeviceAuthorization(connection, authorization, poller: poller, progress: progress) }
                let limit = timeout
                group.addTask {
                    try await Task.sleep(for: .seconds(limit))
                    throw SwitchboardError.oauth("the device code was not approved within \(limit) s; nothing was changed")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch {
            if error is CancellationError { try? flows.store.logOAuth(connection, level: .info, "CONNECT (device code) cancelled") }
            throw error
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
        try await reportingErrors {
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
                printOut("Disconnected \(report.label): " + (report.hadTokens ? "tokens deleted" : "there were no tokens")
                         + "; status \(detail.status.rawValue)")
            }
        }
    }
}
