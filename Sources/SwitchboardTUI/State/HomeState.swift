/// The home list of instances with its filter. It holds a window of rows read from the
/// store (a few hundred around the visible part, never every instance): moving the
/// selection near or past the window's edge asks for the rows there, and the old rows stay
/// on screen until they arrive.
package struct HomeState: Equatable, Sendable {
    /// Rows asked for at a time (the first frame asks for fewer).
    package static let windowSize = 300

    /// The rows held: `instances[i]` is match number `offset + i`.
    package private(set) var instances: [InstanceSummary] = []
    /// Where `instances` starts among the instances matching the filter, in name order.
    package private(set) var offset = 0
    /// How many instances match the filter the rows were read with.
    package private(set) var matchCount = 0
    /// How many instances there are in all.
    package private(set) var total = 0
    package private(set) var isLoaded = false
    package var filter = LineEditor()
    package var isFiltering = false
    /// Index among the matching instances (not into `instances`).
    package private(set) var selected = 0
    /// First visible row of the list; kept in state so the list only scrolls when the
    /// selection leaves the window (a keystroke then repaints a line, not the list).
    package private(set) var scroll = 0
    /// The last page asked for; answers to earlier ones are stale and dropped.
    package private(set) var lastRequest = 0
    /// Whether the answer to `lastRequest` is still on its way.
    package private(set) var isRequesting = false
    /// Enter was pressed while rows were on their way (a filter just typed, End): the
    /// instance selected once they arrive is opened.
    package var openOnArrival = false
    /// What to select when the answer to `lastRequest` arrives (nil: keep the instance
    /// selected then, by id).
    private var selectOnArrival: Int?

    package init() {}

    /// Index range of the matches held.
    package var held: Range<Int> { offset..<(offset + instances.count) }

    /// The match at `index` among all matches, when held.
    package func instance(at index: Int) -> InstanceSummary? {
        held.contains(index) ? instances[index - offset] : nil
    }

    package var selectedInstance: InstanceSummary? { instance(at: selected) }

    /// Rows asked for when `rows` are visible: enough that the visible part sits well inside.
    static func limit(rows: Int) -> Int { max(windowSize, rows * 6) }

    /// A request for the window; every request supersedes those before it.
    mutating func request(offset: Int = 0, rows: Int, around: String? = nil, select: Int? = nil) -> InstancePageRequest {
        lastRequest += 1
        isRequesting = true
        selectOnArrival = select
        let limit = Self.limit(rows: rows)
        return InstancePageRequest(id: lastRequest, offset: max(0, offset - limit / 2), limit: limit, filter: filter.text, around: around)
    }

    /// The window around the selection again (a refresh; the selection stays on its instance).
    package mutating func reloadRequest(rows: Int) -> InstancePageRequest {
        if let name = selectedInstance?.name { return request(rows: rows, around: name) }
        return request(offset: selected, rows: rows, select: selected)
    }

    /// The rows the filter now matches, around the same index, selecting the match there.
    package mutating func filterRequest(rows: Int) -> InstancePageRequest {
        request(offset: selected, rows: rows, select: selected)
    }

    /// The first frame's rows (the initial request, id 0, needs no bookkeeping).
    package static func firstRequest(limit: Int) -> InstancePageRequest {
        InstancePageRequest(id: 0, limit: limit)
    }

    /// The page `request` asked for. Returns false (changing nothing) when a later request
    /// was made since.
    @discardableResult
    package mutating func receive(_ page: InstancePage, request id: Int, rows: Int) -> Bool {
        guard id == lastRequest else { return false }
        let keptID = selectedInstance?.id
        isRequesting = false
        instances = page.instances
        offset = page.offset
        matchCount = page.matching
        total = page.total
        isLoaded = true
        var index = selected
        if let wanted = selectOnArrival {
            index = wanted
        } else if let keptID, let found = instances.firstIndex(where: { $0.id == keptID }) {
            index = offset + found
        }
        selectOnArrival = nil
        // Within what arrived (all of it, unless the list changed in between).
        let last = instances.isEmpty ? 0 : held.upperBound - 1
        selected = min(max(instances.isEmpty ? 0 : offset, index), last)
        scroll = Self.top(for: selected, from: scroll, rows: rows, count: matchCount)
        return true
    }

    /// The first visible row that shows `index` and scrolls as little as possible from `scroll`.
    static func top(for index: Int, from scroll: Int, rows: Int, count: Int) -> Int {
        var top = scroll
        if index < top { top = index }
        if index >= top + rows { top = index - rows + 1 }
        return max(0, min(top, max(0, count - rows)))
    }

    /// No answer to `request` is coming (nothing changed, or the read failed).
    @discardableResult
    package mutating func skipped(request id: Int) -> Bool {
        guard id == lastRequest else { return false }
        isRequesting = false
        selectOnArrival = nil
        return true
    }

    /// One instance changed: its row is replaced if held (rows not held are read when shown).
    package mutating func update(_ summary: InstanceSummary) {
        if let index = instances.firstIndex(where: { $0.id == summary.id }) { instances[index] = summary }
    }

    /// Moves the selection and scrolls just enough to keep it within `rows` visible rows.
    /// When those rows are not all held, the selection stays until they arrive and the
    /// request for them is returned; near the window's edge the next window is asked for
    /// ahead of time.
    @discardableResult
    package mutating func select(_ index: Int, rows: Int) -> InstancePageRequest? {
        let target = min(max(0, index), max(0, matchCount - 1))
        let top = Self.top(for: target, from: scroll, rows: rows, count: matchCount)
        let visible = top..<min(matchCount, top + rows)
        guard visible.isEmpty || (held.contains(visible.lowerBound) && held.contains(visible.upperBound - 1)) else {
            return request(offset: target, rows: rows, select: target)
        }
        selected = target
        scroll = top
        let nearStart = offset > 0 && visible.lowerBound - offset < 2 * rows
        let nearEnd = held.upperBound < matchCount && held.upperBound - visible.upperBound < 2 * rows
        guard nearStart || nearEnd, !isRequesting, let name = selectedInstance?.name else { return nil }
        return request(rows: rows, around: name)
    }
}
