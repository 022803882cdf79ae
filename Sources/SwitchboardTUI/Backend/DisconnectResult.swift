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
