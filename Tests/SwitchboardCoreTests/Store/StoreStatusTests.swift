import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Store: status, executions, roles, logs")
struct StoreStatusTests {
    @Test("unconfigured → configured → ok → error (with reason) → configured after a value change")
    func transitions() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        #expect(try t.status(instance.id, "api") == .unconfigured)

        try t.set(instance.id, ["api.username": "alice", "api.password": "SECRET-pw-1"])
        #expect(try t.status(instance.id, "api") == .configured)

        try t.record(instance.id, step: "fetch", exitCode: 0)
        #expect(try t.status(instance.id, "api") == .ok)
        #expect(try t.store.connectionDetail(instance: instance.id, variable: "api").status == .ok)

        try t.record(instance.id, step: "push", exitCode: 78, stderr: "401 Unauthorized")
        let failed = try #require(try t.store.status(instance: instance.id).first?.connections.first)
        #expect(failed.status == .error)
        #expect(failed.reason == "401 Unauthorized")

        try t.set(instance.id, ["api.password": "SECRET-pw-2"])
        let fixed = try #require(try t.store.status(instance: instance.id).first?.connections.first)
        #expect(fixed.status == .configured)
        #expect(fixed.reason == nil)

        try t.set(instance.id, ["api.username": nil])
        #expect(try t.status(instance.id, "api") == .unconfigured)
    }

    @Test("an instance whose steps use no connection is listed, with no connections")
    func instanceWithoutConnections() throws {
        let t = try TestStore()
        _ = try t.importYAML(("clock.yaml", """
            component: clock
            label: Clock
            actions: [tick]
            connections: []
            ---
            integration: ticker
            name: Ticker
            steps:
              - {key: tick, component: clock, action: tick}
            """))
        let ticker = try t.store.deploy(integration: "ticker", customer: "acme")
        let listed = try t.store.status()
        #expect(listed.map(\.name) == [ticker.name])
        #expect(listed.first?.connections.isEmpty == true)
        #expect(try t.store.status(instance: ticker.id).first?.integration == "ticker")
        #expect(try t.store.statusPage(limit: 10).instances.map(\.name) == [ticker.name])
    }

    @Test("the change monitor sees commits from this store and from other connections, not reads")
    func changeMonitor() throws {
        let t = try TestStore()
        let monitor = try t.store.changeMonitor()
        #expect(monitor.hasChanged(), "nothing marked read yet")
        monitor.markRead(monitor.version())
        #expect(!monitor.hasChanged())
        let instance = try t.deployTestSync()
        #expect(monitor.hasChanged())
        #expect(monitor.hasChanged(), "asking does not mark anything read")
        let version = monitor.version()
        _ = try t.store.status()
        _ = try t.store.logs(instance: instance.id)
        monitor.markRead(version)
        #expect(!monitor.hasChanged(), "reads are not changes")

        // Another connection to the same file, as another session or `run` would have.
        let box = t.box
        let other = Store(database: try AppDatabase.open(path: t.store.database.path), actor: t.store.actor) { box }
        try other.recordOutcome(instance: instance.id, variable: "api", outcome: .error, level: .error, message: "401 from elsewhere")
        #expect(monitor.hasChanged())
        // A commit between taking the version and marking the read still counts next time.
        let before = monitor.version()
        try other.recordOutcome(instance: instance.id, variable: "api", outcome: .ok, level: .info, message: "fine again")
        monitor.markRead(before)
        #expect(monitor.hasChanged())
    }

    @Test("any other exit leaves the status alone and is logged as an execution failure")
    func otherFailure() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.set(instance.id, ["api.username": "alice", "api.password": "SECRET-pw"])
        try t.record(instance.id, step: "fetch", exitCode: 0)
        let before = try #require(try t.store.status(instance: instance.id).first?.connections.first)
        try t.record(instance.id, step: "fetch", exitCode: 3, stderr: "disk full")
        let after = try #require(try t.store.status(instance: instance.id).first?.connections.first)
        #expect(after == before)
        let newest = try #require(try t.store.logs(instance: instance.id, variable: "api", limit: 1).first)
        #expect(newest.level == .warning)
        #expect(newest.message.contains("exit 3"))
        #expect(newest.message.contains("disk full"))
    }

    @Test("a secret in the error line is redacted in the reason and the log")
    func reasonRedacted() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.set(instance.id, ["api.username": "alice", "api.password": "SECRET-in-stderr-77"])
        try t.record(instance.id, step: "fetch", exitCode: 78, stderr: "login alice:SECRET-in-stderr-77 refused; default \(Fixtures.integrationSecretDefault)")
        let connection = try #require(try t.store.status(instance: instance.id).first?.connections.first)
        #expect(connection.status == .error)
        #expect(connection.reason == "login alice:[redacted] refused; default [redacted]")
        let messages = try t.store.logs(instance: instance.id, limit: 100).map(\.message)
        #expect(messages.contains { $0.contains("login alice:[redacted] refused") })
        #expect(!messages.contains { $0.contains("SECRET-") })
    }

    @Test("the step's connection is handed over with fields, rendered templates, token and metadata")
    func executionPayload() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.set(instance.id, ["api.username": "alice", "api.password": "SECRET-pw"])
        let context = try t.store.executionContext(instance: instance.name, step: "push")
        #expect(context.variable == "api")
        let json = try #require(try JSONSerialization.jsonObject(with: context.payload) as? [String: Any])
        #expect(json["variable"] as? String == "api")
        #expect(json["component"] as? String == "test-api")
        #expect(json["connectionType"] as? String == "basic")
        #expect(json["token"] is NSNull)
        #expect((json["metadata"] as? [String: Any])?.isEmpty == true)
        let fields = try #require(json["fields"] as? [String: String])
        #expect(fields["username"] == "alice")
        #expect(fields["password"] == "SECRET-pw")
        #expect(fields["endpoint"] == "https://api.test.example/eu/alice")
        #expect(fields["tenant"] == "integration-tenant")
        #expect(throws: SwitchboardError.self) { try t.store.executionContext(instance: instance.name, step: "no-such-step") }
    }

    // MARK: roles

    @Test("a customer does not see other customers' instances: not found, never a hint")
    func customerIsolation() throws {
        let t = try TestStore()
        let acme = try t.deployTestSync(customer: "acme")
        let globex = t.acting(as: .customer("globex"))
        #expect(try globex.status().isEmpty)
        for reference in [acme.id, acme.name] {
            #expect(throws: SwitchboardError.notFound("unknown instance '\(reference)' (see: switchboard instances)")) {
                try globex.connectionDetail(instance: reference, variable: "api")
            }
        }
        #expect(throws: SwitchboardError.self) {
            try globex.configure(instance: acme.id, changes: [FieldChange(variable: "api", field: "username", value: "x")])
        }
        #expect(throws: SwitchboardError.self) { try globex.logs(instance: acme.id) }
        #expect(throws: SwitchboardError.self) { try globex.deploy(integration: "test-sync", customer: "acme", name: "sneaky") }
        #expect(try t.acting(as: .customer("acme")).status().map(\.id) == [acme.id])
    }

    @Test("a customer sees only customer-visible fields and cannot set a hidden one")
    func customerHiddenFields() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        let customer = t.acting(as: .customer("acme"))
        let keys = try customer.connectionDetail(instance: instance.id, variable: "api").fields.map(\.key)
        #expect(keys.contains("username"))
        #expect(!keys.contains("tenant"))
        #expect(!keys.contains("apiSecret"))
        let teamKeys = try t.store.connectionDetail(instance: instance.id, variable: "api").fields.map(\.key)
        #expect(teamKeys.contains("tenant") && teamKeys.contains("apiSecret"))

        let revision = try t.store.connectionDetail(instance: instance.id, variable: "api").revision
        do {
            try customer.configure(instance: instance.id, changes: [FieldChange(variable: "api", field: "tenant", value: "evil")])
            Issue.record("a customer set a hidden field")
        } catch let error as SwitchboardError {
            #expect(error.description.contains("tenant"))
            #expect(!error.description.contains("apiSecret"), "the refusal does not list hidden fields")
        }
        #expect(try t.value(instance.id, "api", "tenant") == "integration-tenant")
        #expect(try t.store.connectionDetail(instance: instance.id, variable: "api").revision == revision)

        try customer.configure(instance: instance.id, changes: [FieldChange(variable: "api", field: "username", value: "cust")])
        #expect(try t.store.logs(instance: instance.id, limit: 1).first?.user == "tester (customer acme)")
    }

    // MARK: logs

    @Test("logs are newest first; limit and before page through them without gaps or overlaps")
    func logPaging() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        for n in 1...6 { try t.set(instance.id, ["api.notes": "note \(n)"]) }
        let all = try t.store.logs(instance: instance.id, variable: "api", limit: 100)
        #expect(all.count == 7, "deploy + six changes")
        #expect(all.map(\.id) == all.map(\.id).sorted(by: >))
        #expect(all.map(\.time) == all.map(\.time).sorted(by: >=))
        #expect(all.first?.message.contains("note 6") == true)
        #expect(all.last?.message.contains("Deployed") == true)
        #expect(all.allSatisfy { $0.user == "tester" && $0.source == "test" && $0.variable == "api" })

        let firstPage = try t.store.logs(instance: instance.id, variable: "api", limit: 3)
        #expect(firstPage == Array(all.prefix(3)))
        var paged: [LogEntry] = []
        var before: Int64?
        while true {
            let page = try t.store.logs(instance: instance.id, variable: "api", limit: 2, before: before)
            if page.isEmpty { break }
            #expect(page.count <= 2)
            paged += page
            before = page.last?.id
        }
        #expect(paged == all)
        #expect(throws: SwitchboardError.self) { try t.store.logs(instance: instance.id, limit: 0) }
    }

    @Test("an instance's log covers all its connections; a connection's log only its own")
    func logScope() throws {
        let t = try TestStore()
        try t.importYAML(("test-api.yaml", Fixtures.testAPI))
        let instance = try t.store.deploy(integration: "test-sync", customer: "acme")
        try t.importYAML(("wide.yaml", Fixtures.wide))
        let wide = try t.store.deploy(integration: "wide-sync", customer: "acme")
        try t.set(wide.id, ["wide.f1": "x"])
        #expect(try t.store.logs(instance: wide.id, variable: "wide", limit: 100).count == 2)
        #expect(try t.store.logs(instance: instance.id, limit: 100).allSatisfy { $0.variable == "api" })
    }
}
