import Foundation
import Testing
@testable import SwitchboardCore

@Suite("CLI: events")
struct CLIEventsTests {
    /// `events ARGS --json`: one object per line, every line one.
    static func events(_ sb: CLISandbox, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[String: Any]] {
        let result = try await sb.ok(["events"] + arguments + ["--json"], sourceLocation: sourceLocation)
        return try lines(result.stdout, sourceLocation: sourceLocation)
    }

    static func lines(_ stdout: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            try #require(try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not a JSON object: \(line)",
                         sourceLocation: sourceLocation)
        }
    }

    static func ids(_ events: [[String: Any]]) -> [Int] { events.compactMap { $0["id"] as? Int } }

    /// Configured (username and password), then a run that succeeds: two status changes.
    static func configureAndRun(_ sb: CLISandbox, _ id: String) async throws {
        try await sb.ok(["configure", id, "--set", "api.username=ann", "--set-secret", "api.password"], stdin: "pw-EVENTS-CLI-5")
        try await sb.ok(["run", id, "fetch", "--", "sh", "-c", "cat > /dev/null"])
    }

    @Test("events --json: documented keys, oldest first; --since resumes with nothing missed or repeated; text lines read from → to")
    func sinceResumes() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await Self.configureAndRun(sb, id)
        let failed = try await sb.run(["run", id, "fetch", "--", "sh", "-c", "cat > /dev/null; echo 'account locked' >&2; exit 78"])
        #expect(failed.status == 78, "\(failed)")

        let all = try await Self.events(sb, [])
        #expect(all.map { "\($0["from"] ?? "")→\($0["to"] ?? "")" } == ["unconfigured→configured", "configured→ok", "ok→error"])
        for event in all {
            for key in ["id", "time", "instance", "instanceId", "customer", "variable", "kind", "from", "to", "reason", "source", "user"] {
                #expect(event.keys.contains(key), "event lacks \(key): \(event)")
            }
            #expect(event["instance"] as? String == "acme/test-sync" && event["instanceId"] as? String == id && event["variable"] as? String == "api")
            #expect(event["kind"] as? String == "status")
        }
        #expect(all.last?["reason"] as? String == "Step fetch failed with a connection error (exit 78): account locked")
        #expect(all[1]["source"] as? String == "run" && all[1]["user"] as? String == osUserName())
        let ids = Self.ids(all)
        #expect(ids == ids.sorted() && Set(ids).count == 3)

        // A consumer that saw the first event restarts after it, then after the last one.
        #expect(Self.ids(try await Self.events(sb, ["--since", "\(ids[0])"])) == Array(ids[1...]))
        #expect(try await sb.ok(["events", "--since", "\(ids[2])", "--json"]).stdout.isEmpty)
        try await sb.ok(["configure", id, "--set", "api.notes=retry"])
        let resumed = try await Self.events(sb, ["--since", "\(ids[2])"])
        #expect(resumed.count == 1 && resumed.first?["from"] as? String == "error" && resumed.first?["to"] as? String == "configured")
        #expect(try await sb.ok(["events", "--since", "now"]).stdout.isEmpty)
        #expect(Self.ids(try await Self.events(sb, [id, "api"])) == ids + Self.ids(resumed))

        let text = try await sb.ok(["events", id]).stdout.split(separator: "\n").map(String.init)
        #expect(text.count == 4)
        #expect(text.first == "\(ids[0]) \(all[0]["time"] as? String ?? "?") acme/test-sync api unconfigured → configured: values changed")
        #expect(!text.joined().contains("pw-EVENTS-CLI-5"))

        for (arguments, status, mentions) in [(["events", "--since", "yesterday"], Int32(2), "--since"), (["events", "--since=-3"], 2, "--since"),
                                              (["events", "nobody/nothing"], 4, "nobody/nothing"), (["events", id, "noSuchVariable"], 4, "noSuchVariable")] {
            let bad = try await sb.run(arguments)
            #expect(bad.status == status, "\(bad)")
            #expect(bad.stdout.isEmpty && bad.errorLine.contains(mentions) && !bad.errorLine.contains("\n"), "one line naming what was wrong: \(bad)")
        }
    }

    @Test("events --follow prints an event another process records, within a deadline, and SIGTERM ends it with exit 0")
    func followSeesOtherProcesses() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set", "api.username=ann", "--set-secret", "api.password"], stdin: "pw")
        let stored = Self.ids(try await Self.events(sb, []))
        #expect(stored.count == 1)

        let follower = try ChildProcess(CLISandbox.binary, ["events", "--follow", "--json", "--since", "0"], environment: sb.environment)
        follower.closeStdin()
        // The stored event first: the follower has read the table once.
        #expect(try await follower.waitFor("the stored event", timeout: .seconds(30)) { $0.stdoutLines.count == 1 || !$0.isRunning })
        try await sb.ok(["run", id, "fetch", "--", "sh", "-c", "cat > /dev/null"])
        try await sb.ok(["configure", id, "--set", "api.notes=changed"])
        let started = ContinuousClock.now
        #expect(try await follower.waitFor("two events from other processes", timeout: .seconds(10)) { $0.stdoutLines.count >= 3 || !$0.isRunning })
        let latency = ContinuousClock.now - started
        #expect(follower.isRunning, "still following: \(follower.stderr)")
        follower.signal(SIGTERM)
        #expect(try await follower.exitStatus(timeout: .seconds(20)) == 0, "stopping a follower is its normal end: \(follower.stderr)")

        let followed = try Self.lines(follower.stdout)
        #expect(followed.map { "\($0["from"] ?? "")→\($0["to"] ?? "")" } == ["unconfigured→configured", "configured→ok", "ok→configured"])
        let ids = Self.ids(followed)
        #expect(ids == Self.ids(try await Self.events(sb, [])), "the same events as a plain read, each once")
        print("events --follow: two events from other processes arrived within \(latency)")
    }

    @Test("customer role: only its own instances' events, another customer's instance reads as unknown")
    func customerSeesOwnInstancesOnly() async throws {
        let sb = try CLISandbox()
        let acme = try await sb.deployTestSync()
        let globex = try #require(try await sb.json(["deploy", "test-sync", "--customer", "globex"])["id"] as? String)
        for id in [acme, globex] { try await Self.configureAndRun(sb, id) }
        let team = try await Self.events(sb, [])
        #expect(Set(team.compactMap { $0["customer"] as? String }) == ["acme", "globex"])

        let role = ["--role", "customer", "--customer", "acme"]
        let seen = try await Self.events(sb, role)
        #expect(seen.count == 2)
        #expect(seen.allSatisfy { $0["customer"] as? String == "acme" && $0["instanceId"] as? String == acme }, "\(seen)")
        #expect(!(try await sb.ok(["events"] + role).stdout.contains("globex")))

        let other = try await sb.run(["events", "globex/test-sync"] + role)
        let unknown = try await sb.run(["events", "globex/no-such-thing"] + role)
        #expect(other.status == 4 && unknown.status == 4, "\(other)")
        #expect(other.errorLine.replacingOccurrences(of: "globex/test-sync", with: "X") == unknown.errorLine.replacingOccurrences(of: "globex/no-such-thing", with: "X"),
                "another customer's instance reads exactly like one that does not exist")
    }
}
