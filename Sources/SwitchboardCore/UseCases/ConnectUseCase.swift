import Foundation

/// CONNECT (SPEC §6) for every front end: `switchboard connect` and the wizard's `c` are
/// thin adapters over `run`, so both pick the same grant and redirect, wait as long, log
/// the same lines and clean up the same way when cancelled or timed out.
package struct ConnectUseCase: Sendable {
    /// What the person asked for.
    package struct Request: Sendable {
        package var instance: String
        package var variable: String
        /// The device code flow instead of the connection type's grant (`connect --device`).
        package var useDeviceCode: Bool
        /// A loopback port chosen by the person (`connect --port`); beats the type's `callbackPort`.
        package var port: UInt16?
        /// How long the browser (or the device approval) may take.
        package var timeout: Duration
        /// Redirect URLs a person pastes (authorization code): each is checked; a wrong one is
        /// reported as `.pastedURLRefused` and the wait goes on.
        package var pasted: PastedInput

        package init(instance: String, variable: String, useDeviceCode: Bool = false, port: UInt16? = nil,
                    timeout: Duration = ConnectUseCase.defaultTimeout, pasted: PastedInput = .none) {
            self.instance = instance
            self.variable = variable
            self.useDeviceCode = useDeviceCode
            self.port = port
            self.timeout = timeout
            self.pasted = pasted
        }
    }

    /// Where pasted redirect URLs come from.
    package enum PastedInput: Sendable {
        case none
        /// The person asked to paste (`connect --paste`): refused for grants without a browser.
        case required(AsyncStream<String>)
        /// A way to paste that is always open (the wizard's `p`): used when the grant has one.
        case whenUsed(AsyncStream<String>)
    }

    /// What CONNECT ended with: tokens stored (any failure is thrown).
    package struct Outcome: Sendable {
        package var grant: OAuthGrant
        package var token: StoredToken
    }

    package static let defaultTimeout: Duration = .seconds(300)

    package let flows: OAuthFlows
    package let settings: OAuthSettings

    package init(store: Store, transport: any HTTPTransport, settings: OAuthSettings) {
        self.flows = OAuthFlows(store: store, transport: transport)
        self.settings = settings
    }

    var store: Store { flows.store }

    /// Runs CONNECT to its end. Progress goes to `progress` as it happens; cancelling the
    /// calling task stops the flow (the catcher closes, the pending authorization is
    /// forgotten, nothing stored changes).
    package func run(_ request: Request, progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> Outcome {
        var connection = try store.oauthConnection(instance: request.instance, variable: request.variable)
        var discovered: AuthorizationServerMetadata?
        if let issuer = connection.client.issuer {
            // Fetched at every CONNECT: a server may move its endpoints between grants.
            let metadata = try await flows.discover(connection, issuer: issuer)
            progress(.discovered(source: connection.readerText(metadata.source)))
            connection = try store.oauthConnection(instance: request.instance, variable: request.variable, discovery: metadata)
            if connection.client.tokenUrl.isEmpty {
                throw SwitchboardError.oauth("\(connection.label): " + connection.readerText("the issuer's metadata at \(metadata.source) gives no token_endpoint; set the Token URL field"))
            }
            discovered = metadata
        }
        let grant = request.useDeviceCode ? OAuthGrant.deviceCode : connection.options.grant
        let pasted: AsyncStream<String>?
        switch request.pasted {
        case .none: pasted = nil
        case .required(let stream): pasted = stream
        case .whenUsed(let stream): pasted = grant == .authorizationCode ? stream : nil
        }
        if case .required = request.pasted, grant != .authorizationCode {
            throw SwitchboardError.usage(grant == .deviceCode
                ? "pasting a redirect URL and the device code flow are different flows; choose one"
                : "pasting a redirect URL is for the authorization code flow; \(connection.label) uses client credentials (no browser)")
        }
        let token: StoredToken
        switch grant {
        case .clientCredentials:
            progress(.requestingToken)
            token = try await flows.connectClientCredentials(connection, progress: progress)
        case .deviceCode:
            token = try await connectDevice(connection, timeout: request.timeout, progress: progress)
        case .authorizationCode:
            token = try await connectAuthorizationCode(connection, request, pasted: pasted, progress: progress)
        }
        // Cached only now: a CONNECT that stored nothing leaves nothing behind.
        if let discovered { try store.saveDiscovery(connection, discovered) }
        switch try await flows.lookUpMetadata(instance: request.instance, variable: request.variable, token: token) {
        case .success(let keys)?: progress(.lookedUp(keys: keys))
        case .failure(let failure)?: progress(.lookupFailed(connection.readerText(failure.description, redacting: token.secretValues)))
        case nil: break
        }
        return Outcome(grant: grant, token: token)
    }

    /// Where the provider sends the browser back: the connection's `redirectUri` when set
    /// (exactly that URI: providers such as Salesforce and Dropbox accept only the one
    /// registered), else the team's callback URL when one is configured, else a loopback
    /// catcher on the asked port, the type's `callbackPort`, or any free port.
    func redirect(for connection: OAuthConnection, port: UInt16?) throws -> OAuthFlows.Redirect {
        if let field = connection.client.redirectUri {
            switch try RedirectTarget.parse(field) {
            case .teamServer(let url):
                return .registered(url)
            case .loopback(let bindHost, let advertisedHost, let fixed, let path):
                if let port, fixed != 0, port != fixed {
                    throw SwitchboardError.usage("--port \(port) conflicts with the connection's Redirect URI \(field) (port \(fixed)): change one")
                }
                return .loopback(host: bindHost, port: fixed != 0 ? fixed : (port ?? 0), path: path, advertisedHost: advertisedHost)
            }
        }
        if let url = settings.teamCallbackURL { return .registered(url) }
        return .loopback(host: "127.0.0.1", port: port ?? connection.options.callbackPort.flatMap(UInt16.init(exactly:)) ?? 0)
    }

    func connectAuthorizationCode(_ connection: OAuthConnection, _ request: Request, pasted: AsyncStream<String>?,
                                  progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> StoredToken {
        let session = try await flows.beginAuthorization(connection, redirect: try redirect(for: connection, port: request.port),
                                                         lifetime: request.timeout, progress: progress)
        progress(.authorize(url: session.authorizeURL, redirectURI: session.redirectURI, port: session.listeningPort.map(Int.init)))
        let store = self.store
        do {
            let received = try await session.waitForCallback(pasted: pasted, timeout: request.timeout) { refusal in
                progress(.pastedURLRefused(refusal.description))
                try? store.logOAuth(connection, level: .warning, "Pasted redirect URL refused: \(outside: refusal.description)")
            }
            if received.pasted { progress(.pastedURLAccepted) }
            return try await flows.complete(session, with: received.callback, pasted: received.pasted, progress: progress)
        } catch let timeout as AuthorizationTimeout {
            await session.cancel()
            try? store.logOAuth(connection, level: .warning, "CONNECT timed out after \(Int(timeout.seconds)) s without a callback")
            throw timeout.error
        } catch {
            await session.cancel()
            if error is CancellationError { try? store.logOAuth(connection, level: .info, "CONNECT cancelled") }
            throw error
        }
    }

    func connectDevice(_ connection: OAuthConnection, timeout: Duration,
                       progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> StoredToken {
        let authorization = try await flows.beginDeviceAuthorization(connection, progress: progress)
        // The code dies at `expires_in`: waiting longer would only poll a dead code.
        let limit = min(timeout, .seconds(authorization.expiresIn))
        let flows = self.flows
        do {
            return try await withThrowingTaskGroup(of: StoredToken.self) { group in
                group.addTask { try await flows.completeDeviceAuthorization(connection, authorization, progress: progress) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw AuthorizationTimeout(seconds: limit.components.seconds)
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch let timeout as AuthorizationTimeout {
            try? store.logOAuth(connection, level: .warning, "CONNECT (device code) timed out after \(Int(timeout.seconds)) s without approval")
            throw SwitchboardError.oauth("the device code was not approved within \(timeout.seconds) s; nothing was changed")
        } catch {
            if error is CancellationError { try? store.logOAuth(connection, level: .info, "CONNECT (device code) cancelled") }
            throw error
        }
    }
}
