/// Builds the provider's authorization request URL (RFC 6749 §4.1.1, RFC 7636 §4.3).
package enum AuthorizeURL {
    /// Parameters Switchboard sets itself; `authorizeParams` cannot replace them.
    static let protocolParameters: Set<String> = [
        "response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method",
    ]

    package static func build(client: OAuthClient, redirectURI: String, state: AuthorizationState, pkce: PKCE) throws -> String {
        guard let base = client.authorizeUrl else {
            throw SwitchboardError.invalidValue("the Authorize URL (authorizeUrl) is not set; configure it before connecting")
        }
        var fields: [(name: String, value: String)] = [
            ("response_type", "code"),
            ("client_id", client.clientId),
            ("redirect_uri", redirectURI),
        ]
        if let scope = client.scopeParameter { fields.append(("scope", scope)) }
        fields.append(("state", state.value))
        if let challenge = pkce.challenge {
            fields.append(("code_challenge", challenge))
            fields.append(("code_challenge_method", pkce.method.rawValue))
        }
        for (name, value) in client.options.authorizeParams.sorted(by: { $0.key < $1.key })
        where !protocolParameters.contains(name) {
            fields.append((name, value))
        }
        return appendQuery(FormEncoding.encode(fields), to: base)
    }

    /// Appends to an existing query (`…/authorize?tenant=x`) and keeps a fragment last.
    static func appendQuery(_ query: String, to url: String) -> String {
        var base = Substring(url)
        var fragment = ""
        if let hash = base.firstIndex(of: "#") {
            fragment = String(base[hash...])
            base = base[..<hash]
        }
        let joiner = base.contains("?") ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        return base + joiner + query + fragment
    }
}
