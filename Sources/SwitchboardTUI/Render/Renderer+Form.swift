import SwitchboardCore

extension Renderer {
    /// One vertical piece of the form, measured before drawing so the form can scroll.
    enum FormBlock {
        case field(Int)
        case test
        case connect
    }

    mutating func drawForm(_ wizard: InstanceWizard, x: Int, y: Int, width w: Int, height h: Int) {
        guard w > 4, h > 2, let variable = wizard.selectedVariable else { return }
        guard let form = wizard.forms[variable] else {
            if let error = wizard.loadErrors[variable] {
                for (offset, line) in error.wrapped(toWidth: w).prefix(h).enumerated() {
                    frame.write(line, x: x, y: y + offset, style: .error)
                }
            } else {
                frame.write("Loading…", x: x, y: y, style: .dim)
            }
            return
        }
        let summary = wizard.summary.connections[wizard.selected]
        // The loaded connection names its component and type by their labels; the listing's
        // summary only has their keys.
        frame.write(form.detail.label, x: x, y: y, maxWidth: w, style: .title)
        let badgeWidth = frame.write(Self.badge(summary.status), x: x, y: y + 1, maxWidth: w, style: .badge(summary.status))
        if let reason = summary.reason, !reason.isEmpty {
            // The whole reason is in the log pane; here a cut one ends in "…".
            frame.write(" " + reason.truncated(toWidth: w - badgeWidth - 1), x: x + badgeWidth, y: y + 1, maxWidth: w - badgeWidth, style: .dim)
        }
        if let refresh = summary.refresh {
            // In the row between badge and fields: the retrying note shows while the badge is
            // still green or yellow, and goes when a refresh works again.
            frame.write(refresh.note.truncated(toWidth: w), x: x, y: y + 2, maxWidth: w, style: Self.style(refresh.state))
        }

        let focusedForm = wizard.focus == .form
        let helpLines = focusedForm ? fieldHelp(form.focusedField, width: w) : []
        let helpRows = h >= 12 ? min(2, helpLines.count) : 0
        let top = y + 3
        let available = h - 3 - (helpRows > 0 ? helpRows + 1 : 0)
        guard available > 0 else { return }

        // Label beside value when there is room, else stacked.
        let longestLabel = form.fields.map { $0.label.displayWidth + ($0.state.definition.required ? 2 : 0) }.max() ?? 0
        let labelWidth: Int? = w >= 44 ? min(26, max(12, longestLabel + 4), w / 2) : nil
        var blocks: [(block: FormBlock, rows: Int)] = form.fields.indices.map { index in
            (.field(index), fieldRows(form.fields[index], inline: labelWidth != nil, width: w))
        }
        if form.detail.canTest { blocks.append((.test, 1)) }
        if form.detail.needsTokens { blocks.append((.connect, 1)) }
        let spaced = blocks.reduce(0) { $0 + $1.rows } + blocks.count - 1 <= available
        var starts: [Int] = []
        var next = 0
        for entry in blocks {
            starts.append(next)
            next += entry.rows + (spaced ? 1 : 0)
        }
        let focusIndex = blocks.firstIndex { if case .field(let i) = $0.block { i == form.focus } else { false } } ?? 0
        let focusEnd = blocks.isEmpty ? 0 : starts[focusIndex] + blocks[focusIndex].rows
        let scroll = max(0, focusEnd - available)

        for (index, entry) in blocks.enumerated() {
            let row = top + starts[index] - scroll
            guard row >= top, row + entry.rows <= top + available else { continue }
            switch entry.block {
            case .field(let fieldIndex):
                drawField(form.fields[fieldIndex], focused: focusedForm && fieldIndex == form.focus, x: x, y: row, width: w,
                          labelWidth: labelWidth)
            case .test:
                let label = form.isTesting ? "[ Testing… ]" : "[ Test connection ]"
                let used = 2 + frame.write(label, x: x + 2, y: row, style: form.isTesting ? .disabled : .button)
                frame.write(form.isDirty ? "  save first" : "  t / ^T", x: x + used, y: row, maxWidth: w - used, style: .dim)
            case .connect:
                let label = form.detail.hasTokens ? "[ RECONNECT ]" : "[ CONNECT ]"
                let used = 2 + frame.write(label, x: x + 2, y: row, style: form.isDirty ? .disabled : .button)
                let note = form.isDirty ? "save first"
                    // What was granted first: the key hints are in the help line too.
                    : form.detail.hasTokens ? (form.detail.grantedScopes.map { "granted: \($0) · " } ?? "tokens stored · ") + "c (steps) · d disconnects"
                    : "c (steps) · no tokens yet"
                frame.write("  " + note, x: x + used, y: row, maxWidth: w - used, style: .dim)
            }
        }
        if scroll > 0 { frame.writeRight("↑ more", right: x + w, y: top - 1, style: .dim) }
        if next - (spaced ? 1 : 0) - scroll > available { frame.writeRight("↓ more", right: x + w, y: top + available, style: .dim) }
        for (offset, line) in helpLines.prefix(helpRows).enumerated() {
            frame.write(line, x: x, y: y + h - helpRows + offset, maxWidth: w, style: .dim)
        }
    }

    static func style(_ state: RefreshHealth.State) -> StyleRole {
        switch state {
        case .ok, .unavailable: .dim
        case .retrying: .log(.warning)
        case .failing, .stopped: .log(.error)
        }
    }

    func valueRows(_ field: FieldEdit) -> Int {
        field.isMultiline ? min(3, max(1, field.editor.text.split(separator: "\n", omittingEmptySubsequences: false).count)) : 1
    }

    /// Comments, example and default of the focused field, wrapped.
    func fieldHelp(_ field: FieldEdit?, width: Int) -> [String] {
        guard let field else { return [] }
        let definition = field.state.definition
        var parts: [String] = []
        if let comments = definition.comments, !comments.isEmpty { parts.append(comments) }
        if let example = definition.example, !example.isEmpty { parts.append("Example: \(example)") }
        if field.type == .password { parts.append(state.mayReveal ? "Hidden as you type; ^R reveals." : "Hidden as you type.") }
        return parts.joined(separator: " ").wrapped(toWidth: width)
    }
}
