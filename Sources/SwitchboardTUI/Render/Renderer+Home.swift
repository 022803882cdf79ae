extension Renderer {
    mutating func drawHome() {
        let home = state.home
        drawTitle("Switchboard · instances")
        // Row 1: the filter.
        if home.isFiltering || !home.filter.isEmpty {
            let used = frame.write(" Filter: ", x: 0, y: 1, style: .dim)
            let text = home.filter.text
            frame.write(text, x: used, y: 1, maxWidth: width / 2, style: home.isFiltering ? .inputFocus : .normal)
            if home.isFiltering {
                let caret = String(home.filter.characters[..<home.filter.cursor]).displayWidth
                frame.cursor = Point(x: min(width - 1, used + caret), y: 1)
            } else {
                frame.write("  (/ edit, Esc clear)", x: used + text.displayWidth, y: 1, style: .dim)
            }
        } else {
            frame.write(" / to filter", x: 0, y: 1, style: .dim)
        }
        let all = home.total
        let count = home.matchCount == all
            ? "\(all) instance\(all == 1 ? "" : "s")"
            : "\(home.matchCount) of \(all)"
        if home.isLoaded { frame.writeRight(count + " ", right: width, y: 1, style: .dim) }

        let columns = homeColumns
        frame.write("  " + "INSTANCE".padded(toWidth: columns.name) + " " + "INTEGRATION".padded(toWidth: columns.integration)
            + " CONNECTIONS", x: 0, y: 2, maxWidth: width, style: .dim)

        let rows = Layout.homeListRows(state.size)
        guard home.isLoaded else {
            frame.write(" Loading…", x: 0, y: 3, style: .dim)
            return
        }
        if home.matchCount == 0 {
            let empty = home.total == 0
                ? "No instances yet. Press n to deploy one."
                : "No instance matches “\(home.filter.text)”."
            frame.write(" " + empty, x: 0, y: 3, maxWidth: width, style: .dim)
            return
        }
        for row in 0..<rows {
            let index = home.scroll + row
            // Rows not held yet are on their way (never while the window covers the screen).
            guard index < home.matchCount else { break }
            guard let instance = home.instance(at: index) else { continue }
            drawInstanceRow(instance, y: 3 + row, selected: index == home.selected, columns: columns)
        }
    }

    var homeColumns: (name: Int, integration: Int) {
        (min(32, max(16, width * 3 / 10)), min(22, max(12, width / 5)))
    }

    mutating func drawInstanceRow(_ instance: InstanceSummary, y: Int, selected: Bool, columns: (name: Int, integration: Int)) {
        let style: StyleRole = selected ? .focus : .normal
        frame.fill(x: 0, y: y, width: width, height: 1, style: style)
        let marker = selected ? "▸ " : "  "
        let name = instance.name + (instance.hasDraft ? " ✎" : "")
        var x = frame.write(marker + name.truncated(toWidth: columns.name).padded(toWidth: columns.name) + " ",
                            x: 0, y: y, style: style)
        x += frame.write("\(instance.integration) v\(instance.version)".truncated(toWidth: columns.integration)
            .padded(toWidth: columns.integration) + " ", x: x, y: y, style: style)
        for (index, connection) in instance.connections.enumerated() {
            // A badge is shown whole or not at all; what does not fit is counted.
            let needed = connection.variable.displayWidth + 1 + Self.badge(connection.status).displayWidth
            if x + needed > width {
                let rest = instance.connections.count - index
                if x < width { frame.write("+\(rest)", x: x, y: y, maxWidth: width - x, style: .dim) }
                break
            }
            x += frame.write(connection.variable + " ", x: x, y: y, maxWidth: width - x, style: style)
            x += frame.write(Self.badge(connection.status), x: x, y: y, maxWidth: width - x, style: .badge(connection.status))
            x += frame.write(" ", x: x, y: y, maxWidth: width - x, style: style)
        }
    }
}
