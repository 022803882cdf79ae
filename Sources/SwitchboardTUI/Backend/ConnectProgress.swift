/// How far a CONNECT got, as the runtime reports it to the state machine. No case carries
/// a secret: the authorize URL holds the state and the PKCE challenge (public by design),
/// the device case the user code the person has to type.
public enum ConnectProgress: Equatable, Sendable {
    /// Authorization code: the person opens `url`; the callback comes back to
    /// `redirectURI` (a loopback catcher on `port`, or the team's callback server).
    case authorize(url: String, redirectURI: String, port: Int?)
    /// Device code (RFC 8628): enter `userCode` at `verificationURI`.
    case device(userCode: String, verificationURI: String, completeURI: String?, expiresIn: Int)
    /// A step done: listening, callback received, exchanging the code, tokens stored.
    case step(String)
    /// Something refused while the flow keeps waiting: a callback with a forged state,
    /// a pasted URL that is cut off or from another attempt.
    case rejected(String)
}

/// What DISCONNECT did.
public struct DisconnectResult: Equatable, Sendable {
    /// The connection as it is now (no tokens, status back to unconfigured).
    public var detail: WizardConnection
    /// One line per thing done: tokens deleted, each revocation attempt.
    public var notes: [String]

    public init(detail: WizardConnection, notes: [String]) {
        self.detail = detail
        self.notes = notes
    }
}
