import NIOCore

/// The catcher's open connections, on its event loop only (reached through a
/// `NIOLoopBoundBox`): which are still reading their head, in arrival order, and which are
/// being answered. The connection cap and the stop are decided here.
final class CallbackConnections {
    private struct Entry {
        let channel: any Channel
        let arrival: Int
        var answering = false
    }

    /// A connection refused at the door (stopping, or every slot answering).
    struct Refused: Error {}

    private var open: [ObjectIdentifier: Entry] = [:]
    private var arrivals = 0
    private var stopping = false
    let maximum: Int

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Open connections: still reading their head, and being answered.
    var counts: (reading: Int, answering: Int) {
        let answering = open.values.count(where: \.answering)
        return (open.count - answering, answering)
    }

    /// Makes room for `channel`: at the cap, the connection that has waited longest without
    /// a complete request is closed and forgotten. False when stopping, or when every slot
    /// is being answered.
    func admit(_ channel: any Channel) -> Bool {
        guard !stopping else { return false }
        if open.count >= maximum {
            guard let oldest = open.filter({ !$0.value.answering }).min(by: { $0.value.arrival < $1.value.arrival }) else { return false }
            open[oldest.key] = nil
            oldest.value.channel.close(promise: nil)
        }
        arrivals += 1
        open[ObjectIdentifier(channel)] = Entry(channel: channel, arrival: arrivals)
        return true
    }

    /// Its head is complete: the connection is answered, and no longer gives way. False
    /// when stopping, or when it gave way to a newer connection meanwhile.
    func startAnswering(_ channel: any Channel) -> Bool {
        guard !stopping, open[ObjectIdentifier(channel)] != nil else { return false }
        open[ObjectIdentifier(channel)]?.answering = true
        return true
    }

    func remove(_ channel: any Channel) {
        open[ObjectIdentifier(channel)] = nil
    }

    /// Admits no one any more and closes the connections still reading; returns when those
    /// being answered will have closed.
    func stop() -> [EventLoopFuture<Void>] {
        stopping = true
        // `open` is iterated as a copy: a close removes its entry (channelInactive) at once.
        for entry in open.values where !entry.answering { entry.channel.close(promise: nil) }
        return open.values.map(\.channel.closeFuture)
    }

    func closeAll() {
        for entry in open.values { entry.channel.close(promise: nil) }
    }
}
