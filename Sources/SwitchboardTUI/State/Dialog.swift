/// A question that blocks the screen beneath it until answered.
package enum Dialog: Equatable, Sendable {
    /// Leaving an instance with unsaved changes: save, discard or stay.
    case confirmLeave
    /// Another session saved this connection since it was loaded.
    case conflict(variable: String, message: String)
    /// An earlier session left unsaved input for this instance.
    case restoreDraft(Draft)
    /// DISCONNECT deletes tokens and revokes them: asked first.
    case confirmDisconnect(variable: String)
}

/// A one-line notice above the help line; it fades after a few ticks.
package struct StatusMessage: Equatable, Sendable {
    package var text: String
    package var isError: Bool
    package var ticksLeft: Int

    package init(_ text: String, isError: Bool = false, ticksLeft: Int = 12) {
        self.text = text
        self.isError = isError
        self.ticksLeft = ticksLeft
    }
}
