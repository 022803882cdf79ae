import Synchronization

/// Events that finish off the terminal's thread (connection tests, CONNECT and
/// DISCONNECT) wait here until the loop picks them up.
final class EventInbox: Sendable {
    private let events = Mutex<[Event]>([])
    /// Which CONNECT flow is current: a cancelled one's late events are dropped, so they
    /// can never land on the screen of the attempt that replaced it.
    private let connectGeneration = Mutex(0)
    /// The home list's latest page request: earlier ones still queued are skipped.
    private let latestPage = Mutex(0)

    func post(_ event: Event) {
        events.withLock { $0.append(event) }
    }

    /// Notes the home list's newest page request (made on the terminal's thread).
    func notePageRequest(_ id: Int) {
        latestPage.withLock { $0 = max($0, id) }
    }

    /// Whether no later page request was made than `id` (a superseded one is not read).
    func isLatestPage(_ id: Int) -> Bool {
        latestPage.withLock { $0 <= id }
    }

    /// Makes a new CONNECT generation current (and every earlier one stale).
    func nextConnectGeneration() -> Int {
        connectGeneration.withLock { value in
            value += 1
            return value
        }
    }

    /// Posts an event of a CONNECT flow unless a later flow (or a cancel) replaced it.
    func post(_ event: Event, connectGeneration generation: Int) {
        connectGeneration.withLock { current in
            guard current == generation else { return }
            events.withLock { $0.append(event) }
        }
    }

    func drain() -> [Event] {
        events.withLock { pending in
            defer { pending.removeAll() }
            return pending
        }
    }
}
