import Synchronization

/// Events that finish off the terminal's thread (connection tests, CONNECT and
/// DISCONNECT) wait here until the loop picks them up.
final class EventInbox: Sendable {
    private let events = Mutex<[Event]>([])
    /// Which CONNECT flow is current: a cancelled one's late events are dropped, so they
    /// can never land on the screen of the attempt that replaced it.
    private let connectGeneration = Mutex(0)
    /// A whole-list read is in flight (one at a time: with 10,000 instances it takes a while).
    private let listing = Mutex(false)

    func post(_ event: Event) {
        events.withLock { $0.append(event) }
    }

    /// Claims the whole-list read; false when one is already running.
    func beginListing() -> Bool {
        listing.withLock { busy in
            defer { busy = true }
            return !busy
        }
    }

    /// Hands over the whole-list read's events and frees the claim.
    func endListing(posting list: [Event]) {
        events.withLock { $0 += list }
        listing.withLock { $0 = false }
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
