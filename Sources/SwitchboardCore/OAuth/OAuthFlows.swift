import Foundation

/// SPEC §6 over the store and an HTTP transport: CONNECT (authorization code with PKCE,
/// device code, client credentials), DISCONNECT with revocation, and the test request.
/// Used by the CLI and the wizard alike; progress is reported, never printed here.
package struct OAuthFlows: Sendable {
    package let store: Store
    package let transport: any HTTPTransport

    package init(store: Store, transport: any HTTPTransport) {
        self.store = store
        self.transport = transport
    }

    package typealias Progress = @Sendable (ConnectProgress) -> Void

    /// Where the provider sends the browser back to.
    package enum Redirect: Sendable, Equatable {
        /// A catcher on this machine listening on `host:port` (0: any free port) at `path`;
        /// the redirect URI names `advertisedHost` (`localhost`) when given, else `host`.
        case loopback(host: String, port: UInt16, path: String = CallbackValidator.path, advertisedHost: String? = nil)
        /// The team's registered URL served by `switchboard callback-server`; the callback
        /// reaches this session through the database.
        case registered(String)
    }

    // MARK: Authorization code

    /// Makes the state and PKCE verifier, records the pending authorization, starts the
    /// catcher (loopback) and builds the authorize URL. `lifetime` bounds how long the
    /// authorization can be completed.
    package func beginAuthorization(_ connection: OAuthConnection, redirect: Redirect, lifetime: Duration,
                                   progress: @escaping Progress = { _ in }) async throws -> AuthorizationSession {
        let state = AuthorizationState.generate()
        let pkce = PKCE.generate(connection.options.pkce)
        let expiresAt = Date().addingTimeInterval(TimeInterval(lifetime.components.seconds) + 60)
        var catcher: CallbackCatcher?
        var callbacks: AsyncStream<CallbackResult>?
        let redirectURI: String
        switch redirect {
        case .loopback(let host, let port, let path, let advertisedHost):
            let (stream, continuation) = AsyncStream.makeStream(of: CallbackResult.self)
            let gate = CallbackGate(continuation)
            let store = self.store
            let keep = connection.options.callbackMetadata
            let rejections = RateLimit()
            let started = try await CallbackCatcher.start(host: host, port: port) { request in
                let outcome = CallbackValidator.evaluate(request, expectedState: state, keepMetadata: keep, path: path)
                switch outcome {
                case .authorized(let result), .providerError(let result):
                    if gate.deliver(result) {
                        progress(.callbackReceived)
                        return CallbackPage.page(for: outcome)
                    }
                    return .stateMismatch
                case .stateMismatch:
                    progress(.callbackRejected("state does not match (forged or stale)"))
                    if let held = rejections.admit() {
                        let more = held > 0 ? " (and \(held) more since the last such line)" : ""
                        try? store.logOAuth(connection, level: .warning, "Rejected a callback whose state does not match the pending authorization\(name: more)")
                    }
                case .missingParameters(let name):
                    progress(.callbackRejected("no \(name) parameter"))
                case .notFound, .methodNotAllowed:
                    break
                }
                return CallbackPage.page(for: outcome)
            }
            catcher = started
            callbacks = stream
            redirectURI = RedirectTarget.uri(host: advertisedHost ?? host, port: started.port, path: path)
            progress(.listening(redirectURI: redirectURI))
        case .registered(let url):
            redirectURI = url
            progress(.waitingForTeamCallback(redirectURI: url))
        }
        do {
            let url = try AuthorizeURL.build(client: connection.client, redirectURI: redirectURI, state: state, pkce: pkce)
            try store.beginAuthorization(connection, state: state, pkce: pkce, redirectURI: redirectURI, expiresAt: expiresAt)
            try store.logOAuth(connection, level: .info, "CONNECT started: waiting for the provider to redirect to \(outside: redirectURI)")
            return AuthorizationSession(connection: connection, state: state, redirectURI: redirectURI, authorizeURL: url,
                                        expiresAt: expiresAt, catcher: catcher, callbacks: callbacks, store: store)
        } catch {
            await catcher?.stop()
            throw error
        }
    }

    /// Finishes an authorization with the callback it received: the pending authorization
    /// is used up, a provider error is logged and reported, a code is exchanged and the
    /// tokens stored. `pasted` adds a hint when the code might have been cut off.
    @discardableResult
    package func complete(_ session: AuthorizationSession, with callback: CallbackResult, pasted: Bool = false,
                         progress: @escaping Progress = { _ in }) async throws -> StoredToken {
        let connection = session.connection
        await session.close()
        let consumed: ConsumedAuthorization
        do {
            consumed = try store.consumeAuthorization(connection, state: session.state)
        } catch {
            try? store.logOAuth(connection, level: .error, "CONNECT failed: \(outside: error)")
            throw error
        }
        if let refusal = Self.mixUpRefusal(callback, client: connection.client) {
            try store.recordOAuthFailure(connection, "CONNECT refused: \(outside: refusal)", setError: false)
            throw SwitchboardError.oauth(connection.readerText(refusal))
        }
        if let providerError = callback.providerError {
            let code = callback.providerErrorCode ?? "an unrecognised error"
            try store.recordOAuthFailure(connection, Message([.text("CONNECT refused by the provider: "),
                                                              .perAudience(team: providerError, customer: code)]), setError: false)
            // A customer's copy is the code only (see `providerErrorCode`).
            let shown = connection.hiddenFromReader == nil ? providerError : (callback.providerErrorCode ?? "an unrecognised error")
            throw SwitchboardError.oauth("the provider did not authorize the connection: \(shown)")
        }
        guard let code = callback.code else {
            throw SwitchboardError.oauth("the callback carried no code")
        }
        progress(.exchanging)
        let secrets = [code, consumed.verifier].compactMap { $0 }
        let request = OAuthRequests.token(
            client: connection.client, grant: .authorizationCode(code: code, redirectURI: consumed.redirectURI, verifier: consumed.verifier))
        let response: TokenResponse
        do {
            response = try await exchange(request, connection: connection)
        } catch let error as OAuthError {
            var message = "code exchange failed: \(error)"
            if pasted && error.providerCode == "invalid_grant" { message += " (was the pasted URL cut off, or already used?)" }
            try store.recordOAuthFailure(connection, "CONNECT \(outside: message)", setError: false, redacting: secrets)
            throw SwitchboardError.oauth(connection.readerText(message, redacting: secrets))
        }
        let token = try store.storeTokens(connection, response, source: .authorizationCode, callbackMetadata: callback.metadata)
        progress(.stored(expiresAt: token.expiresAt))
        return token
    }

    /// RFC 9207's mix-up defence, for success and error responses alike: an `iss` must be
    /// the connection's issuer, and a server whose metadata promises `iss` must send it.
    /// Nil when the callback passes (or the connection names no issuer: nothing to compare).
    static func mixUpRefusal(_ callback: CallbackResult, client: OAuthClient) -> String? {
        guard let expected = client.issuer else { return nil }
        // The values are not echoed: whoever wrote the callback would learn, from what the
        // redactors mask in it, which of their guesses was a secret.
        if let issuer = callback.issuer, issuer != expected {
            return "the callback's iss is not this connection's issuer; it may come from another authorization server (RFC 9207), so no code was exchanged"
        }
        if callback.issuer == nil, client.discovery?.issParameterSupported == true {
            return "the callback carries no iss, but the issuer's metadata says every callback does (RFC 9207), so no code was exchanged"
        }
        return nil
    }

    // MARK: Client credentials

    /// `client_credentials`: tokens without a browser.
    @discardableResult
    package func connectClientCredentials(_ connection: OAuthConnection, progress: @escaping Progress = { _ in }) async throws -> StoredToken {
        try store.logOAuth(connection, level: .info, "CONNECT started: requesting a token with the client credentials grant")
        let response: TokenResponse
        do {
            response = try await exchange(OAuthRequests.token(client: connection.client, grant: .clientCredentials), connection: connection)
        } catch let error as OAuthError {
            try store.recordOAuthFailure(connection, "CONNECT failed: \(outside: error)", setError: false)
            throw SwitchboardError.oauth(connection.readerText("the token request failed: \(error)"))
        }
        let token = try store.storeTokens(connection, response, source: .clientCredentials)
        progress(.stored(expiresAt: token.expiresAt))
        return token
    }

    /// Sends a token request and reads the answer; every failure is an `OAuthError`
    /// whose text holds no secret of the connection.
    func exchange(_ request: HTTPRequest, connection: OAuthConnection) async throws -> TokenResponse {
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw OAuthError.network(connection.redactor().redact("\(error)"))
        }
        return try OAuthResponseParser.token(response, keepMetadata: connection.options.tokenMetadata)
    }
}
