import Foundation
import Testing
@testable import SwitchboardCore

@Suite("CLI: logs")
struct CLILogsTests {
    @Test("logs --json: SPEC keys, newest first, the OS user, --limit and --before paging, never a secret")
    func logs() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        for n in 1...4 { try await sb.ok(["configure", id, "--set", "api.notes=note \(n)"]) }
        try await sb.ok(["configure", id, "--set-secret", "api.password"], stdin: "SECRET-LOGGED-NEVER-77")

        let all = try await sb.logEntries([id, "api", "--limit", "100"])
        #expect(all.count == 6, "deploy, four notes, one secret")
        for entry in all {
            for key in ["time", "variable", "level", "source", "user", "message"] {
                #expect(entry.keys.contains(key), "log entry lacks \(key)")
            }
            #expect(entry["user"] as? String == osUserName())
            #expect(entry["variable"] as? String == "api")
        }
        let ids = all.compactMap { $0["id"] as? Int }
        #expect(ids.count == all.count)
        #expect(ids == ids.sorted(by: >), "newest first")
        let times = all.compactMap { $0["time"] as? String }
        #expect(times == times.sorted(by: >=))
        #expect((all.first?["message"] as? String)?.contains("password") == true)
        #expect((all[1]["message"] as? String)?.contains("note 4") == true)
        #expect((all.last?["message"] as? String)?.contains("Deployed") == true)
        let text = try await sb.ok(["logs", id, "api", "--json", "--limit", "100"]).stdout
        #expect(!text.contains("SECRET-LOGGED-NEVER-77"))

        let limited = try await sb.logEntries([id, "api", "--limit", "2"])
        #expect(limited.compactMap { $0["id"] as? Int } == Array(ids.prefix(2)))
        let next = try await sb.logEntries([id, "api", "--limit", "2", "--before", "\(ids[1])"])
        #expect(next.compactMap { $0["id"] as? Int } == Array(ids[2..<4]))
        let end = try await sb.logEntries([id, "api", "--before", "\(ids.last!)"])
        #expect(end.isEmpty)

        // The instance-wide log holds the same entries for a one-connection instance.
        #expect(try await sb.logEntries([id, "--limit", "100"]).compactMap { $0["id"] as? Int } == ids)

        let bad = try await sb.run(["logs", id, "api", "--limit", "0"])
        #expect(bad.status != 0)
        #expect(bad.errorLine.contains("--limit"))
    }

    @Test("customer role: log lines about hidden fields are replaced, their values never shown")
    func customerLogsHideHiddenFields() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set", "api.tenant=TEAM-ONLY-TENANT-41", "--set", "api.notes=visible note"])

        let team = try await sb.logEntries([id, "api"])
        #expect(team.contains { ($0["message"] as? String)?.contains("TEAM-ONLY-TENANT-41") == true })

        let customer = try await sb.logEntries([id, "api", "--role", "customer", "--customer", "acme"])
        #expect(customer.count == team.count)
        let messages = customer.compactMap { $0["message"] as? String }
        #expect(!messages.contains { $0.contains("TEAM-ONLY-TENANT-41") || $0.contains("Tenant") || $0.contains("tenant") })
        #expect(messages.contains { $0.contains("visible note") })
    }
}
