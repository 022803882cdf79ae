import Foundation
import Testing
@testable import SwitchboardCore

@Suite("CLI: import, catalog, integrations, deploy, instances, status")
struct CLIDefinitionTests {
    @Test("import then list: catalog, integrations, deploy {id,name}, instances and status in SPEC §11 shapes")
    func happyPath() async throws {
        let sb = try CLISandbox()
        let file = try sb.write("test-api.yaml", Fixtures.testAPI)
        let imported = try await sb.json(["import", file])
        let items = try #require(imported["imported"] as? [[String: Any]])
        #expect(items.compactMap { $0["key"] as? String } == ["test-api", "test-sync"])

        let catalog = try #require(try await sb.json(["catalog"])["components"] as? [[String: Any]])
        let keys = catalog.compactMap { $0["key"] as? String }
        for key in CatalogTests.required + ["test-api"] { #expect(keys.contains(key), "catalog lacks \(key)") }
        let testAPI = try #require(catalog.first { $0["key"] as? String == "test-api" })
        #expect(testAPI["label"] as? String == "Test API")
        let connections = try #require(testAPI["connections"] as? [[String: Any]])
        #expect(connections.compactMap { $0["key"] as? String } == ["basic", "token"])

        let integrations = try #require(try await sb.json(["integrations"])["integrations"] as? [[String: Any]])
        #expect(integrations.count == 1)
        #expect(integrations.first?["key"] as? String == "test-sync")
        #expect(integrations.first?["name"] as? String == "Test sync")
        #expect(integrations.first?["version"] as? Int == 1)
        #expect(integrations.first?["variables"] as? [String] == ["api"], "unbound steps share the declared variable")

        let deployed = try await sb.json(["deploy", "test-sync", "--customer", "acme"])
        let id = try #require(deployed["id"] as? String)
        #expect(!id.isEmpty)
        #expect(deployed["name"] as? String == "acme/test-sync")

        let instances = try #require(try await sb.json(["instances"])["instances"] as? [[String: Any]])
        #expect(instances.count == 1)
        #expect(instances.first?["id"] as? String == id)
        #expect(instances.first?["name"] as? String == "acme/test-sync")
        #expect(instances.first?["version"] as? Int == 1)

        let status = try await sb.json(["status"])
        let listed = try #require(status["instances"] as? [[String: Any]])
        let instance = try #require(listed.first)
        for key in ["id", "name", "integration", "version", "customer", "connections"] {
            #expect(instance.keys.contains(key), "status instance lacks \(key)")
        }
        #expect(instance["id"] as? String == id)
        #expect(instance["integration"] as? String == "test-sync")
        #expect(instance["customer"] as? String == "acme")
        let connection = try #require((instance["connections"] as? [[String: Any]])?.first)
        for key in ["variable", "component", "connection", "status", "reason", "expiresAt", "updatedAt"] {
            #expect(connection.keys.contains(key), "status connection lacks \(key)")
        }
        #expect(connection["variable"] as? String == "api")
        #expect(connection["component"] as? String == "test-api")
        #expect(connection["connection"] as? String == "basic")
        #expect(connection["status"] as? String == "unconfigured")
        #expect(connection["reason"] is NSNull)

        // The id and the name both refer to the instance.
        let byID = try await sb.json(["status", id])
        #expect((byID["instances"] as? [[String: Any]])?.first?["name"] as? String == "acme/test-sync")
    }

    @Test("every bad definition is refused by the CLI naming file:line and key, and nothing changes", arguments: Rejections.all)
    func rejection(_ case_: Rejection) async throws {
        let sb = try CLISandbox()
        let good = try sb.write("wide.yaml", Fixtures.wide)
        let bad = try sb.write(case_.file, case_.yaml)
        let result = try await sb.run(["import", good, bad])
        #expect(result.status != 0, "\(result)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasSuffix("\n") && result.stderr.filter { $0 == "\n" }.count == 1, "one line on stderr: \(result.stderr)")
        case_.check(result.errorLine)
        // Neither the good file's integration nor anything of the bad one was stored.
        // (That stored definitions stay untouched is checked on the store, per case.)
        let integrations = try await sb.json(["integrations"])["integrations"] as? [Any]
        #expect(integrations?.isEmpty == true)
    }

    @Test("a rejected import leaves stored integrations and the catalog exactly as they were")
    func rejectionKeepsStoredDefinitions() async throws {
        let sb = try CLISandbox()
        try await sb.ok(["import", try sb.write("test-api.yaml", Fixtures.testAPI)])
        let integrationsBefore = try await sb.ok(["integrations", "--json"]).stdout
        let catalogBefore = try await sb.ok(["catalog", "--json"]).stdout
        let good = try sb.write("wide.yaml", Fixtures.wide)
        let v2 = try sb.write("v2.yaml", Fixtures.testSyncV2)
        let bad = try sb.write("bad.yaml", Rejections.all[0].yaml)
        #expect(try await sb.run(["import", good, v2, bad]).status != 0)
        #expect(try await sb.ok(["integrations", "--json"]).stdout == integrationsBefore)
        #expect(try await sb.ok(["catalog", "--json"]).stdout == catalogBefore)
        try await sb.ok(["import", good, v2])
        #expect(try await sb.ok(["integrations", "--json"]).stdout != integrationsBefore, "control: a good import does change them")
        #expect(try await sb.ok(["catalog", "--json"]).stdout != catalogBefore)
    }

    @Test("an unreadable file is refused by name and imports nothing")
    func missingFile() async throws {
        let sb = try CLISandbox()
        let good = try sb.write("test-api.yaml", Fixtures.testAPI)
        let result = try await sb.run(["import", good, "no-such-file.yaml"])
        #expect(result.status != 0)
        #expect(result.errorLine.contains("no-such-file.yaml"))
        let integrations = try await sb.json(["integrations"])
        #expect((integrations["integrations"] as? [Any])?.isEmpty == true)
    }

    @Test("re-import unchanged keeps v1; changed makes v2 while the instance stays on v1 until deploy --upgrade")
    func versions() async throws {
        let sb = try CLISandbox()
        let id = try await sb.deployTestSync()
        try await sb.ok(["configure", id, "--set", "api.username=kept"])
        let first = try sb.write("again.yaml", Fixtures.testAPI)
        let again = try await sb.json(["import", first])
        #expect((again["imported"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["unchanged", "unchanged"])
        #expect(try await sb.json(["integrations"])["integrations"].flatMap { ($0 as? [[String: Any]])?.first?["versions"] as? [Int] } == [1])

        let v2 = try sb.write("v2.yaml", Fixtures.testSyncV2)
        try await sb.ok(["import", v2])
        #expect(try await sb.json(["integrations"])["integrations"].flatMap { ($0 as? [[String: Any]])?.first?["versions"] as? [Int] } == [1, 2])
        #expect((try await sb.json(["status", id])["instances"] as? [[String: Any]])?.first?["version"] as? Int == 1)

        let upgraded = try await sb.json(["deploy", "--upgrade", id])
        #expect(upgraded["version"] as? Int == 2)
        #expect((try await sb.json(["status", id])["instances"] as? [[String: Any]])?.first?["version"] as? Int == 2)
        #expect(try await sb.fields(id, "api")["username"]?["value"] as? String == "kept")
    }

    @Test("deploy refuses an unknown integration and a duplicate name with one line and a non-zero exit")
    func deployErrors() async throws {
        let sb = try CLISandbox()
        _ = try await sb.deployTestSync()
        let unknown = try await sb.run(["deploy", "nope", "--customer", "acme", "--json"])
        #expect(unknown.status == 4, "\(unknown)")
        #expect(unknown.errorLine.contains("nope"))
        let duplicate = try await sb.run(["deploy", "test-sync", "--customer", "acme", "--json"])
        #expect(duplicate.status != 0, "\(duplicate)")
        #expect(duplicate.errorLine.contains("acme/test-sync"))
        let named = try await sb.json(["deploy", "test-sync", "--customer", "acme", "--name", "acme-eu"])
        #expect(named["name"] as? String == "acme-eu")
        let unknownInstance = try await sb.run(["status", "acme/nothing", "--json"])
        #expect(unknownInstance.status == 4)
        #expect(unknownInstance.errorLine.contains("acme/nothing"))
    }
}
