import Glibc
import Synchronization
import SwitchboardCore

/// The signal that came, 0 for none; the wizard's loop polls it and does the real work
/// (restore the terminal, save the draft, exit) on its own thread.
private let caughtSignal = Atomic<Int32>(0)
private let watchers = Mutex<SignalWatchers?>(nil)

/// Ctrl-C from outside (SIGINT), SIGTERM and SIGHUP (a dropped SSH session) end the
/// wizard cleanly instead of killing it with the terminal in raw mode.
enum SignalTrap {
    static func install() {
        let installed = SignalWatchers(signals: [SIGINT, SIGTERM, SIGHUP]) { caughtSignal.store($0, ordering: .relaxed) }
        watchers.withLock { $0 = installed }
        // A vanished terminal must not kill us before the draft is saved.
        signal(SIGPIPE, SIG_IGN)
    }

    static func restoreDefaults() {
        watchers.withLock { $0?.stop(); $0 = nil }
        signal(SIGPIPE, SIG_DFL)
    }

    static var pending: Int32? {
        let number = caughtSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}
