import Foundation
import Synchronization

/// One authorization code attempt: the state, the PKCE verifier, where the callback
/// arrives, and the URL to open. Made by `OAuthFlows.beginAuthorization`; finished by
/// `waitForCallback` then `OAuthFlows.complete`, or by `cancel`.
package final class AuthorizationSession: Sendable {
    package let connection: OAuthConnection
    package let state: AuthorizationState
    package let redirectURI: String
    package let authorizeURL: String
    package let expiresAt: Date
    /// Nil when the callback goes to the team callback server.
    let catcher: CallbackCatcher?
    let callbacks: AsyncStream<CallbackResult>?
    let store: Store

    init(connection: OAuthConnection, state: AuthorizationState, redirectURI: String, authorizeURL: String, expiresAt: Date,
         catcher: CallbackCatcher?, callbacks: AsyncStream<CallbackResult>?, store: Store) {
        self.connection = connection
        self.state = state
        self.redirectURI = redirectURI
        self.authorizeURL = authorizeURL
        self.expiresAt = expiresAt
        self.catcher = catcher
        self.callbacks = callbacks
        self.store = store
    }

    /// The port the loopback catcher listens on (for the `ssh -L` hint).
    package var listeningPort: UInt16? { catcher?.port }

    /// How a callback reached this session.
    package struct Received: Sendable {
        package var callback: CallbackResult
        /// True when the person pasted the redirect URL (a cut-off paste then gets a hint).
        package var pasted: Bool
    }

    /// Waits for the first of: the browser reaching the loopback catcher, the team callback
    /// server storing the callback, a pasted redirect URL that checks out, or the timeout
    /// (`AuthorizationTimeout`). A pasted URL that does not check out goes to `refused`
    /// and the wait goes on, so a person can paste again; when the pasted input ends after
    /// a refusal, the wait ends with it.
    package func waitForCallback(pasted: AsyncStream<String>? = nil, timeout: Duration,
                                pollInterval: Duration = .milliseconds(200),
                                refused: @escaping @Sendable (SwitchboardError) -> Void = { _ in }) async throws -> Received {
        try await withThrowingTaskGroup(of: Received?.self) { group in
            if let callbacks {
                group.addTask {
                    for await result in callbacks { return Received(callback: result, pasted: false) }
                    return nil
                }
            } else {
                let store = self.store, state = self.state
                let keep = Set(connection.options.callbackMetadata)
                group.addTask {
                    // The team server writes the callback into the store, on this host or
                    // another: look again whenever a commit is announced (PostgreSQL's
                    // NOTIFY), and every `pollInterval` in any case.
                    let monitor = try? store.changeMonitor()
                    while true {
                        if var result = try store.receivedCallback(state: state) {
                            guard state.matches(result.state) else { throw SwitchboardError.oauth("the callback server stored a callback for another state") }
                            result.metadata = result.metadata.filter { keep.contains($0.key) }
                            return Received(callback: result, pasted: false)
                        }
                        if let monitor {
                            await monitor.waitForCommit(upTo: pollInterval)
                            try Task.checkCancellation()
                        } else {
                            try await Task.sleep(for: pollInterval)
                        }
                    }
                }
            }
            if let pasted {
                let state = self.state, keep = connection.options.callbackMetadata
                group.addTask {
                    var lastRefusal: SwitchboardError?
                    for await text in pasted where !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                        switch PastedRedirect.evaluate(text, expectedState: state, keepMetadata: keep) {
                        case .success(let result): return Received(callback: result, pasted: true)
                        case .failure(let error):
                            lastRefusal = error
                            refused(error)
                        }
                    }
                    // The input ended (a script's pipe): after a refusal nobody can paste
                    // again, so waiting on would only run out the timeout.
                    if let lastRefusal { throw lastRefusal }
                    return nil
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw AuthorizationTimeout(seconds: timeout.components.seconds)
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let result = next { return result }
            }
            throw CancellationError()
        }
    }

    /// Stops the catcher and forgets the pending authorization (cancel, timeout, error).
    package func cancel() async {
        await close()
        try? store.cancelAuthorization(state: state)
    }

    /// Stops the catcher (after the response to the browser went out).
    package func close() async {
        await catcher?.stop()
    }
}

/// Delivers the first completing callback to the waiting session; later ones are told
/// the authorization is no longer pending.
final class CallbackGate: Sendable {
    private let delivered = Mutex(false)
    let continuation: AsyncStream<CallbackResult>.Continuation

    init(_ continuation: AsyncStream<CallbackResult>.Continuation) { self.continuation = continuation }

    /// True for the first caller only.
    func deliver(_ result: CallbackResult) -> Bool {
        let first = delivered.withLock { done in
            defer { done = true }
            return !done
        }
        if first {
            continuation.yield(result)
            continuation.finish()
        }
        return first
    }
}

/// No callback arrived in time. Its own type, so the use case can log the timeout without
/// reading the sentence; a person reads `SwitchboardError`'s wording of it.
package struct AuthorizationTimeout: Error, Sendable, Equatable {
    package let seconds: Int64

    package var error: SwitchboardError {
        .oauth("no callback arrived within \(seconds) s; nothing was changed (start CONNECT again)")
    }
}
