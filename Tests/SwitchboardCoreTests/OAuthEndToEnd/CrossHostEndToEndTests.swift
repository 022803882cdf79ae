import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// "Hosts" for the cross-host tests: each switchboard process runs in a UTS namespace of
/// its own with its own hostname (`unshare --uts`, no `--fork`: unshare execs sh, which
/// execs the binary, so the child's pid is switchboard's own and signals reach it), or
/// in a network namespace of its own (`unshare --net`: only a loopback, and that down).
/// They share the PostgreSQL cluster, the provider and the clock, as hosts of a team do.
enum CrossHost {
    static let unshare = "/usr/bin/unshare"

    /// `unshare` arguments that run `switchboard ARGS` as `host`.
    static func arguments(_ host: String, _ arguments: [String]) -> [String] {
        ["--uts", "sh", "-c", "hostname \(host) && exec \"$@\"", "sh", EndToEnd.binary] + arguments
    }

    /// `unshare` arguments that run `switchboard ARGS` without a network.
    static func offline(_ arguments: [String]) -> [String] {
        ["--net", EndToEnd.binary] + arguments
    }

    static func lines(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func object(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        try #require(try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)", sourceLocation: sourceLocation)
    }

    /// Polls `condition` every few milliseconds until it holds or `timeout` passes; the
    /// moment it was first seen to hold (nil on timeout).
    static func poll(timeout: Duration, _ condition: () throws -> Bool) async throws -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try condition() { return ContinuousClock.now }
            try await Task.sleep(for: .milliseconds(5))
        }
        return try condition() ? ContinuousClock.now : nil
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}

extension CLISandbox {
    func run(on host: String, _ arguments: [String], stdin: String? = nil) async throws -> CLIResult {
        var result = try await run(CrossHost.arguments(host, arguments), stdin: stdin, unthrottled: true, binary: CrossHost.unshare)
        result.arguments = arguments
        return result
    }

    func spawn(on host: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(CrossHost.unshare, CrossHost.arguments(host, arguments), environment: environment)
    }
}

extension SwitchboardSandbox {
    func spawn(on host: String, _ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(CrossHost.unshare, CrossHost.arguments(host, arguments), environment: environment)
    }

    @discardableResult
    func run(on host: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try spawn(on: host, arguments)
        child.closeStdin()
        let status = try await child.exitStatus(timeout: .seconds(120))
        record(child)
        return (status, child.stdout, child.stderr)
    }

    /// The lease columns of one connection's token row: (owner, until), empty when free.
    func lease(_ variable: String, instance: String? = nil) throws -> (owner: String, until: String) {
        let name = instance ?? self.instance
        let short = name.split(separator: "/").last.map(String.init) ?? name
        let row = try TestDatabase.sql(databasePath, """
            SELECT coalesce(t."leaseOwner", ''), coalesce(t."leaseUntil", '') FROM "token" t
            JOIN "connection" c ON c."id" = t."connectionId" JOIN "instance" i ON i."id" = c."instanceId"
            WHERE c."variable" = '\(variable)' AND i."name" IN ('\(name)', '\(short)')
            """).trimmingCharacters(in: .whitespacesAndNewlines)
        guard row.contains("|") else { throw EndToEndError("no token row for \(name) \(variable)") }
        let parts = row.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        return (parts.first ?? "", parts.count > 1 ? parts[1] : "")
    }
}

/// Store guarantees across hosts that need no OAuth provider.
@Suite(.enabled(if: TestDatabase.isPostgres, "needs the PostgreSQL cluster (second pass of scripts/test)"), .timeLimit(.minutes(10)))
struct CrossHostStoreEndToEndTests {
    @Test("three hosts configure the same connection at the same revision: one wins, the others exit 3; plain writes of different fields all land")
    func concurrentEditsAcrossHosts() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set", "api.username=ann", "--set-secret", "api.password"], stdin: "pw-CROSS-HOST-1")
        let revision = try #require(try await sb.json(["show", id, "api"])["revision"] as? Int)
        let hosts = ["hostA", "hostB", "hostC"]

