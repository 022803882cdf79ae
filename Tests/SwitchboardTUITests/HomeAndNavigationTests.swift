import Testing
import SwitchboardCore
import SwitchboardTestSupport
@testable import SwitchboardTUI

@Suite struct HomeAndNavigationTests {
    @Test func startLoadsTheInstancesWithABadgePerConnection() {
        let h = Harness()
        #expect(h.effects.first == .loadInstancePage(HomeState.firstRequest(limit: WizardState.firstPageSize)))
        #expect(h.state.home.instances.count == 4)
        #expect(h.screen.contains("acme/sync-invoices"))
        #expect(h.screen.contains("crm [ ok ] store [ unconfigured ]"))
        #expect(h.screen.contains("store [ error ]"))
    }

    @Test func arrowsMoveAndEnterOpensTheWizard() {
        var h = Harness()
        h.press(.down)
        #expect(h.state.home.selectedInstance?.name == "acme/sync-invoices")
        h.effects = []
        h.press(.enter)
        #expect(h.state.screen == .instance)
        let id = h.state.instance!.instanceID
        #expect(h.effects.prefix(3) == [.loadDraft(instance: id), .openConnection(instance: id, variable: "crm"),
                                        .loadLogs(instance: id, variable: "crm", limit: WizardState.logLimit)])
        #expect(h.form?.variable == "crm")
    }

    @Test func slashFiltersAndEscapeClears() {
        var h = Harness()
        h.press(.char("/"))
        h.type("glob")
        #expect(h.state.home.matchCount == 1)
        #expect(h.screen.contains("1 of 4"))
        h.press(.enter)
        #expect(!h.state.home.isFiltering)
        #expect(h.state.home.selectedInstance?.name == "globex/sync-invoices")
        h.press(.escape)
        #expect(h.state.home.matchCount == 4)
        #expect(h.state.home.selectedInstance?.name == "globex/sync-invoices")
    }

    @Test func longListsScrollOnlyWhenTheSelectionLeavesTheWindow() {
        var home = HomeState()
        let rows = (0..<100).map { InstanceSummary(id: "\($0)", name: "c\($0)/x", customer: "c", integration: "x", version: 1, connections: []) }
        home.receive(InstancePage(instances: rows, total: rows.count), request: 0, rows: 10)
        home.select(9, rows: 10)
        #expect(home.scroll == 0)
        home.select(10, rows: 10)
        #expect(home.scroll == 1)
        home.select(5, rows: 10)
        #expect(home.scroll == 1)
        home.select(0, rows: 10)
        #expect(home.scroll == 0)
    }

    @Test func stepsSwitchConnectionsAndLoadEachOnce() {
        var h = Harness()
        h.open("acme/sync-invoices")
        h.effects = []
        h.press(.down)
        #expect(h.state.instance?.selectedVariable == "store")
        #expect(h.effects.contains { if case .openConnection(_, "store") = $0 { true } else { false } })
        h.press(.up)
        h.effects = []
        h.press(.down)
        #expect(!h.effects.contains { if case .openConnection = $0 { true } else { false } })
    }

    @Test func tabAndArrowsMoveBetweenFieldsSkippingDerivedOnes() {
        var h = Harness()
        h.open("acme/sync-invoices")
        h.press(.enter)
        #expect(h.state.instance?.focus == .form)
        #expect(h.focused?.key == "host")
        h.press(.tab, .down, .tab)
        #expect(h.focused?.key == "region")
        h.press(.backTab, .up)
        #expect(h.focused?.key == "apiKey")
        h.press(.tab, .tab, .tab, .tab, .tab, .tab)
        #expect(h.focused?.key == "notes")  // endpoint is a template: never focused
        h.press(.escape)
        #expect(h.state.instance?.focus == .steps)
    }

    @Test func deployPicksIntegrationThenTypedCustomerAndOpensIt() {
        var h = Harness()
        h.press(.char("n"))
        #expect(h.state.screen == .deploy)
        #expect(h.state.deploy?.integrations.count == 2)
        h.press(.enter)
        #expect(h.state.deploy?.step == .customer)
        h.type("initech")
        h.press(.enter)
        #expect(h.state.screen == .instance)
        #expect(h.state.instance?.summary.name == "initech/sync-invoices")
        #expect(h.screen.contains("Deployed initech/sync-invoices"))
    }

    @Test func deployCanPickAnExistingCustomer() {
        var h = Harness()
        h.press(.char("n"), .down, .enter, .down, .down)
        #expect(h.state.deploy?.chosenCustomer == "globex")
        h.press(.enter)
        #expect(h.state.instance?.summary.name == "globex/crm-oauth")
    }

    @Test func aFailedDeployShowsTheReason() {
        var h = Harness()
        h.press(.char("n"), .enter)
        h.type("acme")
        h.press(.enter)
        #expect(h.state.screen == .deploy)
        #expect(h.screen.contains("acme/sync-invoices is already deployed"))
    }

    @Test func tooSmallIgnoresEverythingButQuit() {
        var h = Harness(size: Size(width: 40, height: 10))
        h.press(.char("n"), .enter)
        #expect(h.state.screen == .home)
        #expect(h.screen.contains("Terminal too small"))
        h.press(.char("q"))
        #expect(h.quit)
    }

    @Test func resizeReflowsAndKeepsTheSelectionVisible() {
        var h = Harness()
        h.press(.end)
        h.send(.resized(Size(width: 60, height: 16)))
        #expect(h.frame.size == Size(width: 60, height: 16))
        #expect(h.screen.contains("▸ 北京商贸/crm-oauth"))
    }

    @Test func helpLineComesFromTheBindingTable() {
        var h = Harness()
        h.open("acme/sync-invoices")
        h.press(.enter, .tab)
        let help = h.frame.text(row: h.frame.height - 1)
        for binding in h.state.helpBindings {
            #expect(help.contains("\(binding.displayKey) \(binding.help!)"))
        }
        #expect(help.contains("^R reveal"))
        #expect(help.contains("^T test"))
    }

    @Test func configureInstanceOpensItOnceLoaded() {
        let backend = InMemoryWizardBackend.demo()
        var state = WizardState(size: Size(width: 80, height: 24), role: .team, openInstance: "globex/sync-invoices")
        var effects = state.start()
        while !effects.isEmpty {
            let effect = effects.removeFirst()
            for event in EffectPerformer.perform(effect, backend: backend) { effects += state.handle(event) }
        }
        #expect(state.instance?.summary.name == "globex/sync-invoices")
    }

    @Test func theFirstFrameNeedsOnlyTheFirstPage() throws {
        let backend = InMemoryWizardBackend.demo()
        let all = try backend.instances()
        var state = WizardState(size: Size(width: 80, height: 24), role: .team)
        #expect(state.start() == [.loadInstancePage(HomeState.firstRequest(limit: WizardState.firstPageSize))])
        _ = state.handle(.instancePageLoaded(InstancePage(instances: Array(all.prefix(2)), total: all.count), request: 0))
        let screen = render(state, theme: .mono).text
        #expect(screen.contains("\(all.count) instances"))
        #expect(screen.contains(all[1].name) && !screen.contains(all[2].name))
    }

    @Test func thePeriodicRefreshMayBeSkippedButAskingAlwaysReads() throws {
        var h = Harness()
        h.press(.down)
        h.effects = []
        // Every tick asks (a change from another host shows within a second); the effect
        // reads only when the store changed.
        for _ in 0..<10 { h.send(.tick) }
        let periodic = h.effects.compactMap { if case .reloadInstancesIfChanged(let request) = $0 { request } else { nil } }
        #expect(periodic.count == 10)
        #expect(periodic.first?.around == h.state.home.selectedInstance?.name, "the refresh keeps the selection")
        let asked = h.state.handle(.key(.char("r")))
        guard case .loadInstances? = asked.first else { Issue.record("r does not read: \(asked)"); return }
    }

    @Test func configureInstanceOpensItWithoutWaitingForTheList() {
        let state = WizardState(size: Size(width: 80, height: 24), role: .team, openInstance: "globex/sync-invoices")
        #expect(state.start() == [.loadInstancePage(HomeState.firstRequest(limit: WizardState.firstPageSize)),
                                  .refreshInstance(id: "globex/sync-invoices")])
    }
}
