import ArgumentParser
import Foundation
import Synchronization
import SwitchboardCore

/// Runs `body` in a task that SIGINT (Ctrl-C), SIGTERM and SIGHUP (a dropped SSH session)
/// cancel, so flows can clean up (stop the catcher, forget the pending authorization, give
/// leases back). A run that ended because of a signal exits 130.
/// `onSignal` is the line printed when a signal ended it (a server's normal stop says so).
func runCancellable<T: Sendable>(onSignal: String = "cancelled; nothing was changed",
                                 _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    let interrupted = Mutex(false)
    let running = Mutex<Task<T, any Error>?>(nil)
    // Watch before the work starts: it may print its first line (which a script or a
    // person answers with Ctrl-C) before this task runs again.
    let watchers = SignalWatchers(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in
        interrupted.withLock { $0 = true }
        running.withLock { $0 }?.cancel()
    }
    defer { watchers.stop() }
    let task = Task { try await body() }
    running.withLock { $0 = task }
    // A signal that came before the task was stored: the handler set the flag, cancel here.
    if interrupted.withLock({ $0 }) { task.cancel() }
    do {
        return try await task.value
    } catch {
        if interrupted.withLock({ $0 }) {
            FileHandle.standardError.write(Data("switchboard: \(onSignal)\n".utf8))
            throw ExitCode(130)
        }
        throw error
    }
}

/// Standard input as lines, read on a thread of its own (a read must not block the
/// cooperative pool). Ends at end of input.
func standardInputLines() -> AsyncStream<String> {
    AsyncStream { continuation in
        let thread = Thread {
            while let line = readLine(strippingNewline: true) {
                continuation.yield(line)
            }
            continuation.finish()
        }
        thread.start()
    }
}

/// One line on stderr, control characters escaped (SPEC §12).
func printError(_ text: String) {
    FileHandle.standardError.write(Data((TerminalText.escaped(text) + "\n").utf8))
}

/// `90s`, `15m`, `2h`, `1d`, `500ms` or plain seconds.
struct DurationArgument: ExpressibleByArgument, Sendable, Equatable {
    var seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    init?(argument: String) {
        guard let value = Self.parse(argument) else { return nil }
        self.seconds = value
    }

    static func parse(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            guard let number = Double(trimmed.dropLast(suffix.count)), number >= 0, number.isFinite else { return nil }
            return number * factor
        }
        guard let number = Double(trimmed), number >= 0, number.isFinite else { return nil }
        return number
    }

    var duration: Duration { .milliseconds(Int64((seconds * 1000).rounded())) }

    /// What `--help` shows as the default ("15m", "3d"; ArgumentParser asks the value).
    var defaultValueDescription: String {
        let whole = Int(seconds)
        if Double(whole) == seconds { return DurationText.describe(whole) }
        return "\(Int((seconds * 1000).rounded()))ms"
    }
}

/// An OSC 52 escape that asks the terminal to put `text` on the clipboard (works over SSH
/// in terminals that allow it).
func osc52(_ text: String) -> String {
    "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
}
