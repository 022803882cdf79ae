import SwitchboardCore
import SwitchboardTUI

/// A scripted CONNECT for tests and the demo, following the real flows' shape: client
/// credentials store tokens at once; authorization code shows `demoAuthorizeURL` and
/// completes with a pasted redirect URL carrying `code=` and `state=demo-state` (any
/// other paste is rejected and the wait goes on); device code shows a fixed user code and
/// completes on any paste (standing in for the person approving elsewhere).
extension InMemoryWizardBackend {
    package static let demoRedirectURI = "http://127.0.0.1:49152/callback"
    package static let demoAuthorizeURL = "https://login.acme.test/oauth/authorize?response_type=code&client_id=abc123"
        + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A49152%2Fcallback&scope=read+write&state=demo-state"
        + "&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&access_type=offline"

    package func connect(instance: String, variable: String, timeout: Duration, pasted: AsyncStream<String>,
                        progress: @escaping @Sendable (ConnectProgress) -> Void) async throws -> WizardConnection {
        let grant: OAuthGrant = try locked {
            let (i, c) = try locate(instance, variable)
            guard let options = stored[i].connections[c].variable.connectionType.oauth2 else {
                throw SwitchboardError.usage("\(variable) is not an OAuth 2.0 connection; it needs no CONNECT")
            }
            return options.grant
        }
        switch grant {
        case .clientCredentials:
            progress(.requestingToken)
        case .deviceCode:
            progress(.device(userCode: "WDJB-MJHT", verificationURI: "https://login.acme.test/device",
                             completeURI: "https://login.acme.test/device?user_code=WDJB-MJHT", expiresIn: 1800, interval: 5))
            var approved = false
            for await _ in pasted { approved = true; break }
            guard approved else { throw CancellationError() }
        case .authorizationCode:
            progress(.authorize(url: Self.demoAuthorizeURL, redirectURI: Self.demoRedirectURI, port: 49152))
            progress(.listening(redirectURI: Self.demoRedirectURI))
            var accepted = false
            for await text in pasted {
                if text.contains("state=demo-state") && text.contains("code=") {
                    accepted = true
                    break
                }
                progress(.pastedURLRefused("the pasted URL's state does not match this connect attempt (is it from an earlier attempt or another connection?); nothing was changed"))
            }
            guard accepted else { throw CancellationError() }
            progress(.pastedURLAccepted)
            progress(.exchanging)
        }
        return try locked {
            let (i, c) = try locate(instance, variable)
            stored[i].connections[c].hasTokens = true
            stored[i].connections[c].outcome = .none
            stored[i].connections[c].reason = nil
            stored[i].connections[c].logs.append(logLine(.info, "wizard", "Connected (\(grant.rawValue)): tokens stored encrypted"))
            return detail(stored[i].connections[c])
        }
    }

    package func disconnect(instance: String, variable: String) async throws -> DisconnectResult {
        try locked {
            let (i, c) = try locate(instance, variable)
            let had = stored[i].connections[c].hasTokens
            stored[i].connections[c].hasTokens = false
            stored[i].connections[c].logs.append(logLine(.info, "wizard", had ? "Disconnected: access and refresh tokens deleted" : "Disconnected: there were no tokens to delete"))
            let notes = [had ? "Tokens deleted; refreshing stopped" : "There were no tokens to delete",
                         "No revocation endpoint (revokeUrl) is configured; the tokens were deleted locally only"]
            return DisconnectResult(detail: detail(stored[i].connections[c]), notes: notes)
        }
    }

    /// Tokens as if a CONNECT had happened (fixtures).
    package func seedTokens(instance: String, variable: String) throws {
        try locked {
            let (i, c) = try locate(instance, variable)
            stored[i].connections[c].hasTokens = true
        }
    }
}
