/// Steps of an OAuth flow as the CLI prints them and the wizard shows them in its log pane.
/// No case carries a secret (the device case holds the user code, which the person must
/// see, but not the device code).
public enum OAuthProgress: Sendable, Equatable {
    case listening(redirectURI: String)
    case waitingForTeamCallback(redirectURI: String)
    case callbackRejected(String)
    case callbackReceived
    case exchanging
    case deviceCode(userCode: String, verificationURI: String, verificationURIComplete: String?, expiresIn: Int)
    case devicePolling(String)
    case stored(expiresAt: String?)

    /// One line for a person.
    public var message: String {
        switch self {
        case .listening(let uri): "Listening for the callback on \(uri)"
        case .waitingForTeamCallback(let uri): "Waiting for the team callback server at \(uri) to receive the callback"
        case .callbackRejected(let reason): "Rejected a request to the callback catcher: \(reason)"
        case .callbackReceived: "Callback received"
        case .exchanging: "Exchanging the authorization code for tokens"
        case .deviceCode(let code, let uri, _, let expiresIn): "Open \(uri) and enter the code \(code) (valid for \(expiresIn / 60) min)"
        case .devicePolling(let note): note
        case .stored(let expiresAt): "Tokens stored encrypted" + (expiresAt.map { "; access token expires at \($0)" } ?? "")
        }
    }
}