        let guarded = try await withThrowingTaskGroup(of: (String, CLIResult).self) { group in
            for host in hosts {
                group.addTask { (host, try await sb.run(on: host, ["configure", id, "--if-revision", "\(revision)", "--set", "api.notes=from-\(host)"])) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let winners = guarded.filter { $0.1.status == 0 }
        #expect(winners.count == 1, "\(guarded.map(\.1))")
        #expect(guarded.map(\.1.status).sorted() == [0, 3, 3], "\(guarded.map(\.1))")
        for (_, loser) in guarded where loser.status != 0 {
            #expect(loser.errorLine.contains("revision") && !loser.errorLine.contains("\n"), "one line about the revision: \(loser)")
            #expect(loser.stdout.isEmpty)
        }
        let winner = try #require(winners.first?.0)
        #expect(try await sb.fields(id, "api")["notes"]?["value"] as? String == "from-\(winner)")
        #expect(try await sb.json(["show", id, "api"])["revision"] as? Int == revision + 1)

        // Without --if-revision every host's change lands: none overwrites another's field.
        let writes = [("hostA", "api.notes=plain-from-hostA"), ("hostB", "api.code=ABC12"), ("hostC", "api.region=us")]
        let plain = try await withThrowingTaskGroup(of: CLIResult.self) { group in
            for (host, set) in writes { group.addTask { try await sb.run(on: host, ["configure", id, "--set", set]) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(plain.allSatisfy { $0.status == 0 }, "\(plain)")
        let fields = try await sb.fields(id, "api")
        #expect(fields["notes"]?["value"] as? String == "plain-from-hostA")
        #expect(fields["code"]?["value"] as? String == "ABC12")
        #expect(fields["region"]?["value"] as? String == "us")
        #expect(fields["username"]?["value"] as? String == "ann")
        #expect(try await sb.json(["show", id, "api"])["revision"] as? Int == revision + 1 + writes.count)
    }

    @Test("events --follow on hostB prints the event of a configure on hostA within a second of its commit")
    func followSeesAnotherHostWithinASecond() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set", "api.username=ann", "--set-secret", "api.password"], stdin: "pw-CROSS-HOST-5")
        let follower = try sb.spawn(on: "hostB", ["events", "--follow", "--json", "--since", "0"])
        follower.closeStdin()
        defer { if follower.isRunning { follower.signal(SIGKILL) } }
        #expect(try await follower.waitFor("the stored event", timeout: .seconds(30)) { $0.stdoutLines.count == 1 || !$0.isRunning })

        var latencies: [Duration] = []
        for (round, change) in [["--unset", "api.username"], ["--set", "api.username=bob"]].enumerated() {
            let started = ContinuousClock.now
            let write = try await sb.run(on: "hostA", ["configure", id] + change)
            // The configure has committed when it exits: the change is on the server now.
            let committed = ContinuousClock.now
            #expect(write.status == 0, "\(write)")
            let seen = try await CrossHost.poll(timeout: .seconds(10)) { follower.stdoutLines.count >= round + 2 || !follower.isRunning }
            let arrived = try #require(seen, "no event on hostB: \(follower.stdout) \(follower.stderr)")
            let latency = arrived - committed
            latencies.append(latency)
            #expect(latency < .seconds(1), "hostB saw hostA's change \(latency) after it committed (the configure took \(committed - started))")
        }
        #expect(follower.isRunning, "still following: \(follower.stderr)")
        follower.signal(SIGTERM)
        #expect(try await follower.exitStatus(timeout: .seconds(20)) == 0, "\(follower.stderr)")
        let followed = CrossHost.lines(follower.stdout)
        #expect(followed.map { "\($0["from"] ?? "")→\($0["to"] ?? "")" } == ["unconfigured→configured", "configured→unconfigured", "unconfigured→configured"])
        #expect(followed.compactMap { $0["id"] as? Int } == CLIEventsTests.ids(try await CLIEventsTests.events(sb, [])), "each event once")
        print("cross-host events --follow latency after commit: \(latencies.map { String(format: "%.1f ms", CrossHost.milliseconds($0)) })")
    }

    @Test("without a network (unshare --net) a write fails with one line naming the server, exit 1, and nothing is written")
    func noNetworkFailsWithOneLineAndWritesNothing() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set", "api.username=ann", "--set-secret", "api.password"], stdin: "pw-CROSS-HOST-6")
        let before = try await sb.json(["show", id, "api"])
        let eventsBefore = try await CLIEventsTests.events(sb, [])
        let server = try #require(URLComponents(string: sb.databasePath))
        let place = "\(server.host ?? "?"):\(server.port ?? 5432)"

        for arguments in [["configure", id, "--set", "api.notes=offline"], ["status"]] {
            let started = ContinuousClock.now
            var result = try await sb.run(CrossHost.offline(arguments), unthrottled: true, binary: CrossHost.unshare)
            result.arguments = arguments
            let took = ContinuousClock.now - started
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            // With the loopback down, connect(2) says ENETUNREACH; the line says that, not NIO's dump.
            #expect(result.errorLine == "switchboard: could not connect to PostgreSQL at \(place): Network is unreachable", "\(result)")
            #expect(!result.errorLine.contains("\n"), "one line: \(result)")
            #expect(!result.stderr.contains("postgres://"), "the URL is not repeated: \(result)")
            #expect(took < .seconds(10), "fails at once: \(took)")
        }
        let after = try await sb.json(["show", id, "api"])
        #expect(after["revision"] as? Int == before["revision"] as? Int)
        #expect(try await sb.fields(id, "api")["notes"]?["value"] is NSNull)
        #expect(CLIEventsTests.ids(try await CLIEventsTests.events(sb, [])) == CLIEventsTests.ids(eventsBefore))
    }
}

/// OAuth guarantees across hosts, against the local provider (refresh tokens rotate).
@Suite(.enabled(if: TestDatabase.isPostgres, "needs the PostgreSQL cluster (second pass of scripts/test)"), .localProvider, .timeLimit(.minutes(10)))
struct CrossHostOAuthEndToEndTests {
    @Test func threeRefreshersOnThreeHostsRefreshEachConnectionOnceAndTheRotatedTokenWorks() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        let instances = ["acme/one", "acme/two"]
        let variables = ["confidential", "confidentialBody", "public"]
        try await sandbox.setUpDemo(provider, instances: instances)
        for instance in instances {
            for variable in variables { try await sandbox.connect(variable, instance: instance) }
        }
        try await sandbox.makeTokensExpire(in: 60)
        let hosts = ["hostA", "hostB", "hostC"]
        let refreshers = try hosts.map { try sandbox.spawn(on: $0, ["refresh", "--within", "5m", "--concurrency", "2", "--json"]) }
        var statuses: [Int32] = []
        for refresher in refreshers {
            refresher.closeStdin()
            statuses.append(try await refresher.exitStatus())
            sandbox.record(refresher)
        }
        #expect(statuses == [0, 0, 0], "\(refreshers.map(\.stderr))")
        let reports = try refreshers.map { try CrossHost.object($0.stdout) }
        #expect(reports.map { $0["refreshed"] as? Int ?? -1 }.reduce(0, +) == instances.count * variables.count, "\(reports)")
        #expect(reports.allSatisfy { $0["failed"] as? Int == 0 && $0["retryLater"] as? Int == 0 && $0["failing"] as? Int == 0 }, "\(reports)")
        #expect(!refreshers.contains { $0.stdout.contains("invalid_grant") || $0.stderr.contains("invalid_grant") })
        print("refreshed per host: \(zip(hosts, reports.map { $0["refreshed"] as? Int ?? -1 }).map { "\($0)=\($1)" })")

        for instance in instances {
            for variable in variables {
                let logs = try await sandbox.logs(variable, instance: instance)
                #expect(logs.filter { $0.hasPrefix("Token refreshed:") }.count == 1, "\(instance) \(variable): \(logs)")
                #expect(!logs.contains { $0.contains("invalid_grant") })
                #expect(try sandbox.lease(variable, instance: instance).owner.isEmpty, "every lease given back")
            }
        }
        #expect(!(try await sandbox.ok(["events", "--json"])).contains("invalid_grant"))

        // The refresh tokens stored by the race are the live ones: a later round (on yet
        // another host) refreshes every connection again.
        try await sandbox.makeTokensExpire(in: 60)
        let later = try await sandbox.run(on: "hostD", ["refresh", "--within", "5m", "--json"])
        #expect(later.status == 0, "\(later.stderr)")
        let report = try CrossHost.object(later.stdout)
        #expect(report["refreshed"] as? Int == instances.count * variables.count && report["failed"] as? Int == 0, "\(report)")
        var tokens: [String] = []
        for instance in instances {
            for variable in variables {
                #expect(try await sandbox.logs(variable, instance: instance).filter { $0.hasPrefix("Token refreshed:") }.count == 2)
                #expect(try await sandbox.status(variable, instance: instance).status == "configured")
                let token = try #require(try await sandbox.accessToken(variable, instance: instance))
                #expect(try await provider.me(token) == 200)
                tokens.append(token)
            }
        }
        try await sandbox.expectNoPlainSecrets(tokens)
    }

    @Test func aLeaseNamesItsHostAndALeaseLeftByAKilledHostIsTakenOverWhenItExpiresNotBefore() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        try await sandbox.connect("confidential")
        let access1 = try #require(try await sandbox.accessToken("confidential"))

        // A token endpoint that accepts the connection and never answers: hostA's refresh
        // holds its lease for as long as the test wants.
        let blackHole = try BlackHole()
        defer { blackHole.close() }
        try await sandbox.ok(["configure", sandbox.instance, "--set", "confidential.baseUrl=http://127.0.0.1:\(blackHole.port)"])
        try await sandbox.makeTokensExpire(in: 60)
        let hostA = try sandbox.spawn(on: "hostA", ["refresh", sandbox.instance, "confidential", "--within", "5m", "--json"])
        hostA.closeStdin()
        let held = try await CrossHost.poll(timeout: .seconds(30)) { !(try sandbox.lease("confidential").owner.isEmpty) || !hostA.isRunning }
        #expect(held != nil && hostA.isRunning, "hostA never took the lease: \(hostA.stdout) \(hostA.stderr)")
        let lease = try sandbox.lease("confidential")
        #expect(lease.owner.hasPrefix("hostA:\(hostA.pid):"), "the lease names the host and process holding it: \(lease.owner)")
        let leaseUntil = try #require(Timestamp.date(from: lease.until), "\(lease.until)")
        #expect(leaseUntil > Date().addingTimeInterval(60), "a live lease lasts longer than a token request: \(lease.until)")

        // hostA dies mid-refresh: its lease stays behind.
        hostA.signal(SIGKILL)
        #expect(try await hostA.exitStatus() == 128 + SIGKILL)
        #expect(try sandbox.lease("confidential").owner == lease.owner)
        try await sandbox.ok(["configure", sandbox.instance, "--set", "confidential.baseUrl=\(provider.baseURL)"])

        // While the dead host's lease runs, hostB leaves the connection alone.
        let early = try await sandbox.run(on: "hostB", ["refresh", sandbox.instance, "confidential", "--within", "5m", "--json"])
        #expect(early.status == 0, "\(early.stderr)")
        let earlyReport = try CrossHost.object(early.stdout)
        #expect(earlyReport["refreshed"] as? Int == 0 && earlyReport["skipped"] as? Int == 1, "\(earlyReport)")
        #expect(try sandbox.lease("confidential").owner == lease.owner)

        // The lease nears its end (as if two minutes had passed): hostB keeps trying, and
        // takes it over only once it has expired.
        let expiry = Date().addingTimeInterval(2)
        try TestDatabase.sql(sandbox.databasePath, "UPDATE \"token\" SET \"leaseUntil\" = '\(Timestamp.string(from: expiry))' WHERE \"leaseOwner\" IS NOT NULL")
        var attempts: [(ended: Date, refreshed: Int)] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let attempt = try await sandbox.run(on: "hostB", ["refresh", sandbox.instance, "confidential", "--within", "5m", "--json"])
            let ended = Date()
            #expect(attempt.status == 0, "\(attempt.stderr)")
            let refreshed = try CrossHost.object(attempt.stdout)["refreshed"] as? Int ?? -1
            attempts.append((ended, refreshed))
            if refreshed != 0 { break }
        }
        #expect(attempts.last?.refreshed == 1, "\(attempts)")
        #expect(attempts.filter { $0.refreshed == 1 }.allSatisfy { $0.ended >= expiry }, "taken over before the lease expired: \(attempts) \(expiry)")
        #expect(attempts.count >= 2, "the first attempts came before the expiry and were skipped: \(attempts)")
        print("lease takeover: \(attempts.count - 1) attempt(s) skipped before expiry, taken over \(String(format: "%.0f ms", (attempts.last?.ended.timeIntervalSince(expiry) ?? 0) * 1000)) after it (the attempt included process start)")

        #expect(try sandbox.lease("confidential").owner.isEmpty)
        let logs = try await sandbox.logs("confidential")
        #expect(logs.filter { $0.hasPrefix("Token refreshed:") }.count == 1, "\(logs)")
        #expect(!logs.contains { $0.contains("invalid_grant") })
        #expect(try await sandbox.status("confidential").status == "configured")
        let access2 = try #require(try await sandbox.accessToken("confidential"))
        #expect(access2 != access1)
        #expect(try await provider.me(access2) == 200)
        try await sandbox.expectNoPlainSecrets([access1, access2])
    }

