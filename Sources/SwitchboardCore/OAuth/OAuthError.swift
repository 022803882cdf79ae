/// Why a provider exchange failed, classified so refresh can tell a temporary problem
/// (retry later, status unchanged) from a final one (`invalid_grant` → status error).
/// Messages name the endpoint's answer, never a token, code or secret.
package enum OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An OAuth error response (RFC 6749 §5.2, §4.1.2.1; RFC 8628 §3.5).
    case provider(code: String, description: String?, status: Int)
    /// An answer that is not a usable OAuth response (HTML, not JSON, no access_token).
    case unexpectedResponse(String)
    /// The provider is having trouble (HTTP 5xx or 429) without an OAuth error code.
    case unavailable(status: Int)
    /// No response arrived (connection refused, timeout, TLS failure).
    case network(String)

    /// Worth retrying later: network trouble, 5xx/429, and the two error codes RFC 6749
    /// defines for a provider's temporary problems.
    package var isTransient: Bool {
        switch self {
        case .network, .unavailable: true
        case .provider(let code, _, let status): code == "temporarily_unavailable" || code == "server_error" || status >= 500 || status == 429
        case .unexpectedResponse: false
        }
    }

    package var providerCode: String? {
        if case .provider(let code, _, _) = self { return code }
        return nil
    }

    package var description: String {
        switch self {
        case .provider(let code, let description, _):
            guard let description, !description.isEmpty else { return code }
            return "\(code): \(description)"
        case .unexpectedResponse(let detail):
            return detail
        case .unavailable(let status):
            return "the provider answered HTTP \(status) (temporarily unavailable)"
        case .network(let detail):
            return detail
        }
    }

    /// The core's error for a person: one sentence with context.
    package func switchboardError(_ context: String) -> SwitchboardError {
        .oauth("\(context): \(description)")
    }
}
