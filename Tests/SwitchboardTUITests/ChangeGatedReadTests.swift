import Foundation
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardTUI
import Testing

/// The open instance's log pane and badges are re-read on a tick only when something was
/// committed since the last read (by any connection to the database).
@Suite struct ChangeGatedReadTests {
    @Test func aTickReReadsLogsAndBadgesOnlyAfterACommit() async throws {
        let backend = try await DemoStore.backend()
        let instance = try #require(try backend.instances().first { $0.name == "acme/sync-invoices" })
        let logs = Effect.reloadLogsIfChanged(instance: instance.id, variable: "crm", limit: 20)
        let badges = Effect.refreshInstanceIfChanged(id: instance.id)

        #expect(EffectPerformer.perform(logs, backend: backend).count == 1, "the first read always happens")
        #expect(EffectPerformer.perform(badges, backend: backend).count == 1)
        #expect(EffectPerformer.perform(logs, backend: backend).isEmpty, "nothing committed since: no read")
        #expect(EffectPerformer.perform(badges, backend: backend).isEmpty)

        // Another connection commits (as another process would).
        _ = try backend.store.configure(instance: instance.id, changes: [FieldChange(variable: "crm", field: "tenant", value: "acme-prod-3")])
        let reread = EffectPerformer.perform(logs, backend: backend)
        guard case .logsLoaded(_, _, let lines)? = reread.first else { Issue.record("no re-read after a commit: \(reread)"); return }
        #expect(lines.contains { $0.message.contains("acme-prod-3") })
        #expect(EffectPerformer.perform(badges, backend: backend).count == 1)
        #expect(EffectPerformer.perform(logs, backend: backend).isEmpty)
    }

    @Test func theTickAsksForGatedReadsOnly() async throws {
        var h = try await BackendHarness.demoStore()
        h.open("acme/sync-invoices")
        h.effects.removeAll()
        for _ in 0..<4 { h.send(.tick) }
        #expect(!h.effects.contains { if case .loadLogs = $0 { true } else { false } })
        #expect(!h.effects.contains { if case .refreshInstance = $0 { true } else { false } })
        #expect(h.effects.contains { if case .reloadLogsIfChanged = $0 { true } else { false } })
    }
}
