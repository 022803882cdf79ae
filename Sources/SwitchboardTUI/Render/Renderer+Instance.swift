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
        let shown = wizard.logs.dropFirst(wizard.logScroll).prefix(rows).reversed()
        if shown.isEmpty {
            frame.write(wizard.logsVariable == nil ? " Loading…" : " No log entries yet", x: 0, y: y + 1, style: .dim)
            return
        }
        for (offset, line) in shown.enumerated() {
            let row = y + 1 + offset
            var x = frame.write(" " + Self.shortTime(line.time) + " ", x: 0, y: row, style: .dim)
            x += frame.write(line.level.rawValue.padded(toWidth: 8), x: x, y: row, style: .log(line.level))
            let rest = "\(line.source) \(line.user): \(line.message)"
            frame.write(rest, x: x, y: row, maxWidth: width - x, style: .log(line.level))
        }
    }

    /// `2025-01-31T12:34:56.000Z` → `01-31 12:34:56` (UTC, as stored).
    static func shortTime(_ iso: String) -> String {
        let characters = Array(iso)
        guard characters.count >= 19 else { return iso.padded(toWidth: 14) }
        return String(characters[5..<10]) + " " + String(characters[11..<19])
    }
}
