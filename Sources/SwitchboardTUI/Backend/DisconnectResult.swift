/// What DISCONNECT did.
package struct DisconnectResult: Equatable, Sendable {
    /// The connection as it is now (no tokens, status back to unconfigured).
    package var detail: WizardConnection
    /// One line per thing done: tokens deleted, each revocation attempt.
    package var notes: [String]

    package init(detail: WizardConnection, notes: [String]) {
        self.detail = detail
        self.notes = notes
    }
}
