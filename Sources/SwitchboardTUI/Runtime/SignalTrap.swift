import Glibc
import Synchronization

/// The signal a handler caught, 0 for none. An atomic store is all a handler may do;
/// the wizard's loop polls it and does the real work (restore, draft, exit) outside.
private let caughtSignal = Atomic<Int32>(0)

/// Ctrl-C from outside (SIGINT), SIGTERM and SIGHUP (a dropped SSH session) end the
/// wizard cleanly instead of killing it with the terminal in raw mode.
enum SignalTrap {
    static func install() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number) { caughtSignal.store($0, ordering: .relaxed) }
        }
        // A vanished terminal must not kill us before the draft is saved.
        signal(SIGPIPE, SIG_IGN)
    }

    static func restoreDefaults() {
        for number in [SIGINT, SIGTERM, SIGHUP, SIGPIPE] { signal(number, SIG_DFL) }
    }

    static var pending: Int32? {
        let number = caughtSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }
}
