import Foundation

/// A successful token endpoint response (RFC 6749 §5.1), plus the values the connection
/// type asks to keep (`tokenMetadata`). `description` never shows a token.
package struct TokenResponse: Sendable, Equatable, CustomStringConvertible {
    package var accessToken: String
    package var tokenType: String
    package var refreshToken: String?
    package var scope: String?
    /// Seconds from the moment of the response; nil when the provider did not say.
    package var expiresIn: Int?
    package var metadata: [String: String]

    package init(accessToken: String, tokenType: String = "Bearer", refreshToken: String? = nil, scope: String? = nil,
                expiresIn: Int? = nil, metadata: [String: String] = [:]) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.refreshToken = refreshToken
        self.scope = scope
        self.expiresIn = expiresIn
        self.metadata = metadata
    }

    package func expiresAt(after received: Date) -> Date? {
        expiresIn.map { received.addingTimeInterval(TimeInterval($0)) }
    }

    package var description: String {
        var parts = ["type \(tokenType)"]
        parts.append(expiresIn.map { "expires in \($0) s" } ?? "no expiry given")
        parts.append(refreshToken == nil ? "no refresh token" : "with refresh token")
        if let scope { parts.append("scope \"\(scope)\"") }
        return "TokenResponse(" + parts.joined(separator: ", ") + ")"
    }
}

/// Reads token (and device authorization) endpoint answers. Errors are `OAuthError`s
/// that describe the answer without echoing its body, which may hold a token.
package enum OAuthResponseParser {
    package static func token(_ response: HTTPResponse, keepMetadata keys: [String] = []) throws -> TokenResponse {
        let object = try fields(of: response, what: "token endpoint")
        guard let accessToken = string(object["access_token"]), !accessToken.isEmpty else {
            throw OAuthError.unexpectedResponse("the token endpoint answered HTTP \(response.status) without an access_token")
        }
        var metadata: [String: String] = [:]
        for key in keys {
            if let value = lookup(key, in: object) { metadata[key] = value }
        }
        var scope = string(object["scope"])
        if scope == nil, let list = object["scope"] as? [Any] { scope = list.compactMap(string).joined(separator: " ") }
        return TokenResponse(
            accessToken: accessToken,
            tokenType: string(object["token_type"]).flatMap { $0.isEmpty ? nil : $0 } ?? "Bearer",
            refreshToken: string(object["refresh_token"]).flatMap { $0.isEmpty ? nil : $0 },
            scope: scope,
            expiresIn: integer(object["expires_in"]).map { max(0, $0) },
            metadata: metadata)
    }

    /// The answer as a dictionary, or the error it carries. An OAuth error body wins over
    /// the status (some providers answer errors with 200, e.g. Slack's `"ok": false`).
    static func fields(of response: HTTPResponse, what: String) throws -> [String: Any] {
        let object = decode(response)
        if let object, let code = string(object["error"]), !code.isEmpty {
            let description = string(object["error_description"]).map(singleLine)
            throw OAuthError.provider(code: singleLine(code), description: description, status: response.status)
        }
        if response.status >= 500 || response.status == 429 {
            throw OAuthError.unavailable(status: response.status)
        }
        guard let object else {
            if looksLikeHTML(response) {
                throw OAuthError.unexpectedResponse(
                    "the \(what) answered HTTP \(response.status) with an HTML page instead of JSON; check the URL")
            }
            throw OAuthError.unexpectedResponse(
                "the \(what) answered HTTP \(response.status) with \(response.body.isEmpty ? "an empty body" : "a body that is not JSON")")
        }
        guard response.isSuccess else {
            throw OAuthError.unexpectedResponse("the \(what) answered HTTP \(response.status) without an OAuth error code")
        }
        return object
    }

    /// JSON object, or a form-encoded body (older providers answer `a=1&b=2`).
    static func decode(_ response: HTTPResponse) -> [String: Any]? {
        if let object = FlatJSONObject.parse(response.body) ?? (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) {
            return object
        }
        let type = response.headers["Content-Type"]?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") {
            let form = FormEncoding.decodeFields(response.text)
            return form.isEmpty ? nil : form
        }
        return nil
    }

    static func looksLikeHTML(_ response: HTTPResponse) -> Bool {
        if response.headers["Content-Type"]?.lowercased().contains("html") == true { return true }
        let start = response.text.prefix(200).trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return start.hasPrefix("<!doctype html") || start.hasPrefix("<html") || start.hasPrefix("<")
    }

    /// A dotted path (`team.id`) into nested objects; scalars become text, objects JSON.
    static func lookup(_ path: String, in object: [String: Any]) -> String? {
        if let direct = object[path] { return text(direct) }
        var current: Any = object
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard let dictionary = current as? [String: Any], let next = dictionary[String(part)] else { return nil }
            current = next
        }
        return text(current)
    }

    static func text(_ value: Any) -> String? {
        switch value {
        case is NSNull: return nil
        case let string as String: return string
        case let number as NSNumber:
            // JSON booleans arrive as a boolean NSNumber subclass; plain numbers also
            // bridge to Bool, so tell them apart by the class.
            if String(describing: type(of: number)).contains("Boolean") { return number.boolValue ? "true" : "false" }
            return number.stringValue
        default:
            guard JSONSerialization.isValidJSONObject(value),
                  let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes]) else {
                return nil
            }
            return String(decoding: data, as: UTF8.self)
        }
    }

    static func string(_ value: Any?) -> String? {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }

    static func integer(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber: wholeSeconds(number.doubleValue)
        case let string as String: Int(string.trimmingCharacters(in: .whitespaces)).map { Double($0) }.flatMap(wholeSeconds)
            ?? Double(string).flatMap(wholeSeconds)
        default: nil
        }
    }

    /// A finite number of seconds as an Int, clamped to ten years: `Int(Double)` traps on
    /// infinity, NaN and values past Int's range ("expires_in=6912E700", found by fuzzing).
    static func wholeSeconds(_ value: Double) -> Int? {
        guard value.isFinite else { return nil }
        return Int(min(max(value, -315_360_000), 315_360_000))
    }

    /// Provider text goes into one log line: control characters become spaces; capped.
    static func singleLine(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : Character($0) })
        let collapsed = cleaned.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return collapsed.count <= 300 ? collapsed : String(collapsed.prefix(299)) + "…"
    }
}
