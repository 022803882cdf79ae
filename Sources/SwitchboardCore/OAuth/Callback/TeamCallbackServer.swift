/// `switchboard callback-server`: the catcher as a long-lived service behind a team's
/// registered callback URL. It does not know the states; it hands each callback to the
/// database, where the waiting CLI or wizard session finds it by `state` (hashed).
package enum TeamCallbackServer {
    package typealias Report = @Sendable (String) -> Void

    package static func start(store: Store, host: String, port: UInt16, report: @escaping Report = { _ in }) async throws -> CallbackCatcher {
        try store.actor.authorize(.callbackServer)
        let rejections = RateLimit()
        let reject: Report = { note in
            guard let held = rejections.admit() else { return }
            report(note + (held > 0 ? " (and \(held) more rejections since the last such line)" : ""))
        }
        return try await CallbackCatcher.start(host: host, port: port) { request in
            let outcome = CallbackValidator.evaluate(request, expectedState: nil, keepMetadata: allMetadataNames(request))
            switch outcome {
            case .authorized(let result), .providerError(let result):
                do {
                    guard try store.recordCallback(result) else {
                        reject("rejected a callback for an unknown, expired or already answered state")
                        return .stateMismatch
                    }
                    report(result.error == nil ? "handed a callback to the waiting session" : "handed a provider error to the waiting session")
                    return CallbackPage.page(for: outcome)
                } catch {
                    report("could not store a callback: \(error)")
                    return CallbackPage(status: 500, title: "Switchboard could not record the authorization",
                                        message: "Return to your terminal and start CONNECT again, or paste the address of this page there.")
                }
            case .missingParameters:
                reject("rejected a callback without code and state")
                return CallbackPage.page(for: outcome)
            case .stateMismatch, .notFound, .methodNotAllowed:
                return CallbackPage.page(for: outcome)
            }
        }
    }

    /// The server does not know which connection a callback is for, so it keeps every
    /// extra query value; the waiting session keeps only its type's `callbackMetadata`.
    static func allMetadataNames(_ request: CallbackRequest) -> [String] {
        let reserved: Set<String> = ["code", "state", "error", "error_description", "error_uri", "iss", "scope"]
        return FormEncoding.decode(request.query).map(\.name).filter { !reserved.contains($0) }.prefix(20).map { $0 }
    }
}
