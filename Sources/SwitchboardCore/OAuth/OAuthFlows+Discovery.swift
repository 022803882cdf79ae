import Foundation

extension OAuthFlows {
    /// RFC 8414 discovery for a connection that gives its `issuer`: the first candidate
    /// address that answers with the issuer's metadata wins; a 404 (or similar) moves on to
    /// the next, anything else fails at once. Nothing is stored: the caller caches the
    /// result once CONNECT has stored tokens with it (`Store.saveDiscovery`). A failure is
    /// logged and thrown as one line naming the address.
    func discover(_ connection: OAuthConnection, issuer: String) async throws -> AuthorizationServerMetadata {
        var last: AuthorizationServerMetadata.DiscoveryFailure?
        candidates: for url in AuthorizationServerMetadata.candidateURLs(issuer: issuer) {
            let request = HTTPRequest(method: "GET", url: url, headers: ["Accept": "application/json"], timeout: .seconds(15))
            let outcome: Result<AuthorizationServerMetadata, AuthorizationServerMetadata.DiscoveryFailure>
            do {
                outcome = AuthorizationServerMetadata.parse(try await transport.send(request), issuer: issuer, url: url)
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                outcome = .failure(.network(url: url, connection.redactor().redact("\(error)")))
            }
            switch outcome {
            case .success(let metadata):
                return metadata
            case .failure(let failure):
                last = failure
                if !failure.tryNext { break candidates }
            }
        }
        let failure = last ?? .notMetadata(url: issuer, "the issuer is not an absolute URL")
        try store.recordOAuthFailure(connection, "CONNECT failed: \(outside: failure.description)", setError: false)
        throw SwitchboardError.oauth(connection.readerText(failure.description))
    }
}
