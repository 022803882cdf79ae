import ArgumentParser
import Foundation
import SwitchboardCore

struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Print connection events (status changes, refresh failures and recoveries), oldest first.",
        discussion: """
            Prints the events stored after --since (an event id; default 0, everything) and exits. \
            With --follow it keeps printing each event as any process records it, until Ctrl-C or \
            SIGTERM (exit 0). A consumer that restarts with --since set to the last id it saw misses \
            nothing and repeats nothing; --since now starts after the newest event.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "One JSON object per line.") var json = false
    @Flag(name: .long, help: "Keep printing events as they happen (Ctrl-C or SIGTERM stops).") var follow = false
    @Option(name: .long, help: "Only events after this event id, or 'now' for only new ones.") var since: String?
    @Argument(help: "Only this instance (id or name).") var instance: String?
    @Argument(help: "Only this connection config variable of the instance.") var variable: String?

    func run() async throws {
        let store = try global.store(source: "cli", readOnly: true)
        let feed = EventFeed(store: store, filter: EventFilter(instance: instance, variable: variable))
        let after = try Self.start(since, store: store)
        let json = self.json
        let print: @Sendable (ConnectionEvent) -> Void = { event in printOut(json ? Self.jsonLine(event) : Self.line(event)) }
        guard follow else {
            try await feed.run(after: after, follow: false, deliver: print)
            return
        }
        do {
            _ = try await runCancellable(onSignal: "stopped following events") {
                try await feed.run(after: after, follow: true, deliver: print)
            }
        } catch let exit as ExitCode where exit.rawValue == 130 {
            // Stopping a follower is its normal end.
            return
        }
    }

    /// The id to print after: a whole number, 0 or more, or `now` (the newest event's id).
    static func start(_ since: String?, store: Store) throws -> Int64 {
        guard let since else { return 0 }
        if since == "now" { return try store.latestEventId() }
        guard let id = Int64(since), id >= 0 else {
            throw SwitchboardError.usage("--since must be an event id (a whole number, 0 or more) or 'now', not '\(since)'")
        }
        return id
    }

    /// `42 2025-06-01T10:00:00.000Z acme/sync-invoices crm ok → error [refresh-failed]: why`
    static func line(_ event: ConnectionEvent) -> String {
        var text = "\(event.id) \(event.time) \(event.instance) \(event.variable) \(event.from.rawValue) → \(event.to.rawValue)"
        if event.kind != .status { text += " [\(event.kind.rawValue)]" }
        if let reason = event.reason { text += ": \(reason)" }
        return text
    }

    static func jsonLine(_ event: ConnectionEvent) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.field("id", Int(event.id)); w.field("time", event.time)
        w.field("instance", event.instance); w.field("instanceId", event.instanceId); w.field("customer", event.customer)
        w.field("variable", event.variable); w.field("kind", event.kind.rawValue)
        w.field("from", event.from.rawValue); w.field("to", event.to.rawValue); w.field("reason", event.reason)
        w.field("source", event.source); w.field("user", event.user)
        w.endObject()
        return w.output
    }
}
