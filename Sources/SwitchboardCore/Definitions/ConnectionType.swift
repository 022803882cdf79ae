/// A set of typed input fields, optionally OAuth 2.0 (SPEC §1).
package struct ConnectionType: Codable, Sendable, Hashable {
    package var key: String
    package var label: String
    package var fields: [FieldDefinition]
    package var oauth2: OAuthOptions?
    package var test: TestRequest?

    package init(key: String, label: String, fields: [FieldDefinition], oauth2: OAuthOptions? = nil, test: TestRequest? = nil) {
        self.key = key
        self.label = label
        self.fields = fields
        self.oauth2 = oauth2
        self.test = test
    }

    package func field(_ key: String) -> FieldDefinition? { fields.first { $0.key == key } }

    /// The label a person sees: OAuth `labels` rename standard fields without changing keys.
    package func displayLabel(of field: FieldDefinition) -> String {
        oauth2?.labels[field.key] ?? field.label
    }

    /// Whether the connection needs OAuth tokens before it counts as configured.
    package var needsTokens: Bool { oauth2 != nil }
}

package enum OAuthGrant: String, Codable, Sendable, CaseIterable {
    case authorizationCode = "authorization_code"
    case clientCredentials = "client_credentials"
    case deviceCode = "device_code"
}

package enum PKCEMethod: String, Codable, Sendable, CaseIterable {
    case s256 = "S256", plain, none
}

package enum ClientAuthMethod: String, Codable, Sendable, CaseIterable {
    case basic, body
}

package struct OAuthOptions: Codable, Sendable, Hashable {
    package var grant: OAuthGrant = .authorizationCode
    package var pkce: PKCEMethod = .s256
    package var clientAuth: ClientAuthMethod = .basic
    package var scopeSeparator: String = " "
    package var authorizeParams: [String: String] = [:]
    package var tokenParams: [String: String] = [:]
    package var deviceAuthorizationUrl: String?
    package var callbackMetadata: [String] = []
    package var tokenMetadata: [String] = []
    package var labels: [String: String] = [:]
    /// An exact loopback port for providers that only accept a registered redirect URI.
    package var callbackPort: Int?
    /// Seconds an access token is taken to live when the token response gives no
    /// `expires_in` (Salesforce: the org's session timeout, 2 h by default), so refresh
    /// and `run` renew it in time instead of never.
    package var assumedLifetime: Int?
    /// Seconds after which a refresh token is renewed even if its access token is not
    /// due (`keepAlive: 30d`): providers revoke refresh tokens left unused (Google after
    /// 6 months, Microsoft and Atlassian after 90 days). Nil: only expiry triggers refresh.
    package var keepAlive: Int?
    /// How DISCONNECT revokes at `revokeUrl`; nil is RFC 7009 (optional so integration
    /// versions stored before it decode unchanged).
    package var revocation: RevocationOptions?
    /// Metadata fetched with the new token right after CONNECT (Atlassian's cloud id).
    package var lookup: MetadataLookup?
    /// Requested scope → the name the provider grants it under (`GrantedScopes`).
    package var scopeAliases: [String: String]?

    package init() {}

    /// Metadata keys a template may name: what the callback, the token response and the
    /// lookup keep.
    package var metadataKeys: Set<String> {
        Set(callbackMetadata).union(tokenMetadata).union(lookup.map { Array($0.keep.keys) } ?? [])
    }

    /// The revocation style in force: the declared one, or RFC 7009 with success = HTTP 200.
    package var revocationStyle: RevocationOptions { revocation ?? RevocationOptions() }

    /// The standard field keys (SPEC §1); they are ordinary fields of the connection type.
    package static let standardFieldKeys = ["authorizeUrl", "tokenUrl", "revokeUrl", "scopes", "clientId", "clientSecret", "issuer"]

    /// Fields a grant cannot work without.
    package var requiredFieldKeys: [String] {
        switch grant {
        case .authorizationCode: ["authorizeUrl", "tokenUrl", "clientId"]
        case .clientCredentials: ["tokenUrl", "clientId", "clientSecret"]
        case .deviceCode: ["tokenUrl", "clientId"]
        }
    }
}

/// The request "Test connection" sends (SPEC §1).
package struct TestRequest: Codable, Sendable, Hashable {
    package var method: String
    package var url: String
    package var headers: [String: String]
    package var body: String?
    /// The body's Content-Type; none is sent unless declared (libcurl's form default is
    /// suppressed: Dropbox refuses it on a body-less POST).
    package var contentType: String?
    package var expectStatus: Int
    /// More statuses that pass (`expectStatus: [200, 403]`): an app-only Microsoft Graph
    /// token without a directory permission gets 403, a dead one 401. Optional so
    /// integration versions stored before it decode unchanged.
    package var alsoAccepted: [Int]?
    /// Values the response's JSON must hold, by dotted path (`ok: true` for Slack). Optional
    /// so integration versions stored before it decode unchanged.
    package var expectJson: [String: ExpectedJSON]?

    package init(method: String = "GET", url: String, headers: [String: String] = [:], body: String? = nil, contentType: String? = nil,
                 expectStatus: Int = 200, expectJson: [String: ExpectedJSON]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.contentType = contentType
        self.expectStatus = expectStatus
        self.expectJson = expectJson
    }

    package func accepts(_ status: Int) -> Bool { status == expectStatus || alsoAccepted?.contains(status) == true }

    /// "200", or "200 or 403".
    package var expectedStatuses: String { ([expectStatus] + (alsoAccepted ?? [])).map(String.init).joined(separator: " or ") }
}
