import Synchronization

/// Values worked out once per key and shared across threads, for a hot path that asks the
/// same few questions over and over (a template's references, a statement's columns). The
/// memo is bounded: keys `admits` refuses (texts too long to be worth keeping) are never
/// kept, and it starts again empty once it holds `capacity` entries.
final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let entries = Mutex<[Key: Value]>([:])
    private let capacity: Int
    private let admits: @Sendable (Key) -> Bool

    init(capacity: Int, admits: @escaping @Sendable (Key) -> Bool = { _ in true }) {
        self.capacity = capacity
        self.admits = admits
    }

    /// The value kept for `key` while `isCurrent` accepts it, else `make()`'s (then kept).
    func value(for key: Key, isCurrent: (Value) -> Bool = { _ in true }, make: () -> Value) -> Value {
        guard admits(key) else { return make() }
        if let known = entries.withLock({ $0[key] }), isCurrent(known) { return known }
        let made = make()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll() }
            entries[key] = made
        }
        return made
    }
}
