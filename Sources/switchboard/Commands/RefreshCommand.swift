import ArgumentParser
import Foundation
import SwitchboardCore

struct RefreshCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "refresh",
        abstract: "Refresh OAuth tokens that expire soon (once, or keep watching).",
        discussion: """
            Refreshes the access tokens that expire within --within (default 15m), and those whose \
            connection type's keepAlive has passed since they were obtained, one refresh per \
            connection at a time even with several refreshers running. Network errors and HTTP 5xx \
            are retried later with backoff and leave the status alone until they have gone on for \
            --give-up (default 3d); then the status is error while the retries go on. invalid_grant \
            and other final refusals set the status to error at once. Exit status: 0 done, 1 a \
            refresh failed for good or has failed for the give-up period, 75 a refresh failed \
            temporarily (it will be retried).
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Print JSON (with --watch: one JSON line per refresh).") var json = false
    @Option(name: .long, help: "Refresh tokens expiring within this window (e.g. 90s, 15m, 2h).") var within = DurationArgument(seconds: 900)
    @Flag(name: .long, help: "Refresh even tokens that are not due, ignoring any retry backoff.") var force = false
    @Flag(name: .long, help: "Keep running, refreshing tokens as they come due (Ctrl-C or SIGTERM stops).") var watch = false
    @Option(name: .long, help: "With --watch: how often to look for due tokens.") var interval = DurationArgument(seconds: 30)
    @Option(name: .long, help: "Token requests in flight at once.") var concurrency = 8
    @Option(name: .long, help: "First retry delay after a temporary failure (doubles per failure, at most 15m).") var backoff = DurationArgument(seconds: 30)
    @Option(name: .customLong("give-up"), help: "How long temporary failures go on before the status turns error (retries continue; 0 = at the first failure).")
    var giveUp = DurationArgument(seconds: RefreshHealth.defaultGiveUpPeriod)
    @Argument(help: "Only this instance (id or name).") var instance: String?
    @Argument(help: "Only this connection config variable of the instance.") var variable: String?

    func validate() throws {
        if !(1...256).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 256") }
        if interval.seconds < 0.05 { throw ValidationError("--interval must be at least 50ms") }
    }

    func run() async throws {
        var exitCode: Int32 = 0
        do {
            let store = try global.store(source: "refresh", createIfMissing: true)
            try store.verifyMasterKey()
            // Workers on curl's thread only where the database work between requests is
            // local and short (see TokenRefresher.workersOnTransportThread): not for a
            // PostgreSQL store (each statement a round trip to the server) nor for --watch,
            // whose lines may wait on a reader's full pipe.
            let local = store.database.engine.dialect == .sqlite
            let refresher = TokenRefresher(store: store, transport: CurlTransport(), concurrency: concurrency, backoffBase: backoff.seconds,
                                           giveUpAfter: giveUp.seconds, workersOnTransportThread: local && !watch)
            let selection = RefreshSelection(within: within.seconds, force: force, instance: instance, variable: variable)
            let command = self
            if watch {
                try await runWatching(refresher, selection: selection)
                return
            }
            let started = ContinuousClock.now
            let report = try await runCancellable { try await refresher.refreshDue(selection) }
            let elapsed = ContinuousClock.now - started
            command.print(report, elapsed: elapsed)
            if report.failed + report.failing > 0 { exitCode = 1 } else if report.retryLater > 0 { exitCode = 75 }
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }

    func runWatching(_ refresher: TokenRefresher, selection: RefreshSelection) async throws {
        let json = self.json, interval = self.interval
        printError("Watching for tokens expiring within \(Int(selection.within)) s; checking every \(interval.seconds) s (Ctrl-C stops)")
        do {
            try await runCancellable {
                while !Task.isCancelled {
                    _ = try await refresher.refreshDue(selection) { result in
                        printOut(json ? Self.jsonLine(result) : Self.line(result))
                    }
                    try await Task.sleep(for: interval.duration)
                }
            }
        } catch let exit as ExitCode where exit.rawValue == 130 {
            // Stopping a watcher is its normal end.
            return
        }
    }

    func print(_ report: RefreshReport, elapsed: Duration) {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if json {
            var w = JSONWriter()
            w.beginObject()
            w.field("refreshed", report.refreshed); w.field("retryLater", report.retryLater); w.field("failing", report.failing)
            w.field("failed", report.failed)
            w.field("skipped", report.skipped); w.field("milliseconds", Int((seconds * 1000).rounded()))
            w.key("results"); w.beginArray()
            for result in report.results { w.beginObject(); Self.fields(result, into: &w); w.endObject() }
            w.endArray()
            w.endObject()
            printOut(w.output)
        } else {
            for result in report.results { printOut(Self.line(result)) }
            printError("\(report.refreshed) refreshed, \(report.retryLater) to retry later, \(report.failing) failing past the give-up period, \(report.failed) failed, \(report.skipped) skipped (not due or refreshed by another process) in \(String(format: "%.2f", seconds)) s")
        }
    }

    static func line(_ result: RefreshResult) -> String {
        let name = "\(result.instance) \(result.variable)"
        switch result.outcome {
        case .refreshed(let expiresAt): return "\(name): refreshed" + (expiresAt.map { " (expires at \($0))" } ?? "")
        case .retryLater(let reason, let retryAt): return "\(name): temporary failure, will retry" + (retryAt.map { " after \($0)" } ?? "") + ": \(reason)"
        case .failing(let reason, let retryAt): return "\(name): failing for the give-up period (status error), will retry" + (retryAt.map { " after \($0)" } ?? "") + ": \(reason)"
        case .failed(let reason): return "\(name): failed: \(reason)"
        case .discarded: return "\(name): result discarded (reconnected meanwhile)"
        }
    }

    static func jsonLine(_ result: RefreshResult) -> String {
        var w = JSONWriter()
        w.beginObject(); fields(result, into: &w); w.endObject()
        return w.output
    }

    /// Literal keys, copied as they are (escaping them was four escapes a refresh).
    static func fields(_ result: RefreshResult, into w: inout JSONWriter) {
        w.field(literal: "instance", result.instance); w.field(literal: "variable", result.variable)
        switch result.outcome {
        case .refreshed(let expiresAt): w.field(literal: "outcome", "refreshed"); w.field(literal: "expiresAt", expiresAt)
        case .retryLater(let reason, let retryAt): w.field(literal: "outcome", "retryLater"); w.field(literal: "reason", reason); w.field(literal: "retryAt", retryAt)
        case .failing(let reason, let retryAt): w.field(literal: "outcome", "failing"); w.field(literal: "reason", reason); w.field(literal: "retryAt", retryAt)
        case .failed(let reason): w.field(literal: "outcome", "failed"); w.field(literal: "reason", reason)
        case .discarded: w.field(literal: "outcome", "discarded")
        }
    }
}
