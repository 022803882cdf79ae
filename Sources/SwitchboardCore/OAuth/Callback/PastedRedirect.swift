/// The "paste the redirect URL" path (SPEC §6, over SSH): the address the browser ended
/// on, checked with the same validator as the catcher.
package enum PastedRedirect {
    /// Accepts a whole URL, `?query`, or a bare `code=…&state=…`; whitespace anywhere (a
    /// terminal may wrap or indent a long paste) is removed. Parameters in a fragment are
    /// used when the query has none (`response_mode=fragment`).
    package static func request(from text: String) -> CallbackRequest {
        let compact = String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
        var rest = Substring(compact)
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var path = ""
        var query = ""
        if let mark = rest.firstIndex(of: "?") {
            path = String(rest[..<mark])
            query = String(rest[rest.index(after: mark)...])
        } else if rest.contains("=") && !rest.contains("://") {
            query = String(rest)
        } else {
            path = String(rest)
        }
        if let scheme = path.range(of: "://") {
            let afterAuthority = path[scheme.upperBound...].firstIndex(of: "/") ?? path.endIndex
            path = String(path[afterAuthority...])
        }
        if !query.contains("state=") && fragment.contains("state=") { query = fragment }
        return CallbackRequest(method: "GET", path: path.isEmpty ? "/" : path, query: query)
    }

    /// The callback a pasted URL holds, or a sentence saying what is wrong with it.
    package static func evaluate(_ text: String, expectedState: AuthorizationState, keepMetadata: [String]) -> Result<CallbackResult, SwitchboardError> {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            return .failure(.invalidValue("nothing was pasted: paste the whole address your browser ended on after approving"))
        }
        let request = request(from: trimmed)
        let fields = FormEncoding.decodeFields(request.query)
        switch CallbackValidator.evaluate(request, expectedState: expectedState, keepMetadata: keepMetadata, anyPath: true) {
        case .authorized(let result), .providerError(let result):
            return .success(result)
        case .stateMismatch:
            let pasted = fields["state"] ?? ""
            if pasted.count < expectedState.value.count && expectedState.value.hasPrefix(pasted) {
                return .failure(.invalidValue("the pasted URL is cut off inside its state parameter: copy the whole address from the browser's address bar"))
            }
            return .failure(.invalidValue("the pasted URL's state does not match this connect attempt (is it from an earlier attempt or another connection?); nothing was changed"))
        case .missingParameters(let name):
            if name == "state" {
                return .failure(.invalidValue("the pasted URL has no state parameter (was it cut off?): copy the whole address your browser ended on"))
            }
            return .failure(.invalidValue("the pasted URL has no code parameter (was it cut off?): copy the whole address your browser ended on"))
        case .notFound, .methodNotAllowed:
            return .failure(.invalidValue("the pasted text is not a redirect URL with code and state"))
        }
    }
}
