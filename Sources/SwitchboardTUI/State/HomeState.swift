/// The home list of instances with its filter.
package struct HomeState: Equatable, Sendable {
    package var instances: [InstanceSummary] = []
    package var isLoaded = false
    /// While only the first page is loaded: how many instances there are in all.
    package var pageTotal: Int?
    package var filter = LineEditor()
    package var isFiltering = false
    /// Indices into `instances` that match the filter, cached because lists can be long.
    package private(set) var matches: [Int] = []
    /// Index into `matches`.
    package var selected = 0
    /// First visible row of the list; kept in state so the list only scrolls when the
    /// selection leaves the window (a keystroke then repaints a line, not the list).
    package var scroll = 0

    package init() {}

    /// The whole list.
    package mutating func setInstances(_ instances: [InstanceSummary]) {
        let selectedID = selectedInstance?.id
        self.instances = instances
        isLoaded = true
        pageTotal = nil
        refilter(keeping: selectedID)
    }

    /// The first page, while the whole list is on its way (never over a whole list).
    package mutating func setPage(_ page: InstancePage) {
        guard !isLoaded || pageTotal != nil else { return }
        let selectedID = selectedInstance?.id
        instances = page.instances
        isLoaded = true
        pageTotal = page.instances.count < page.total ? page.total : nil
        refilter(keeping: selectedID)
    }

    /// One instance changed (or was added), keeping whether the list is whole.
    package mutating func update(_ summary: InstanceSummary, appendIfMissing: Bool = false) {
        let selectedID = selectedInstance?.id
        if let index = instances.firstIndex(where: { $0.id == summary.id }) {
            instances[index] = summary
        } else if appendIfMissing {
            instances.append(summary)
            pageTotal = pageTotal.map { $0 + 1 }
        } else {
            return
        }
        refilter(keeping: selectedID)
    }

    package mutating func refilter(keeping id: String? = nil) {
        let needle = filter.text.lowercased()
        matches = instances.indices.filter { index in
            needle.isEmpty || instances[index].name.lowercased().contains(needle)
                || instances[index].integration.lowercased().contains(needle)
        }
        if let id, let index = matches.firstIndex(where: { instances[$0].id == id }) {
            selected = index
        } else {
            selected = min(selected, max(0, matches.count - 1))
        }
    }

    package var selectedInstance: InstanceSummary? {
        matches.indices.contains(selected) ? instances[matches[selected]] : nil
    }

    /// Moves the selection and scrolls just enough to keep it within `rows` visible rows.
    package mutating func select(_ index: Int, rows: Int) {
        selected = min(max(0, index), max(0, matches.count - 1))
        if selected < scroll { scroll = selected }
        if selected >= scroll + rows { scroll = selected - rows + 1 }
        scroll = max(0, min(scroll, max(0, matches.count - rows)))
    }
}
