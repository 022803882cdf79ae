/// A question that blocks the screen beneath it until answered.
public enum Dialog: Equatable, Sendable {
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
public struct StatusMessage: Equatable, Sendable {
    public var text: String
    public var isError: Bool
    public var ticksLeft: Int

    public init(_ text: String, isError: Bool = false, ticksLeft: Int = 12) {
        self.text = text
        self.isError = isError
        self.ticksLeft = ticksLeft
    }
}
