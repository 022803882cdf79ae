import Foundation

extension OAuthFlows {
    /// After CONNECT stored a new grant: sends the type's `oauth2: lookup` with the new
    /// access token and keeps what it names in the connection's metadata. A failed lookup
    /// leaves the tokens stored and turns the badge red with the reason: the steps need
    /// what it would have kept (Atlassian's cloud id), so the connection is not usable.
    /// Nil when the type declares no lookup.
    func lookUpMetadata(instance: String, variable: String, token: StoredToken) async throws -> Result<[String], MetadataLookup.LookupFailure>? {
        let connection = try store.oauthConnection(instance: instance, variable: variable)
        guard let lookup = connection.options.lookup else { return nil }
        let request = lookup.request(accessToken: token.accessToken, metadata: connection.metadata)
        let outcome: Result<[String: String], MetadataLookup.LookupFailure>
        do {
            outcome = lookup.values(from: try await transport.send(request))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            outcome = .failure(.transport(connection.redactor(token.secretValues).redact("\(error)")))
        }
        switch outcome {
        case .success(let kept):
            try store.keepMetadata(connection, kept, from: request.url)
            return .success(kept.keys.sorted())
        case .failure(let failure):
            let keys = lookup.keep.keys.sorted().joined(separator: ", ")
            try store.recordOAuthFailure(connection,
                "The lookup of \(name: keys) at \(outside: request.url) failed: \(outside: failure.description); the tokens are stored, but steps that need \(name: keys) cannot run (reconnect: switchboard connect \(name: connection.instanceName) \(name: connection.variable))",
                setError: true, redacting: token.secretValues)
            return .failure(failure)
        }
    }
}

extension MetadataLookup {
    /// The request for `token`, with `metadata` (what the callback and token response kept).
    func request(accessToken: String, metadata: [String: String]) -> HTTPRequest {
        var values = metadata
        values["access_token"] = accessToken
        let headers = (headers.isEmpty ? Self.defaultHeaders : headers).sorted { $0.key < $1.key }
            .map { ($0.key, Template.render($0.value, values: values)) }
        return HTTPRequest(method: "GET", url: Template.render(url, values: metadata), headers: HTTPHeaders(headers))
    }
}
