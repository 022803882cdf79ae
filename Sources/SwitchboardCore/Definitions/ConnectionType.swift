/// A set of typed input fields, optionally OAuth 2.0 (SPEC §1).
public struct ConnectionType: Codable, Sendable, Hashable {
    public var key: String
    public var label: String
    public var fields: [FieldDefinition]
    public var oauth2: OAuthOptions?
    public var test: TestRequest?

    public init(key: String, label: String, fields: [FieldDefinition], oauth2: OAuthOptions? = nil, test: TestRequest? = nil) {
        self.key = key
        self.label = label
        self.fields = fields
        self.oauth2 = oauth2
        self.test = test
    }

    public func field(_ key: String) -> FieldDefinition? { fields.first { $0.key == key } }

    /// The label a person sees: OAuth `labels` rename standard fields without changing keys.
    public func displayLabel(of field: FieldDefinition) -> String {
        oauth2?.labels[field.key] ?? field.label
    }

    /// Whether the connection needs OAuth tokens before it counts as configured.
    public var needsTokens: Bool { oauth2 != nil }
}

public enum OAuthGrant: String, Codable, Sendable, CaseIterable {
    case authorizationCode = "authorization_code"
    case clientCredentials = "client_credentials"
    case deviceCode = "device_code"
}

public enum PKCEMethod: String, Codable, Sendable, CaseIterable {
    case s256 = "S256", plain, none
}

public enum ClientAuthMethod: String, Codable, Sendable, CaseIterable {
    case basic, body
}

public struct OAuthOptions: Codable, Sendable, Hashable {
    public var grant: OAuthGrant = .authorizationCode
    public var pkce: PKCEMethod = .s256
    public var clientAuth: ClientAuthMethod = .basic
    public var scopeSeparator: String = " "
    public var authorizeParams: [String: String] = [:]
    public var tokenParams: [String: String] = [:]
    public var deviceAuthorizationUrl: String?
    public var callbackMetadata: [String] = []
    public var tokenMetadata: [String] = []
    public var labels: [String: String] = [:]
    /// An exact loopback port for providers that only accept a registered redirect URI.
    public var callbackPort: Int?

    public init() {}

    /// The standard field keys (SPEC §1); they are ordinary fields of the connection type.
    public static let standardFieldKeys = ["authorizeUrl", "tokenUrl", "revokeUrl", "scopes", "clientId", "clientSecret"]

    /// Fields a grant cannot work without.
    public var requiredFieldKeys: [String] {
        switch grant {
        case .authorizationCode: ["authorizeUrl", "tokenUrl", "clientId"]
        case .clientCredentials: ["tokenUrl", "clientId", "clientSecret"]
        case .deviceCode: ["tokenUrl", "clientId"]
        }
    }
}

/// The request "Test connection" sends (SPEC §1).
public struct TestRequest: Codable, Sendable, Hashable {
    public var method: String
    public var url: String
    public var headers: [String: String]
    public var body: String?
    public var expectStatus: Int

    public init(method: String = "GET", url: String, headers: [String: String] = [:], body: String? = nil, expectStatus: Int = 200) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.expectStatus = expectStatus
    }
}
