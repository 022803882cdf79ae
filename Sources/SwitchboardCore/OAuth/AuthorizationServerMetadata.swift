import Foundation

/// What an authorization server says about itself (RFC 8414; OpenID Connect Discovery for
/// servers that publish only that), fetched at CONNECT for a connection that gives its
/// `issuer`, and cached with the connection so refresh and DISCONNECT use the same
/// endpoints. Explicit endpoint fields win over these.
package struct AuthorizationServerMetadata: Codable, Sendable, Equatable {
    package var issuer: String
    package var authorizationEndpoint: String?
    package var tokenEndpoint: String?
    package var revocationEndpoint: String?
    package var deviceAuthorizationEndpoint: String?
    /// RFC 9207: every authorization response carries `iss`; one without it is refused.
    package var issParameterSupported: Bool
    /// The document's address (for messages).
    package var source: String

    package init(issuer: String, authorizationEndpoint: String? = nil, tokenEndpoint: String? = nil, revocationEndpoint: String? = nil,
                 deviceAuthorizationEndpoint: String? = nil, issParameterSupported: Bool, source: String) {
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.revocationEndpoint = revocationEndpoint
        self.deviceAuthorizationEndpoint = deviceAuthorizationEndpoint
        self.issParameterSupported = issParameterSupported
        self.source = source
    }

    /// Where to look, in order: RFC 8414 §3.1 puts the well-known segment between host and
    /// path (`https://host/.well-known/oauth-authorization-server/tenant`); OpenID Connect
    /// Discovery appends it to the issuer (`https://host/tenant/.well-known/openid-configuration`).
    package static func candidateURLs(issuer: String) -> [String] {
        let trimmed = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard var components = URLComponents(string: trimmed) else { return [] }
        let path = components.percentEncodedPath
        components.percentEncodedPath = "/.well-known/oauth-authorization-server" + path
        components.percentEncodedQuery = nil
        components.fragment = nil
        return [components.string, trimmed + "/.well-known/openid-configuration"].compactMap { $0 }
    }

    /// Reads one candidate's answer. The document must name exactly the configured issuer
    /// (RFC 8414 §3.3: otherwise another server's endpoints could be swapped in), and every
    /// endpoint must be an absolute http(s) URL.
    package static func parse(_ response: HTTPResponse, issuer: String, url: String) -> Result<Self, DiscoveryFailure> {
        guard response.status == 200 else { return .failure(.status(url: url, response.status)) }
        guard let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] else {
            return .failure(.notMetadata(url: url, "the answer is not a JSON object"))
        }
        guard let stated = object["issuer"] as? String else { return .failure(.notMetadata(url: url, "it has no issuer")) }
        // Not echoed: the server's text masked by the redactors would tell its author which
        // guess was a secret.
        guard stated == issuer else { return .failure(.notMetadata(url: url, "it names another issuer than \(issuer)")) }
        var endpoints: [String: String] = [:]
        for key in ["authorization_endpoint", "token_endpoint", "revocation_endpoint", "device_authorization_endpoint"] {
            guard let value = object[key] else { continue }
            guard let text = value as? String, FieldValidator.urlProblem(text) == nil, !TerminalText.containsControl(text) else {
                return .failure(.notMetadata(url: url, "its \(key) is not an absolute http(s) URL"))
            }
            endpoints[key] = text
        }
        return .success(AuthorizationServerMetadata(
            issuer: stated, authorizationEndpoint: endpoints["authorization_endpoint"], tokenEndpoint: endpoints["token_endpoint"],
            revocationEndpoint: endpoints["revocation_endpoint"], deviceAuthorizationEndpoint: endpoints["device_authorization_endpoint"],
            issParameterSupported: object["authorization_response_iss_parameter_supported"] as? Bool == true, source: url))
    }

    package enum DiscoveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
        case status(url: String, Int)
        case notMetadata(url: String, String)
        case network(url: String, String)

        var url: String {
            switch self {
            case .status(let url, _), .notMetadata(let url, _), .network(let url, _): url
            }
        }

        /// Worth trying the next candidate (the document is not there).
        var tryNext: Bool {
            if case .status(_, let status) = self { return status == 404 || status == 405 || status == 400 || status == 403 }
            return false
        }

        package var description: String {
            switch self {
            case .status(let url, let status): "discovery failed: \(url) answered HTTP \(status)"
            case .notMetadata(let url, let why): "discovery failed: \(url) is not authorization server metadata (\(why))"
            case .network(let url, let error): "discovery failed: \(url): \(error)"
            }
        }
    }
}
