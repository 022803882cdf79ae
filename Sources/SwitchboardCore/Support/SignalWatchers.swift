import Foundation
import Synchronization

/// Runs a handler when one of the given signals arrives, until `stop` restores their
/// default action. The C handler is installed synchronously (a dispatch signal source
/// registers later, on another thread, and a signal in between was lost or killed the
/// process); it only writes a byte to a pipe, and a thread of its own runs the handler.
/// The one signal helper of the program: the CLI's cancellation, `run`'s interruption
/// and the wizard's clean exit all go through it.
package final class SignalWatchers: Sendable {
    private let signals: [Int32]

    /// `handler` is told which signal came.
    package init(signals: [Int32], handler: @escaping @Sendable (Int32) -> Void) {
        self.signals = signals
        let relay = SignalRelay.shared
        guard relay.isOpen else { return }
        relay.handler.withLock { $0 = handler }
        for number in signals {
            signal(number) { number in
                var byte = UInt8(truncatingIfNeeded: number)
                _ = write(signalRelayWriteEnd.load(ordering: .relaxed), &byte, 1)
            }
        }
        // A mask inherited from the parent must not hold them back.
        var set = sigset_t()
        sigemptyset(&set)
        for number in signals { sigaddset(&set, number) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    package func stop() {
        for number in signals { signal(number, SIG_DFL) }
        SignalRelay.shared.handler.withLock { $0 = nil }
    }
}

/// The write end of the relay's pipe, read by the C handler (which can capture nothing).
private let signalRelayWriteEnd = Atomic<Int32>(-1)

/// One pipe and one thread for the whole process, made on first use and kept, so a
/// handler never writes to a descriptor that was closed (and perhaps reused) under it.
private final class SignalRelay: Sendable {
    static let shared = SignalRelay()
    let handler = Mutex<(@Sendable (Int32) -> Void)?>(nil)
    let isOpen: Bool

    private init() {
        var ends: [Int32] = [-1, -1]
        isOpen = pipe(&ends) == 0
        guard isOpen else { return }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // A burst of signals must never block the handler: extra bytes are dropped.
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        signalRelayWriteEnd.store(ends[1], ordering: .relaxed)
        let readEnd = ends[0]
        Thread.detachNewThread { [self] in pump(readEnd) }
    }

    private func pump(_ readEnd: Int32) {
        var byte: UInt8 = 0
        while true {
            let count = read(readEnd, &byte, 1)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return }
            handler.withLock { $0 }?(Int32(byte))
        }
    }
}
