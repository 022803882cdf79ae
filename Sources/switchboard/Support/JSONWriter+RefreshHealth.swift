import SwitchboardCore

extension JSONWriter {
    /// `"refresh": {...}` as `show` and `status` print it (docs/json-output.md), or
    /// `"refresh": null` for a connection without tokens.
    mutating func refreshField(_ health: RefreshHealth?) {
        key(literal: "refresh")
        guard let health else { return null() }
        beginObject()
        field(literal: "state", health.state.rawValue)
        field(literal: "lastSuccessAt", health.lastSuccessAt); field(literal: "lastFailureAt", health.lastFailureAt)
        field(literal: "failures", health.failures); field(literal: "lastError", health.lastError)
        field(literal: "nextAttemptAt", health.nextAttemptAt); field(literal: "failingSince", health.failingSince)
        field(literal: "keepAliveBy", health.keepAliveBy); field(literal: "note", health.note)
        endObject()
    }
}
