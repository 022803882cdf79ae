import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardTUI

/// The home list holds a window of rows, never every instance; End, PageDown and the
/// filter still reach all of them, through pages the state asks for.
@Suite struct HomePagingTests {
    static func bigBackend(_ count: Int = 1000) throws -> InMemoryWizardBackend {
        let backend = InMemoryWizardBackend.demo()
        for n in 0..<count { try backend.deploy(integration: "sync-invoices", customer: "m" + String(1000 + n).dropFirst()) }
        return backend
    }

    @Test func theListHoldsAWindowAndEndAndTheFilterReachEveryInstance() throws {
        let backend = try Self.bigBackend()
        let all = try backend.instances()
        var h = BackendHarness(backend: backend)
        let rows = Layout.homeListRows(h.state.size)
        #expect(h.state.home.instances.count == WizardState.firstPageSize)
        #expect(h.screen.contains("\(all.count) instances"))

        h.press(.end)
        #expect(h.state.home.selectedInstance?.name == all.last?.name)
        #expect(h.state.home.instances.count <= HomeState.limit(rows: rows))
        #expect(h.screen.contains("▸ \(all.last!.name)"))
        h.press(.home)
        #expect(h.state.home.selectedInstance?.name == all.first?.name)

        // Arrows across the window's edges and pages down never lose the selection.
        for _ in 0..<400 { h.press(.down) }
        #expect(h.state.home.selected == 400)
        #expect(h.state.home.selectedInstance?.name == all[400].name)
        #expect(h.screen.contains("▸ \(all[400].name)"))
        h.press(.pageDown, .pageDown)
        #expect(h.state.home.selectedInstance?.name == all[400 + 2 * rows].name)
        for _ in 0..<300 { h.press(.up) }
        #expect(h.state.home.selectedInstance?.name == all[100 + 2 * rows].name)

        // The filter counts and reaches matches beyond the window.
        h.press(.char("/"))
        h.type("M09")
        let matches = all.filter { $0.name.lowercased().contains("m09") }
        #expect(h.state.home.matchCount == matches.count)
        #expect(h.screen.contains("\(matches.count) of \(all.count)"))
        h.press(.enter, .end)
        #expect(h.state.home.selectedInstance?.name == matches.last?.name)
        h.press(.escape)
        #expect(h.state.home.matchCount == all.count)
        #expect(h.state.home.selectedInstance?.name == matches.last?.name, "the selection survives clearing the filter")
        #expect(h.screen.contains("▸ \(matches.last!.name)"))
    }

    @Test func theOldRowsStayUntilTheirPageArrivesAndLateAnswersAreDropped() throws {
        let backend = try Self.bigBackend(500)
        var state = WizardState(size: Size(width: 80, height: 24), role: .team)
        for effect in state.start() {
            for event in EffectPerformer.perform(effect, backend: backend) { _ = state.handle(event) }
        }
        let before = render(state, theme: .mono).text
        let end = state.handle(.key(.end))
        guard case .loadInstances(let endRequest)? = end.first else { Issue.record("End asks for nothing: \(end)"); return }
        #expect(render(state, theme: .mono).text == before, "no flicker while the last page is on its way")
        _ = state.handle(.key(.char("/")))
        let typed = state.handle(.key(.char("g")))
        guard case .loadInstances(let filterRequest)? = typed.first else { Issue.record("the filter asks for nothing: \(typed)"); return }
        #expect(filterRequest.id > endRequest.id)
        // The answer to End arrives late: dropped.
        for event in EffectPerformer.perform(.loadInstances(endRequest), backend: backend) { _ = state.handle(event) }
        #expect(state.home.offset == 0 && state.home.selected == 0)
        for event in EffectPerformer.perform(.loadInstances(filterRequest), backend: backend) { _ = state.handle(event) }
        #expect(state.home.matchCount == 1)
        #expect(state.home.selectedInstance?.name == "globex/sync-invoices")
    }
}

/// The store answers the same pages: the filter over name and integration, escaped, the
/// offset clamped to the last page, and `around` centring the named instance.
@Suite struct StoreHomePageTests {
    @Test func theStoreReadsPagesOfTheMatches() async throws {
        let backend = try await DemoStore.backend()
        let all = try backend.instances()
        let first = try backend.instancePage(InstancePageRequest(id: 1, limit: 2))
        #expect(first.instances.map(\.name) == all.prefix(2).map(\.name))
        #expect(first.total == all.count && first.matching == all.count && first.offset == 0)
        let last = try backend.instancePage(InstancePageRequest(id: 2, offset: 10_000, limit: 2))
        #expect(last.instances.map(\.name) == all.suffix(2).map(\.name))
        #expect(last.offset == all.count - 2)
        let around = try backend.instancePage(InstancePageRequest(id: 3, limit: 1, around: all[2].name))
        #expect(around.instances.map(\.name) == [all[2].name])
        let filtered = try backend.instancePage(InstancePageRequest(id: 4, limit: 10, filter: "GLOB"))
        #expect(filtered.instances.map(\.name) == all.filter { $0.name.contains("glob") }.map(\.name))
        #expect(filtered.matching == filtered.instances.count && filtered.total == all.count)
        let byIntegration = try backend.instancePage(InstancePageRequest(id: 5, limit: 10, filter: "crm-oauth"))
        #expect(byIntegration.instances.map(\.name) == all.filter { $0.integration == "crm-oauth" }.map(\.name))
        for literal in ["%", "_", "\\"] {
            #expect(try backend.instancePage(InstancePageRequest(id: 6, limit: 10, filter: literal)).matching == 0)
        }
    }
}

extension HomePagingTests {
    @Test func enterWhileTheFilteredRowsAreOnTheirWayOpensAMatch() throws {
        let backend = try Self.bigBackend(50)
        var state = WizardState(size: Size(width: 80, height: 24), role: .team)
        for effect in state.start() {
            for event in EffectPerformer.perform(effect, backend: backend) { _ = state.handle(event) }
        }
        _ = state.handle(.key(.down))
        _ = state.handle(.key(.char("/")))
        var asked: [Effect] = []
        for character in "globex" { asked += state.handle(.key(.char(character))) }
        _ = state.handle(.key(.enter))
        #expect(state.handle(.key(.enter)).isEmpty, "nothing is opened before the matches arrive")
        guard case .loadInstances(let request)? = asked.last else { Issue.record("no request: \(asked)"); return }
        var opened: [Effect] = []
        for event in EffectPerformer.perform(.loadInstances(request), backend: backend) { opened += state.handle(event) }
        #expect(state.screen == .instance)
        #expect(state.instance?.summary.name == "globex/sync-invoices")
        #expect(!opened.isEmpty)
    }
}
