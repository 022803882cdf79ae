import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

@Suite("Store: import and versions")
struct StoreImportTests {
    @Test("given a batch whose second file is bad, when imported, then nothing of the batch is written")
    func allOrNothing() throws {
        let t = try TestStore()
        let catalogBefore = try t.store.catalog()
        let bad = """
            integration: uses-a-ghost
            name: Ghost
            steps:
              - {key: boo, component: ghost, action: haunt}
            """
        #expect(throws: SwitchboardError.self) {
            try t.importYAML(("test-api.yaml", Fixtures.testAPI), ("ghost.yaml", bad))
        }
        #expect(try t.store.catalog() == catalogBefore)
        #expect(try t.store.catalog().contains { $0.key == "test-api" } == false)
        #expect(try t.store.integrations().isEmpty)
    }

    @Test("given stored definitions, when any bad file is imported beside a good one, then nothing changes", arguments: Rejections.all)
    func rejectionChangesNothing(_ case_: Rejection) throws {
        let t = try TestStore()
        try t.importYAML(("test-api.yaml", Fixtures.testAPI))
        let catalogBefore = try t.store.catalog()
        let integrationsBefore = try t.store.integrations()
        do {
            try t.importYAML(("wide.yaml", Fixtures.wide), ("v2.yaml", Fixtures.testSyncV2), (case_.file, case_.yaml))
            Issue.record("\(case_.file) was accepted")
        } catch let error as SwitchboardError {
            case_.check(error.description)
        }
        #expect(try t.store.catalog() == catalogBefore)
        #expect(try t.store.integrations() == integrationsBefore)
    }

    @Test("given an imported integration, when re-imported unchanged, then no new version is made")
    func reimportUnchanged() throws {
        let t = try TestStore()
        let first = try t.importYAML(("test-api.yaml", Fixtures.testAPI))
        #expect(first.items.map(\.action) == ["added", "added"])
        let again = try t.importYAML(("test-api.yaml", Fixtures.testAPI))
        #expect(again.items.map(\.action) == ["unchanged", "unchanged"])
        #expect(try t.store.integrations().first?.versions == [1])
    }

    @Test("given a deployed instance, when the integration changes, then v2 exists and the instance stays on v1 until upgraded")
    func changedIntegrationMakesVersion2() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.set(instance.name, ["api.username": "alice"])

        let result = try t.importYAML(("v2.yaml", Fixtures.testSyncV2))
        #expect(result.items.first?.action == "updated")
        #expect(result.items.first?.version == 2)
        #expect(try t.store.integrations().first?.versions == [1, 2])

        // The old instance keeps v1: it has no step added in v2.
        #expect(try t.store.instance(instance.id).version == 1)
        #expect(throws: SwitchboardError.self) { try t.store.executionContext(instance: instance.id, step: "fetch-again") }

        // New deploys get v2.
        let fresh = try t.store.deploy(integration: "test-sync", customer: "globex")
        #expect(fresh.version == 2)

        // Upgrade moves it on and keeps its values.
        let upgraded = try t.store.upgrade(instance: instance.name)
        #expect(upgraded.version == 2)
        #expect(try t.store.instance(instance.id).version == 2)
        #expect(try t.value(instance.id, "api", "username") == "alice")
        _ = try t.store.executionContext(instance: instance.id, step: "fetch-again")
    }

    @Test("given a component, when re-imported with a change, then it is updated")
    func componentUpdated() throws {
        let t = try TestStore()
        try t.importYAML(("wide.yaml", Fixtures.wide))
        let changed = Fixtures.wide.replacingOccurrences(of: "label: Wide\n", with: "label: Wider\n")
        let result = try t.importYAML(("wide.yaml", changed))
        #expect(result.items.first { $0.kind == "component" }?.action == "updated")
        #expect(try t.store.catalog().first { $0.key == "wide" }?.label == "Wider")
    }

    @Test("deploy names the instance CUSTOMER/INTEGRATION; a second deploy of the same name is a conflict")
    func deploy() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        #expect(instance.name == "acme/test-sync")
        #expect(instance.customer == "acme")
        #expect(instance.integration == "test-sync")
        #expect(!instance.id.isEmpty && instance.id != instance.name)
        #expect(try t.store.instance(instance.name).id == instance.id)
        #expect(try t.store.status().map(\.id) == [instance.id])
        do {
            _ = try t.store.deploy(integration: "test-sync", customer: "acme")
            Issue.record("a duplicate instance name was accepted")
        } catch let error as SwitchboardError {
            guard case .conflict = error else { Issue.record("expected conflict, got \(error)"); return }
        }
        let named = try t.store.deploy(integration: "test-sync", customer: "acme", name: "acme-second")
        #expect(named.name == "acme-second")
        #expect(throws: SwitchboardError.notFound("unknown integration 'nope' (see: switchboard integrations)")) {
            try t.store.deploy(integration: "nope", customer: "acme")
        }
    }
}

@Suite("Bundled catalog and examples")
struct CatalogTests {
    static let required = ["salesforce", "slack", "quickbooks", "dropbox", "jira", "google", "github", "microsoft", "amazon-s3", "tableau"]

    @Test("the bundled catalog parses and validates with at least ten components, including the seed services")
    func bundled() throws {
        let components = try BundledCatalog.components()
        let keys = Set(components.map(\.value.key))
        #expect(components.count >= 10)
        #expect(keys.count == components.count, "component keys are unique")
        for key in Self.required {
            #expect(keys.contains(key), "bundled catalog lacks \(key)")
        }
        for component in components {
            #expect(!component.value.connections.isEmpty, "\(component.value.key) has no connection types")
        }
    }

    @Test("the store's catalog lists the bundled components; an imported one is marked imported")
    func storeCatalog() throws {
        let t = try TestStore()
        try t.importYAML(("test-api.yaml", Fixtures.testAPI))
        let catalog = try t.store.catalog()
        #expect(catalog.first { $0.key == "slack" }?.source == "bundled")
        #expect(catalog.first { $0.key == "test-api" }?.source == "imported")
        #expect(catalog.first { $0.key == "test-api" }?.connections.map(\.key) == ["basic", "token"])
    }

    static func exampleFiles() throws -> [String] {
        let dir = Checkout.root + "/examples"
        return try FileManager.default.contentsOfDirectory(atPath: dir)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { "\(dir)/\($0)" }
    }

    @Test("every file in examples/ imports cleanly on its own, and all of them together")
    func examples() throws {
        let files = try Self.exampleFiles()
        #expect(files.count >= 2)
        for file in files {
            let t = try TestStore()
            let result = try t.store.importDefinitions([(path: file, text: String(contentsOfFile: file, encoding: .utf8))])
            #expect(!result.items.isEmpty, "\(file) defines nothing")
            for integration in try t.store.integrations() {
                _ = try t.store.deploy(integration: integration.key, customer: "example")
            }
        }
        let all = try TestStore()
        _ = try all.store.importDefinitions(files.map { (path: $0, text: try String(contentsOfFile: $0, encoding: .utf8)) })
        #expect(try all.store.integrations().count >= 2)
    }
}
