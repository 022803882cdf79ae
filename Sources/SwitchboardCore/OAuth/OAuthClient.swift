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
    package init(type: ConnectionType, values: [String: String]) throws {
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
        for key in options.requiredFieldKeys where value(key) == nil {
            throw SwitchboardError.invalidValue("\(label(key)) (\(key)) is not set; configure it before connecting")
        }
        var deviceURL = options.deviceAuthorizationUrl.map { Template.render($0, values: values) }
        if deviceURL?.isEmpty == true { deviceURL = nil }
        if options.grant == .deviceCode && deviceURL == nil {
            throw SwitchboardError.invalidValue("connection type \(type.key) uses the device code grant but has no deviceAuthorizationUrl")
        }
        self.init(
            options: options, authorizeUrl: value("authorizeUrl"), tokenUrl: value("tokenUrl") ?? "",
            revokeUrl: value("revokeUrl"), deviceAuthorizationUrl: deviceURL,
            scopes: Self.splitScopes(value("scopes") ?? "", separator: options.scopeSeparator),
            clientId: value("clientId") ?? "", clientSecret: value("clientSecret"))
        redirectUri = value("redirectUri")
    }

    /// Refuses a client whose token or device authorization URL a customer chose while the
    /// requests to it would carry the team's client id or secret (`ValueProvenance`); a
    /// revocation endpoint chosen so is dropped instead (DISCONNECT still deletes the tokens).
    /// `carryingTokens`: the connection holds tokens a refresh (or revocation) would send.
    package func guarded(by provenance: ValueProvenance, carryingTokens: Bool) throws -> OAuthClient {
        // Names that are no field (the tokens) count as team-held, so only fields in use.
        let credentials = ["clientId"] + (clientSecret != nil ? ["clientSecret"] : []) + (carryingTokens ? ["refresh_token"] : [])
        if let refusal = provenance.refusal("the token request", destination: ["tokenUrl"], carrying: credentials) { throw refusal }
        if let template = options.deviceAuthorizationUrl,
           let refusal = provenance.refusal("the device authorization request", destination: Template.references(in: template), carrying: credentials) {
            throw refusal
        }
        var client = self
        // A revocation always carries a token.
        if provenance.refusal("revocation", destination: ["revokeUrl"], carrying: credentials + ["access_token"]) != nil { client.revokeUrl = nil }
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
