/// One request that reached the callback catcher, reduced to what the check needs.
package struct CallbackRequest: Sendable, Equatable {
    package var method: String
    /// Percent-encoded path, without the query.
    package var path: String
    /// Raw (percent-encoded) query, without the `?`.
    package var query: String

    package init(method: String, path: String, query: String) {
        self.method = method
        self.path = path
        self.query = query
    }
}

/// What the authorization response carried (RFC 6749 §4.1.2 / §4.1.2.1). Holds the code:
/// never log or print it whole; `description` does not show it.
package struct CallbackResult: Sendable, Equatable, Codable, CustomStringConvertible {
    package var state: String
    package var code: String?
    package var error: String?
    package var errorDescription: String?
    /// `callbackMetadata` values (e.g. QuickBooks `realmId`).
    package var metadata: [String: String]
    /// `iss` (RFC 9207): which authorization server sent the browser back; checked against
    /// the connection's issuer before any code exchange.
    package var issuer: String?

    package init(state: String, code: String? = nil, error: String? = nil, errorDescription: String? = nil, metadata: [String: String] = [:],
                 issuer: String? = nil) {
        self.state = state
        self.code = code
        self.error = error
        self.errorDescription = errorDescription
        self.metadata = metadata
        self.issuer = issuer
    }

    /// The provider's refusal as one line, e.g. `access_denied: The user denied access`.
    package var providerError: String? {
        guard let error else { return nil }
        guard let errorDescription, !errorDescription.isEmpty else { return error }
        return "\(error): \(errorDescription)"
    }

    /// The callback's `error` as a customer may read it: one of RFC 6749 §4.1.2.1's codes,
    /// else a fixed word. Whoever holds the redirect URL writes a callback's text (a pasted
    /// URL is typed by the customer), so a customer's copy of it must not pass through the
    /// redactors: what they mask would tell a guesser which guess was a hidden value.
    package var providerErrorCode: String? {
        guard let error else { return nil }
        let known: Set<String> = ["invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type",
                                  "invalid_scope", "server_error", "temporarily_unavailable", "interaction_required",
                                  "login_required", "consent_required", "account_selection_required"]
        return known.contains(error) ? error : "an unrecognised error"
    }

    package var description: String {
        if let providerError { return "CallbackResult(error \(providerError))" }
        return "CallbackResult(code present, \(metadata.count) metadata value(s))"
    }
}

/// The decision about one request to the callback catcher.
package enum CallbackOutcome: Sendable, Equatable {
    /// `code` and a matching `state`.
    case authorized(CallbackResult)
    /// The provider's `error` with a matching `state`.
    case providerError(CallbackResult)
    /// A `state` that is not the pending one (forged, stale or from another attempt).
    case stateMismatch
    /// `/callback` without a usable `state`, or with neither `code` nor `error`.
    case missingParameters(String)
    /// Any other path (`/favicon.ico`, scanners).
    case notFound
    /// Not a GET to `/callback`.
    case methodNotAllowed

    /// The catcher stops after this request.
    package var completesFlow: Bool {
        switch self {
        case .authorized, .providerError: true
        default: false
        }
    }
}

/// The callback catcher's checks as a pure function over the request (ARCHITECTURE.md):
/// the socket code around it only turns an HTTP request into `CallbackRequest` and the
/// returned `CallbackPage` into a response.
package enum CallbackValidator {
    package static let path = "/callback"
    /// Longest `code`/`state`/metadata value taken; real ones are far shorter.
    static let maxValueLength = 4096

    /// - Parameters:
    ///   - expectedState: the pending state, compared in constant time; nil when the
    ///     caller matches states itself (the team callback server looks them up by hash).
    ///   - keepMetadata: `callbackMetadata` names to keep from the query.
    ///   - anyPath: for a pasted redirect URL, whose path is whatever the browser showed.
    ///   - path: the catcher's path (the `redirectUri`'s, else `/callback`).
    package static func evaluate(_ request: CallbackRequest, expectedState: AuthorizationState?, keepMetadata: [String] = [], anyPath: Bool = false,
                                 path expectedPath: String = Self.path) -> CallbackOutcome {
        if !anyPath {
            func trimmed(_ path: String) -> String { path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path }
            guard trimmed(request.path) == trimmed(expectedPath) else { return .notFound }
            guard request.method.uppercased() == "GET" else { return .methodNotAllowed }
        }
        let fields = FormEncoding.decodeFields(request.query)
        func value(_ name: String) -> String? {
            guard let raw = fields[name], !raw.isEmpty, raw.utf8.count <= maxValueLength else { return nil }
            return raw
        }
        guard let state = value("state") else { return .missingParameters("state") }
        if let expectedState, !expectedState.matches(state) { return .stateMismatch }
        var metadata: [String: String] = [:]
        for name in keepMetadata {
            // Handed to step code and shown in listings: one short printable line only.
            if let kept = value(name), kept.utf8.count <= 512, !TerminalText.containsControl(kept) { metadata[name] = kept }
        }
        // Kept as sent (compared exactly), but never a control character: it may be shown.
        let issuer = value("iss").map { TerminalText.containsControl($0) ? TerminalText.escaped($0) : $0 }
        if let error = value("error") {
            let description = value("error_description").map(OAuthResponseParser.singleLine)
            return .providerError(CallbackResult(state: state, error: OAuthResponseParser.singleLine(error), errorDescription: description,
                                                 metadata: metadata, issuer: issuer))
        }
        guard let code = value("code") else { return .missingParameters("code") }
        return .authorized(CallbackResult(state: state, code: code, metadata: metadata, issuer: issuer))
    }
}
