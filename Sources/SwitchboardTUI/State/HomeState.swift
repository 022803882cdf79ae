/// The home list of instances with its filter.
public struct HomeState: Equatable, Sendable {
    public var instances: [InstanceSummary] = []
    public var isLoaded = false
    public var filter = LineEditor()
    public var isFiltering = false
    /// Indices into `instances` that match the filter, cached because lists can be long.
    public private(set) var matches: [Int] = []
    /// Index into `matches`.
    public var selected = 0
    /// First visible row of the list; kept in state so the list only scrolls when the
    /// selection leaves the window (a keystroke then repaints a line, not the list).
    public var scroll = 0

    public init() {}

    public mutating func setInstances(_ instances: [InstanceSummary]) {
        let selectedID = selectedInstance?.id
        self.instances = instances
        isLoaded = true
        refilter(keeping: selectedID)
    }

    public mutating func refilter(keeping id: String? = nil) {
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

    public var selectedInstance: InstanceSummary? {
        matches.indices.contains(selected) ? instances[matches[selected]] : nil
    }

    /// Moves the selection and scrolls just enough to keep it within `rows` visible rows.
    public mutating func select(_ index: Int, rows: Int) {
        selected = min(max(0, index), max(0, matches.count - 1))
        if selected < scroll { scroll = selected }
        if selected >= scroll + rows { scroll = selected - rows + 1 }
        scroll = max(0, min(scroll, max(0, matches.count - rows)))
    }
}
