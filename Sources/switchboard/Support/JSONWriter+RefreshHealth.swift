import SwitchboardCore

extension JSONWriter {
    /// `"refresh": {...}` as `show` and `status` print it (docs/json-output.md), or
    /// `"refresh": null` for a connection without tokens.
    mutating func refreshField(_ health: RefreshHealth?) {
        key("refresh")
        guard let health else { return null() }
        beginObject()
        field("state", health.state.rawValue)
        field("lastSuccessAt", health.lastSuccessAt); field("lastFailureAt", health.lastFailureAt)
        field("failures", health.failures); field("lastError", health.lastError)
        field("nextAttemptAt", health.nextAttemptAt); field("failingSince", health.failingSince)
        field("keepAliveBy", health.keepAliveBy); field("note", health.note)
        endObject()
    }
}
