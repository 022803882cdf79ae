import Synchronization

/// Events that finish off the terminal's thread (connection tests) wait here until the
/// loop picks them up.
final class EventInbox: Sendable {
    private let events = Mutex<[Event]>([])

    func post(_ event: Event) {
        events.withLock { $0.append(event) }
    }

    func drain() -> [Event] {
        events.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }
}
