import SwitchboardCore
extension Renderer {
    mutating func drawInstance() {
        guard let wizard = state.instance else { return }
        if let connect = wizard.connect {
            drawConnect(wizard, connect)
            return
        }
        let summary = wizard.summary
        drawTitle("Switchboard · \(summary.name) (\(summary.integration) v\(summary.version))")
        let body = Layout.wizardBody(state.size)
        let logHeight = Layout.logHeight(state.size, visible: wizard.logVisible)
        let topHeight = body.height - logHeight
        let stepsWidth = Layout.stepsWidth(state.size)
        drawSteps(wizard, y: body.top, width: stepsWidth, height: topHeight)
        frame.verticalRule(x: stepsWidth, y: body.top, height: topHeight, glyphs: glyphs)
        drawForm(wizard, x: stepsWidth + 2, y: body.top, width: width - stepsWidth - 3, height: topHeight)
        if logHeight > 0 { drawLog(wizard, y: body.top + topHeight, height: logHeight) }
    }

    /// The connections as steps: name (with `*` when changed) and badge on two lines.
    mutating func drawSteps(_ wizard: InstanceWizard, y: Int, width: Int, height: Int) {
        frame.write(" Connections", x: 0, y: y, maxWidth: width, style: .dim)
        let connections = wizard.summary.connections
        let capacity = max(1, (height - 1) / 2)
        let scroll = max(0, min(wizard.selected - capacity + 1, connections.count - capacity))
        for slot in 0..<capacity {
            let index = scroll + slot
            guard connections.indices.contains(index) else { break }
            let connection = connections[index]
            let row = y + 1 + slot * 2
            let isSelected = index == wizard.selected
            let style: StyleRole = isSelected ? (wizard.focus == .steps ? .focus : .selection) : .normal
            let changed = wizard.forms[connection.variable]?.isDirty == true ? "*" : ""
            frame.writePadded((isSelected ? " ▸ " : "   ") + connection.variable + changed, x: 0, y: row, width: width, style: style)
            frame.write(Self.badge(connection.status), x: 3, y: row + 1, maxWidth: width - 3, style: .badge(connection.status))
        }
    }

    /// The log of the selected connection, oldest at the top and newest at the bottom.
    mutating func drawLog(_ wizard: InstanceWizard, y: Int, height: Int) {
        let variable = wizard.selectedVariable ?? ""
        var title = "Log · \(variable)"
        if wizard.logScroll > 0 { title += " · \(wizard.logScroll) newer below (PgDn)" }
        frame.rule(x: 0, y: y, width: width, title: title, glyphs: glyphs)
        let rows = height - 1
        guard rows > 0 else { return }
        // Each entry wraps under its message column (at most `maxRowsPerLogEntry` rows), so
        // a long reason or error is read in full; the newest entries win the space.
        let messageColumn = 1 + 14 + 1 + 8
        let textWidth = max(1, width - messageColumn)
        var entries: [(line: LogLine, rows: [String])] = []
        var used = 0
        for line in wizard.logs.dropFirst(wizard.logScroll) where used < rows {
            // The oldest entry shown may get fewer rows than it needs: it keeps its first
            // rows (time and level included) and ends in `…`.
            // Escaped before it is measured: `Frame.write` would escape it anyway, and a
            // row measured on the raw text would overflow and lose characters.
            let wrapped = Self.logRows(TerminalText.escaped("\(line.source) \(line.user): \(line.message)"), width: textWidth,
                                       maxRows: min(Self.maxRowsPerLogEntry, rows - used))
            entries.append((line, wrapped))
            used += wrapped.count
        }
        if entries.isEmpty {
            frame.write(wizard.logsVariable == nil ? " Loading…" : " No log entries yet", x: 0, y: y + 1, style: .dim)
            return
        }
        // Oldest at the top.
        let lines = entries.reversed().flatMap { entry in entry.rows.enumerated().map { (entry.line, $0.element, $0.offset == 0) } }
        for (offset, (line, text, isFirst)) in lines.enumerated() {
            let row = y + 1 + offset
            if isFirst {
                let x = frame.write(" " + Self.shortTime(line.time) + " ", x: 0, y: row, style: .dim)
                frame.write(line.level.rawValue.padded(toWidth: 8), x: x, y: row, style: .log(line.level))
            }
            frame.write(text, x: messageColumn, y: row, maxWidth: textWidth, style: .log(line.level))
        }
    }

    static let maxRowsPerLogEntry = 4

    /// A log message wrapped to `width`, at most `maxRows` rows, the last one ending in `…`
    /// when more was cut.
    static func logRows(_ text: String, width: Int, maxRows: Int) -> [String] {
        var rows = text.wrapped(toWidth: width)
        if rows.count > maxRows {
            rows = Array(rows.prefix(max(1, maxRows)))
            rows[rows.count - 1] = (rows[rows.count - 1] + " …").truncated(toWidth: width)
        }
        return rows.isEmpty ? [""] : rows
    }

    /// `2025-01-31T12:34:56.000Z` → `01-31 12:34:56` (UTC, as stored).
    static func shortTime(_ iso: String) -> String {
        let characters = Array(iso)
        guard characters.count >= 19 else { return iso.padded(toWidth: 14) }
        return String(characters[5..<10]) + " " + String(characters[11..<19])
    }
}
