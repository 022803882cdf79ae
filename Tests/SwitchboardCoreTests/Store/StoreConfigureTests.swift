import Foundation
import Testing
@testable import SwitchboardCore

@Suite("Store: configure")
struct StoreConfigureTests {
    @Test("given valid values, when configured, then they are stored, the revision moves on and each change is logged")
    func configureValid() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        let before = try t.store.connectionDetail(instance: instance.id, variable: "api")
        let logsBefore = try t.store.logs(instance: instance.id, variable: "api", limit: 100).count
        try t.set(instance.name, ["api.username": "alice", "api.region": "United States", "api.verbose": "yes"])
        let after = try t.store.connectionDetail(instance: instance.id, variable: "api")
        #expect(after.revision == before.revision + 1)
        #expect(after.fields.first { $0.key == "username" }?.storedValue == "alice")
        #expect(after.fields.first { $0.key == "region" }?.storedValue == "us", "a picklist label is stored as its value")
        #expect(after.fields.first { $0.key == "verbose" }?.storedValue == "true")
        #expect(after.fields.first { $0.key == "endpoint" }?.effectiveValue == "https://api.test.example/us/alice")
        #expect(try t.store.logs(instance: instance.id, variable: "api", limit: 100).count == logsBefore + 3)
    }

    @Test("given one invalid value among valid ones, when configured, then nothing is stored, the revision stays and nothing is logged",
          arguments: [("api.host", "ftp://x.example"), ("api.code", "abc"), ("api.region", "mars"), ("api.verbose", "perhaps"),
                      ("api.username", "two\nlines"), ("api.endpoint", "https://x.example"), ("api.username", "")])
    func configureInvalid(target: String, value: String) throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        let before = try t.store.connectionDetail(instance: instance.id, variable: "api")
        let logsBefore = try t.store.logs(instance: instance.id, limit: 100)
        do {
            try t.set(instance.name, ["api.notes": "valid note", target: value])
            Issue.record("\(target)=\(value) was accepted")
        } catch let error as SwitchboardError {
            guard case .invalidValue(let message) = error else { Issue.record("expected invalidValue, got \(error)"); return }
            #expect(message.contains(target), "the message names the field: \(message)")
        }
        let after = try t.store.connectionDetail(instance: instance.id, variable: "api")
        #expect(after == before)
        #expect(try t.store.logs(instance: instance.id, limit: 100) == logsBefore)
    }

    @Test("an unknown variable or field is reported by name and changes nothing")
    func unknownTargets() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        let before = try t.store.connectionDetail(instance: instance.id, variable: "api")
        do {
            try t.set(instance.id, ["api.username": "bob", "api.colour": "red"])
            Issue.record("an unknown field was accepted")
        } catch let error as SwitchboardError {
            guard case .notFound(let message) = error else { Issue.record("expected notFound, got \(error)"); return }
            #expect(message.contains("'colour'"))
        }
        do {
            try t.set(instance.id, ["ghost.username": "bob"])
            Issue.record("an unknown variable was accepted")
        } catch let error as SwitchboardError {
            guard case .notFound(let message) = error else { Issue.record("expected notFound, got \(error)"); return }
            #expect(message.contains("'ghost'"))
        }
        #expect(throws: SwitchboardError.self) { try t.set("acme/nothing-here", ["api.username": "bob"]) }
        #expect(try t.store.connectionDetail(instance: instance.id, variable: "api") == before)
    }

    @Test("unset clears a stored value so the default applies; setting the same value again changes nothing")
    func unsetAndNoOp() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.set(instance.id, ["api.region": "us"])
        let revision = try t.store.connectionDetail(instance: instance.id, variable: "api").revision
        let logCount = try t.store.logs(instance: instance.id, limit: 100).count
        try t.set(instance.id, ["api.region": "us"])
        #expect(try t.store.connectionDetail(instance: instance.id, variable: "api").revision == revision)
        #expect(try t.store.logs(instance: instance.id, limit: 100).count == logCount)
        try t.set(instance.id, ["api.region": nil])
        #expect(try t.value(instance.id, "api", "region") == "eu")
        #expect(try t.store.connectionDetail(instance: instance.id, variable: "api").revision == revision + 1)
    }

    @Test("a secret value is logged as set, never by value, and is readable back through the key")
    func secretLogging() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.set(instance.id, ["api.password": "SECRET-store-31337"])
        #expect(try t.value(instance.id, "api", "password") == "SECRET-store-31337")
        let messages = try t.store.logs(instance: instance.id, limit: 100).map(\.message)
        #expect(messages.contains { $0.contains("password") && $0.contains("secret") })
        #expect(!messages.contains { $0.contains("SECRET-store-31337") })
    }

    @Test("integration defaults apply, secret defaults included")
    func integrationDefaults() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        #expect(try t.value(instance.id, "api", "tenant") == "integration-tenant")
        #expect(try t.value(instance.id, "api", "apiSecret") == Fixtures.integrationSecretDefault)
        #expect(try t.value(instance.id, "api", "host") == "https://api.test.example")
    }

    @Test("given a stale expected revision, when configured, then it is a conflict and nothing is written")
    func optimisticConflict() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        let seen = try t.store.connectionDetail(instance: instance.id, variable: "api").revision
        // Another session saves first.
        try t.set(instance.id, ["api.username": "first-writer"], revision: seen)
        let logCount = try t.store.logs(instance: instance.id, limit: 100).count
        do {
            try t.set(instance.id, ["api.username": "second-writer", "api.notes": "x"], revision: seen)
            Issue.record("a stale revision was accepted")
        } catch let error as SwitchboardError {
            guard case .conflict(let message) = error else { Issue.record("expected conflict, got \(error)"); return }
            #expect(message.contains("another session"))
        }
        let detail = try t.store.connectionDetail(instance: instance.id, variable: "api")
        #expect(detail.revision == seen + 1)
        #expect(detail.fields.first { $0.key == "username" }?.storedValue == "first-writer")
        #expect(detail.fields.first { $0.key == "notes" }?.storedValue == nil)
        #expect(try t.store.logs(instance: instance.id, limit: 100).count == logCount)
        // Retrying with the current revision works.
        try t.set(instance.id, ["api.username": "second-writer"], revision: seen + 1)
        #expect(try t.value(instance.id, "api", "username") == "second-writer")
    }

    @Test("given another master key, then reading or writing secrets fails with wrongMasterKey and writes nothing")
    func wrongMasterKey() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        try t.set(instance.id, ["api.password": "SECRET-x"])
        let other = t.withKey(try secretBox())
        #expect(throws: SwitchboardError.wrongMasterKey(source: MasterKey.environmentVariable)) {
            try other.connectionDetail(instance: instance.id, variable: "api")
        }
        #expect(throws: SwitchboardError.wrongMasterKey(source: MasterKey.environmentVariable)) {
            try other.configure(instance: instance.id, changes: [FieldChange(variable: "api", field: "username", value: "mallory")])
        }
        #expect(try t.value(instance.id, "api", "username") == nil)
        #expect(try t.value(instance.id, "api", "password") == "SECRET-x")
    }

    @Test("drafts round trip per user and can be deleted")
    func drafts() throws {
        let t = try TestStore()
        let instance = try t.deployTestSync()
        #expect(try t.store.loadDraft(instance: instance.id) == nil)
        try t.store.saveDraft(instance: instance.id, contents: #"{"api.password":"typed-but-unsaved"}"#)
        #expect(try t.store.loadDraft(instance: instance.id)?.contents == #"{"api.password":"typed-but-unsaved"}"#)
        #expect(try t.acting(as: .team, user: "someone-else").loadDraft(instance: instance.id) == nil)
        try t.store.saveDraft(instance: instance.id, contents: "second")
        #expect(try t.store.loadDraft(instance: instance.id)?.contents == "second")
        try t.store.deleteDraft(instance: instance.id)
        #expect(try t.store.loadDraft(instance: instance.id) == nil)
    }
}
