import Foundation

/// What a token request asks for (RFC 6749 §4.1.3, §6, §4.4; RFC 8628 §3.4).
package enum TokenGrant: Sendable, Equatable, CustomStringConvertible {
    case authorizationCode(code: String, redirectURI: String, verifier: String?)
    case refreshToken(String)
    case clientCredentials
    case deviceCode(String)

    package static let deviceCodeGrantType = "urn:ietf:params:oauth:grant-type:device_code"

    package var grantType: String {
        switch self {
        case .authorizationCode: "authorization_code"
        case .refreshToken: "refresh_token"
        case .clientCredentials: "client_credentials"
        case .deviceCode: Self.deviceCodeGrantType
        }
    }

    /// The grant's kind only: codes and tokens are secrets.
    package var description: String { grantType }
}

/// Builds the form POSTs Switchboard sends to a provider: token, device authorization and
/// revocation requests, each with the connection's client authentication.
package enum OAuthRequests {
    /// Parameters Switchboard sets itself; `tokenParams` cannot replace them.
    static let protocolParameters: Set<String> = [
        "grant_type", "code", "redirect_uri", "code_verifier", "refresh_token", "device_code",
        "client_id", "client_secret", "scope",
    ]

    package static func token(client: OAuthClient, grant: TokenGrant) -> HTTPRequest {
        var fields: [(name: String, value: String)] = [("grant_type", grant.grantType)]
        switch grant {
        case .authorizationCode(let code, let redirectURI, let verifier):
            fields.append(("code", code))
            fields.append(("redirect_uri", redirectURI))
            if let verifier, !verifier.isEmpty { fields.append(("code_verifier", verifier)) }
        case .refreshToken(let token):
            fields.append(("refresh_token", token))
        case .clientCredentials:
            if let scope = client.scopeParameter { fields.append(("scope", scope)) }
        case .deviceCode(let code):
            fields.append(("device_code", code))
        }
        for (name, value) in client.options.tokenParams.sorted(by: { $0.key < $1.key })
        where !protocolParameters.contains(name) {
            fields.append((name, value))
        }
        return form(url: client.tokenUrl, fields: fields, client: client)
    }

    /// RFC 8628 §3.1.
    package static func deviceAuthorization(client: OAuthClient) -> HTTPRequest {
        var fields: [(name: String, value: String)] = []
        if let scope = client.scopeParameter { fields.append(("scope", scope)) }
        return form(url: client.deviceAuthorizationUrl ?? "", fields: fields, client: client)
    }

    /// The revocation of one token at `revokeUrl`, in the type's revocation style:
    /// RFC 7009 §2.1 (form `token` + `token_type_hint`), the token as Bearer credential and
    /// no body, or a JSON object `{tokenParam: token}` sent with `POST` or `DELETE`.
    package static func revocation(client: OAuthClient, token: String, kind: RevocationOptions.Token) -> HTTPRequest {
        let style = client.options.revocationStyle
        let url = client.revokeUrl ?? ""
        let auth = style.clientAuth ?? client.options.clientAuth
        switch style.style {
        case .rfc7009:
            return form(url: url, fields: [("token", token), ("token_type_hint", kind.rawValue)], client: client, auth: auth)
        case .bearer:
            return HTTPRequest(method: "POST", url: url, headers: ["Authorization": "Bearer \(token)", "Accept": "application/json"])
        case .json, .delete:
            var (fields, headers) = clientAuthentication(client, auth: auth)
            fields.insert((style.tokenParam, token), at: 0)
            headers["Content-Type"] = "application/json"
            let object = Dictionary(fields.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
            return HTTPRequest(method: style.style == .delete ? "DELETE" : "POST", url: url, headers: headers, body: jsonObject(object))
        }
    }

    /// Client authentication (RFC 6749 §2.3.1): HTTP Basic with the form-encoded id and
    /// secret, or both in the body. A public client (no secret) identifies itself with
    /// `client_id` in the body (§3.2.1).
    static func form(url: String, fields: [(name: String, value: String)], client: OAuthClient,
                     auth: ClientAuthMethod? = nil) -> HTTPRequest {
        let (credentials, headers) = clientAuthentication(client, auth: auth ?? client.options.clientAuth)
        return HTTPRequest.form(url: url, fields: fields + credentials, headers: headers)
    }

    /// The body fields and headers that authenticate the client as `auth` says.
    static func clientAuthentication(_ client: OAuthClient, auth: ClientAuthMethod) -> (fields: [(name: String, value: String)], headers: HTTPHeaders) {
        var fields: [(name: String, value: String)] = []
        var headers = HTTPHeaders()
        // GitHub answers in form encoding unless JSON is asked for; others ignore it.
        headers["Accept"] = "application/json"
        if let secret = client.clientSecret {
            switch auth {
            case .basic:
                headers["Authorization"] = FormEncoding.basicAuthorization(clientId: client.clientId, clientSecret: secret)
            case .body:
                fields.append(("client_id", client.clientId))
                fields.append(("client_secret", secret))
            }
        } else {
            fields.append(("client_id", client.clientId))
        }
        return (fields, headers)
    }

    /// A flat JSON object of strings, keys sorted (a stable body for logs and tests).
    static func jsonObject(_ object: [String: String]) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding a [String: String] cannot fail.
        return (try? encoder.encode(object)) ?? Data("{}".utf8)
    }
}
