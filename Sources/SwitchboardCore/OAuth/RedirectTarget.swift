import Foundation

/// Where a connection's `redirectUri` field sends the browser back, decided from the value
/// alone (a pure function, tested on its own). Salesforce, Dropbox and Atlassian accept only
/// the URI registered in their console, port and path included; Slack and Intuit production
/// only https ones, which only the team callback server can serve.
package enum RedirectTarget: Sendable, Equatable {
    /// A catcher on this machine listening on `bindHost:port` (0: any free port) at `path`;
    /// the redirect_uri sent is `http://advertisedHost:PORT/path`, so `localhost` stays
    /// `localhost` (Intuit's sandbox refuses 127.0.0.1) while the socket binds 127.0.0.1.
    case loopback(bindHost: String, advertisedHost: String, port: UInt16, path: String)
    /// An https URL the team's `switchboard callback-server` serves; the callback comes
    /// through the store.
    case teamServer(String)

    /// Today's default: 127.0.0.1, any free port (or the type's `callbackPort`), `/callback`.
    package static func defaultLoopback(port: UInt16) -> RedirectTarget {
        .loopback(bindHost: "127.0.0.1", advertisedHost: "127.0.0.1", port: port, path: CallbackValidator.path)
    }

    /// `http://HOST:PORT/PATH`, an IPv6 host in brackets.
    package static func uri(host: String, port: UInt16, path: String) -> String {
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "http://\(bracketed):\(port)" + path
    }

    /// Reads a `redirectUri` value; the error names the field and what is wrong.
    package static func parse(_ text: String) throws -> RedirectTarget {
        switch read(text) {
        case .success(let target): return target
        case .failure(let why): throw SwitchboardError.invalidValue("Redirect URI (redirectUri) '\(TerminalText.escaped(text))' \(why.text)")
        }
    }

    /// Why `text` cannot be a redirect URI, for the field validator (which never repeats
    /// the value); nil when it can.
    package static func problem(_ text: String) -> String? {
        if case .failure(let why) = read(text) { return why.text }
        return nil
    }

    struct Problem: Error { let text: String }

    static func read(_ text: String) -> Result<RedirectTarget, Problem> {
        Result { try decide(text) }.mapError { $0 as? Problem ?? Problem(text: "is not a redirect URI") }
    }

    private static func decide(_ text: String) throws -> RedirectTarget {
        let fail = { (why: String) in Problem(text: why) }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty else {
            throw fail("is not an absolute http(s) URL")
        }
        guard components.query == nil, components.fragment == nil, components.user == nil, components.password == nil else {
            throw fail("must not carry a query, a fragment or credentials (the provider appends code and state)")
        }
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let unbracketed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        let bindHost: String? = switch unbracketed {
        case "localhost", "127.0.0.1": "127.0.0.1"
        case "::1": "::1"
        default: nil
        }
        if let bindHost {
            // RFC 8252 §7.3: loopback redirects are plain http; a catcher cannot serve https.
            guard scheme == "http" else { throw fail("is a loopback address: use http:// (a local catcher cannot serve https)") }
            guard let port = components.port ?? 0 as Int?, (0...65535).contains(port) else { throw fail("has an invalid port") }
            return .loopback(bindHost: bindHost, advertisedHost: host, port: UInt16(port), path: path)
        }
        guard scheme == "https" else {
            throw fail("must use https unless it is a loopback address (http://localhost:PORT/… or http://127.0.0.1:PORT/…)")
        }
        return .teamServer(text)
    }
}
