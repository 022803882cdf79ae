import Synchronization

/// Values worked out once per text and shared across threads, for a hot path that asks the
/// same few questions over and over (a template's references, a statement's columns). The
/// memo is bounded: texts longer than `maxKeyLength` bytes are never kept, and it starts
/// again empty once it holds `capacity` entries.
final class BoundedMemo<Value: Sendable>: Sendable {
    private let entries = Mutex<[String: Value]>([:])
    private let capacity: Int
    private let maxKeyLength: Int

    init(capacity: Int, maxKeyLength: Int) {
        self.capacity = capacity
        self.maxKeyLength = maxKeyLength
    }

    /// The value kept for `key` while `isCurrent` accepts it, else `make()`'s (then kept).
    func value(for key: String, isCurrent: (Value) -> Bool = { _ in true }, make: () -> Value) -> Value {
        guard key.utf8.count <= maxKeyLength else { return make() }
        if let known = entries.withLock({ $0[key] }), isCurrent(known) { return known }
        let made = make()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = made
        }
        return made
    }
}
