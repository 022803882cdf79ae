/// Which requested scopes a grant lacks (RFC 6749 §3.3: the provider may grant fewer than
/// asked, and says so in the token response's `scope`). Providers write the granted list
/// their own way, so the comparison allows for what they document:
/// - separators: spaces (RFC 6749), commas (GitHub, Slack), or both;
/// - `offline_access` asks for a refresh token and is not a resource scope: Microsoft and
///   Salesforce leave it out of `scope` (the refresh token is the proof);
/// - a type's `scopeAliases` name the spelling a provider answers with (Google grants
///   `email` as `https://www.googleapis.com/auth/userinfo.email`).
package enum GrantedScopes {
    package static func list(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }).map(String.init)
    }

    /// The requested scopes not in `granted`, in request order; empty when the provider
    /// sent no `scope` (the grant is then as requested).
    package static func missing(requested: [String], granted: String?, aliases: [String: String]) -> [String] {
        guard let granted else { return [] }
        // The usual answer repeats the request: then nothing is missing. (Only when no
        // requested scope holds a separator, which `list` would split.)
        if granted == requested.joined(separator: " "),
           !requested.contains(where: { $0.utf8.contains { $0 == 0x20 || $0 == 0x2C || $0 == 0x09 } }) {
            return []
        }
        let given = Set(list(granted))
        return requested.filter { scope in
            scope != "offline_access" && !given.contains(scope) && !(aliases[scope].map(given.contains) ?? false)
        }
    }
}
