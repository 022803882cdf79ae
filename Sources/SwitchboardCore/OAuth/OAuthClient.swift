/// One connection's OAuth settings, resolved: the connection type's options plus the
/// effective field values (defaults applied, templates rendered). Built once per flow;
/// every request builder reads it, so the rules for which field means what live here.
package struct OAuthClient: Sendable, Equatable {
    package var options: OAuthOptions
    package var authorizeUrl: String?
    package var tokenUrl: String
    package var revokeUrl: String?
    /// The `redirectUri` field: where the provider sends the browser back (nil: a
    /// loopback catcher on any free port, see `RedirectTarget`).
    package var redirectUri: String?
    /// `deviceAuthorizationUrl` with `{{field}}` templates rendered.
    package var deviceAuthorizationUrl: String?
    package var scopes: [String]
    package var clientId: String
    /// Nil for public clients (PKCE or device flow without a secret).
    package var clientSecret: String?
    /// The `issuer` field (RFC 8414): endpoints not given as fields come from its metadata,
    /// and a callback's `iss` must equal it (RFC 9207).
    package var issuer: String?
    /// The issuer's metadata as fetched at the last CONNECT.
    package var discovery: AuthorizationServerMetadata?
    /// Endpoint keys whose value came from `discovery`, not from a field.
    package var discovered: Set<String> = []

    package init(options: OAuthOptions, authorizeUrl: String?, tokenUrl: String, revokeUrl: String?,
                deviceAuthorizationUrl: String?, scopes: [String], clientId: String, clientSecret: String?) {
        self.options = options
        self.authorizeUrl = authorizeUrl
        self.tokenUrl = tokenUrl
        self.revokeUrl = revokeUrl
        self.deviceAuthorizationUrl = deviceAuthorizationUrl
        self.scopes = scopes
        self.clientId = clientId
        self.clientSecret = clientSecret
    }

    /// Reads the standard field keys (SPEC §1) from the effective values. Fails with a
    /// sentence naming the field (by its label) a grant cannot work without.
    package init(type: ConnectionType, values: [String: String], discovery: AuthorizationServerMetadata? = nil) throws {
        guard let options = type.oauth2 else {
            throw SwitchboardError.usage("connection type \(type.key) is not an OAuth 2.0 connection")
        }
        func value(_ key: String) -> String? {
            guard let raw = values[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
            return raw
        }
        func label(_ key: String) -> String {
            options.labels[key] ?? type.field(key)?.label ?? key
        }
        let issuer = value("issuer")
        // Metadata fetched for another issuer (the field changed since) is not this one's.
        let discovery = discovery.flatMap { $0.issuer == issuer ? $0 : nil }
        // With an issuer the endpoints may come from its metadata (fetched at CONNECT).
        let discoverable: Set<String> = issuer == nil ? [] : ["authorizeUrl", "tokenUrl"]
        for key in options.requiredFieldKeys where value(key) == nil && !discoverable.contains(key) {
            throw SwitchboardError.invalidValue("\(label(key)) (\(key)) is not set; configure it before connecting")
        }
        var deviceURL = options.deviceAuthorizationUrl.map { Template.render($0, values: values) }
        if deviceURL?.isEmpty == true { deviceURL = nil }
        var discovered: Set<String> = []
        func endpoint(_ key: String, _ given: String?, _ fromMetadata: String?) -> String? {
            if let given { return given }
            if fromMetadata != nil { discovered.insert(key) }
            return fromMetadata
        }
        let authorize = endpoint("authorizeUrl", value("authorizeUrl"), discovery?.authorizationEndpoint)
        let token = endpoint("tokenUrl", value("tokenUrl"), discovery?.tokenEndpoint)
        let revoke = endpoint("revokeUrl", value("revokeUrl"), discovery?.revocationEndpoint)
        deviceURL = endpoint("deviceAuthorizationUrl", deviceURL, discovery?.deviceAuthorizationEndpoint)
        if options.grant == .deviceCode && deviceURL == nil && issuer == nil {
            throw SwitchboardError.invalidValue("connection type \(type.key) uses the device code grant but has no deviceAuthorizationUrl")
        }
        self.init(
            options: options, authorizeUrl: authorize, tokenUrl: token ?? "",
            revokeUrl: revoke, deviceAuthorizationUrl: deviceURL,
            scopes: Self.splitScopes(value("scopes") ?? "", separator: options.scopeSeparator),
            clientId: value("clientId") ?? "", clientSecret: value("clientSecret"))
        redirectUri = value("redirectUri")
        self.issuer = issuer
        self.discovery = discovery
        self.discovered = discovered
    }

    /// The fields that decide where an endpoint's requests go: the endpoint's own field,
    /// or `issuer` when the address came from the issuer's metadata.
    func destination(_ key: String, template: String? = nil) -> [String] {
        if discovered.contains(key) { return ["issuer"] }
        return template.map { Template.references(in: $0) } ?? [key]
    }

    /// Refuses a client whose token or device authorization URL a customer chose while the
    /// requests to it would carry the team's client id or secret (`ValueProvenance`); a
    /// revocation endpoint chosen so is dropped instead (DISCONNECT still deletes the tokens).
    /// `carryingTokens`: the connection holds tokens a refresh (or revocation) would send.
    package func guarded(by provenance: ValueProvenance, carryingTokens: Bool) throws -> OAuthClient {
        // Names that are no field (the tokens) count as team-held, so only fields in use.
        let credentials = ["clientId"] + (clientSecret != nil ? ["clientSecret"] : []) + (carryingTokens ? ["refresh_token"] : [])
        if let refusal = provenance.refusal("the token request", destination: destination("tokenUrl"), carrying: credentials) { throw refusal }
        if deviceAuthorizationUrl != nil,
           let refusal = provenance.refusal("the device authorization request",
                                            destination: destination("deviceAuthorizationUrl", template: options.deviceAuthorizationUrl), carrying: credentials) {
            throw refusal
        }
        var client = self
        // A revocation always carries a token.
        if provenance.refusal("revocation", destination: destination("revokeUrl"), carrying: credentials + ["access_token"]) != nil { client.revokeUrl = nil }
        return client
    }

    /// Scopes as typed: separated by whitespace or by the type's separator (a person may
    /// write `a, b` for a comma-separated provider), empty entries dropped, order kept.
    package static func splitScopes(_ text: String, separator: String) -> [String] {
        var parts = [text]
        if !separator.trimmingCharacters(in: .whitespaces).isEmpty {
            parts = parts.flatMap { $0.components(separatedBy: separator) }
        }
        return parts.flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
    }

    /// The `scope` parameter: scopes joined with the type's separator; nil when none.
    package var scopeParameter: String? {
        scopes.isEmpty ? nil : scopes.joined(separator: options.scopeSeparator)
    }

    /// Secrets this client knows, for redaction.
    package var secretValues: [String] { [clientSecret].compactMap { $0 } }
}