    @Test func callbackServerOnHostBHandsTheCallbackToConnectOnHostAPromptlyAndOnce() async throws {
        let provider = try LocalProviderTrait.provider()
        let sandbox = try SwitchboardSandbox()
        defer { sandbox.remove() }
        try await sandbox.setUpDemo(provider)
        let server = try sandbox.spawn(on: "hostB", ["callback-server", "--listen", "127.0.0.1:0"])
        server.closeStdin()
        defer { if server.isRunning { server.signal(SIGKILL) } }
        let listening = try await server.firstLine()
        let prefix = "Listening on http://127.0.0.1:"
        #expect(listening.hasPrefix(prefix) && listening.hasSuffix("/callback"), "\(listening)")
        let port = try #require(Int(listening.dropFirst(prefix.count).dropLast("/callback".count)), "\(listening)")

        let child = try sandbox.spawn(on: "hostA", ["connect", sandbox.instance, "confidential", "--callback-url", "http://127.0.0.1:\(port)/callback"])
        child.closeStdin()
        let url = try await child.firstLine()
        #expect(url.contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A\(port)%2Fcallback"))
        // The browser returns once hostB's server has answered the callback (stored it for
        // the waiting CLI); from there to hostA's "Connected" line is the hand-off.
        let browser = try await ScriptedBrowser.authorize(url)
        let answered = ContinuousClock.now
        #expect(browser.log.contains("Authorization completed successfully"), "\(browser.log)")
        let done = try await CrossHost.poll(timeout: .seconds(30)) { child.stdoutLines.contains { $0.hasPrefix("Connected ") } || !child.isRunning }
        let handedOff = try #require(done, "connect on hostA never finished: \(child.stdout) \(child.stderr)")
        let latency = handedOff - answered
        #expect(child.stdoutLines.last?.hasPrefix("Connected \(sandbox.instance) confidential: configured") == true, "\(child.stdout) \(child.stderr)")
        #expect(latency < .seconds(2), "hand-off took \(latency)")
        #expect(try await child.exitStatus() == 0, "\(child.stderr)")
        sandbox.record(child)
        print("cross-host callback hand-off (hostB server answered → hostA connect done): \(String(format: "%.1f ms", CrossHost.milliseconds(latency)))")

        // The pending authorization was used up: the same callback again is refused, and
        // changes nothing.
        let token = try #require(try await sandbox.accessToken("confidential"))
        let replay = try await CurlTransport().send(HTTPRequest(url: browser.finalURL, timeout: .seconds(10)))
        #expect(replay.status == 400, "\(replay.status)")
        let pending = try TestDatabase.sql(sandbox.databasePath, "SELECT count(*) FROM \"oauthPending\"")
        #expect(pending.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(pending)")
        #expect(try await sandbox.accessToken("confidential") == token)
        #expect(try await provider.me(token) == 200)
        #expect(try await sandbox.logs("confidential").filter { $0.hasPrefix("Connected (") }.count == 1)

        server.signal(SIGTERM)
        #expect(try await server.exitStatus() == 0, "\(server.stderr)")
        let said = server.stdout + server.stderr
        #expect(said.components(separatedBy: "handed a callback to the waiting session").count == 2, "\(said)")
        #expect(said.components(separatedBy: "rejected a callback for an unknown, expired or already answered state").count == 2, "\(said)")
        sandbox.record(server)
        try await sandbox.expectNoPlainSecrets([token, try #require(ScriptedBrowser.code(in: browser.finalURL))])
    }
}

/// A TCP listener on 127.0.0.1 that never accepts: connections complete in the kernel's
/// backlog and requests sent on them are never answered.
final class BlackHole: Sendable {
    let fd: Int32
    let port: UInt16

    init() throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = fd
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            Glibc.close(fd)
            throw EndToEndError("cannot listen on 127.0.0.1")
        }
        port = UInt16(bigEndian: address.sin_port)
    }

    func close() { Glibc.close(fd) }
}
