import Foundation
import SwitchboardCore

/// CONNECT and DISCONNECT over the core's `OAuthFlows`, the same flows `switchboard
/// connect` and `disconnect` run, with the wizard's own ways in: a pasted redirect URL
/// raced against the loopback catcher, progress reported as values, cancellation by the
/// calling task.
extension StoreWizardBackend {
    public func connect(instance: String, variable: String, timeout: Duration, pasted: AsyncStream<String>,
                        progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> WizardConnection {
        let oauth = try store.oauthConnection(instance: instance, variable: variable)
        let flows = OAuthFlows(store: store, transport: transport)
        let forward: OAuthFlows.Progress = { event in
            switch event {
            case .callbackRejected: progress(.rejected(event.message))
            case .deviceCode: break  // reported whole, with the expiry, by connectDevice
            default: progress(.step(event.message))
            }
        }
        switch oauth.options.grant {
        case .clientCredentials:
            progress(.step("Requesting a token with the client credentials grant (no browser)"))
            try await flows.connectClientCredentials(oauth, progress: forward)
        case .deviceCode:
            try await connectDevice(oauth, flows: flows, timeout: timeout, progress: progress, forward: forward)
        case .authorizationCode:
            try await connectAuthorizationCode(oauth, flows: flows, timeout: timeout, pasted: pasted, progress: progress, forward: forward)
        }
        return try connection(instance: instance, variable: variable)
    }

    public func disconnect(instance: String, variable: String) async throws -> DisconnectResult {
        let report = try await OAuthFlows(store: store, transport: transport).disconnect(instance: instance, variable: variable)
        // In customer role the core has already kept hidden fields out of the notes.
        let notes = [report.hadTokens ? "Tokens deleted; refreshing stopped" : "There were no tokens to delete"] + report.revocation
        return DisconnectResult(detail: try connection(instance: instance, variable: variable), notes: notes)
    }

    func connectAuthorizationCode(_ oauth: OAuthConnection, flows: OAuthFlows, timeout: Duration, pasted: AsyncStream<String>,
                                  progress: @escaping @Sendable (ConnectProgress) -> Void,
                                  forward: @escaping OAuthFlows.Progress) async throws {
        let redirect: OAuthFlows.Redirect = callbackURL.map { .registered($0) }
            ?? .loopback(host: "127.0.0.1", port: UInt16(oauth.options.callbackPort ?? 0))
        let session = try await flows.beginAuthorization(oauth, redirect: redirect, lifetime: timeout, progress: forward)
        progress(.authorize(url: session.authorizeURL, redirectURI: session.redirectURI, port: session.listeningPort.map(Int.init)))
        do {
            let (callback, wasPasted) = try await firstCallback(session, oauth, pasted: pasted, timeout: timeout, progress: progress)
            if wasPasted { progress(.step("Pasted redirect URL accepted")) }
            try await flows.complete(session, with: callback, pasted: wasPasted, progress: forward)
        } catch {
            await session.cancel()
            if error is CancellationError {
                try? store.logOAuth(oauth, level: .info, "CONNECT cancelled")
            } else if case SwitchboardError.oauth(let message) = error, message.hasPrefix("no callback arrived") {
                try? store.logOAuth(oauth, level: .warning, "CONNECT timed out after \(timeout.components.seconds) s without a callback")
            }
            throw error
        }
    }

    /// The first of: the browser reaching the catcher (or the team server), a pasted URL
    /// that checks out, the timeout. A pasted URL that does not check out is reported and
    /// logged, and the wait goes on. True when the callback was pasted.
    func firstCallback(_ session: AuthorizationSession, _ oauth: OAuthConnection, pasted: AsyncStream<String>, timeout: Duration,
                       progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> (CallbackResult, Bool) {
        let store = self.store
        return try await withThrowingTaskGroup(of: (CallbackResult, Bool)?.self) { group in
            group.addTask { (try await session.waitForCallback(timeout: timeout), false) }
            group.addTask {
                for await text in pasted {
                    switch PastedRedirect.evaluate(text, expectedState: session.state, keepMetadata: oauth.options.callbackMetadata) {
                    case .success(let result):
                        return (result, true)
                    case .failure(let error):
                        progress(.rejected("Pasted URL refused: \(error.description)"))
                        try? store.logOAuth(oauth, level: .warning, "Pasted redirect URL refused: \(outside: error.description)")
                    }
                }
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let result = next { return result }
            }
            throw CancellationError()
        }
    }

    func connectDevice(_ oauth: OAuthConnection, flows: OAuthFlows, timeout: Duration,
                       progress: @escaping @Sendable (ConnectProgress) -> Void,
                       forward: @escaping OAuthFlows.Progress) async throws {
        let authorization = try await flows.beginDeviceAuthorization(oauth, progress: forward)
        progress(.device(userCode: authorization.userCode, verificationURI: authorization.verificationURI,
                         completeURI: authorization.verificationURIComplete, expiresIn: authorization.expiresIn))
        let limit = min(timeout, .seconds(authorization.expiresIn))
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await flows.completeDeviceAuthorization(oauth, authorization, progress: forward) }
                group.addTask {
                    try await Task.sleep(for: limit)
                    throw SwitchboardError.oauth("the device code was not approved within \(limit.components.seconds) s; nothing was changed")
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            if error is CancellationError { try? store.logOAuth(oauth, level: .info, "CONNECT (device code) cancelled") }
            throw error
        }
    }
}
