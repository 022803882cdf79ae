/// How far a CONNECT got, reported by `ConnectUseCase` as it happens: the CLI prints each
/// step, the wizard shows it on its CONNECT screen. Front ends switch over the cases;
/// none reads a sentence to learn what happened. No case carries a secret: the authorize
/// URL holds the state and the PKCE challenge (public by design), the device case the
/// user code the person must type, never the device code.
package enum ConnectProgress: Sendable, Equatable {
    /// Authorization code: the person opens `url`; the provider sends the browser back to
    /// `redirectURI` (a loopback catcher on `port`, or the team's callback server).
    case authorize(url: String, redirectURI: String, port: Int?)
    /// The issuer's metadata (RFC 8414) was read at `source`.
    case discovered(source: String)
    /// Device code (RFC 8628): enter `userCode` at `verificationURI` (or open `completeURI`).
    case device(userCode: String, verificationURI: String, completeURI: String?, expiresIn: Int, interval: Int)
    case listening(redirectURI: String)
    case waitingForTeamCallback(redirectURI: String)
    /// A request to the catcher was refused (forged or stale state, no code); the flow keeps waiting.
    case callbackRejected(String)
    /// A pasted redirect URL was refused (cut off, another attempt's); the flow keeps waiting.
    case pastedURLRefused(String)
    case callbackReceived
    case pastedURLAccepted
    /// Client credentials: the token request went out (no browser).
    case requestingToken
    case exchanging
    case devicePolling(String)
    case stored(expiresAt: String?)
    /// The type's post-CONNECT lookup kept these metadata keys (Atlassian's cloudId).
    case lookedUp(keys: [String])
    /// The lookup failed (the reason, for the reader); the tokens are stored, the badge is red.
    case lookupFailed(String)

    /// Something was refused while the flow goes on waiting.
    package var isRefusal: Bool {
        switch self {
        case .callbackRejected, .pastedURLRefused: true
        default: false
        }
    }

    /// One line for a person.
    package var message: String {
        switch self {
        case .authorize(let url, _, _): "Open \(url) in a browser and approve"
        case .discovered(let source): "Read the issuer's metadata at \(source)"
        case .device(let code, let uri, _, let expiresIn, _): "Open \(uri) and enter the code \(code) (valid for \(expiresIn / 60) min)"
        case .listening(let uri): "Listening for the callback on \(uri)"
        case .waitingForTeamCallback(let uri): "Waiting for the team callback server at \(uri)"
        case .callbackRejected(let reason): "Rejected a request to the callback catcher: \(reason)"
        case .pastedURLRefused(let reason): "Pasted URL refused: \(reason)"
        case .callbackReceived: "Callback received"
        case .pastedURLAccepted: "Pasted redirect URL accepted"
        case .requestingToken: "Requesting a token with the client credentials grant (no browser)"
        case .exchanging: "Exchanging the authorization code for tokens"
        case .devicePolling(let note): note
        case .stored(let expiresAt): "Tokens stored encrypted" + (expiresAt.map { "; access token expires at \($0)" } ?? "")
        case .lookedUp(let keys): "Looked up \(keys.joined(separator: ", "))"
        case .lookupFailed(let reason): "Lookup failed: \(reason)"
        }
    }
}
