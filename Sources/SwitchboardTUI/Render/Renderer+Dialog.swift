extension Renderer {
    /// A centred box over the screen with the question and its keys (from the key table).
    mutating func drawDialog() {
        guard let dialog = state.dialog else { return }
        let title: String
        let text: String
        switch dialog {
        case .confirmLeave:
            title = "Unsaved changes"
            let variables = state.instance.map { wizard in
                wizard.summary.connections.map(\.variable).filter { wizard.forms[$0]?.isDirty == true }
            } ?? []
            text = "You changed \(variables.joined(separator: ", ")) without saving. Save before leaving?"
        case .conflict(let variable, let message):
            title = "Changed by another session"
            text = "\(variable) was saved by someone else since you opened it, so your changes were not saved. "
                + "\(message)"
        case .confirmDisconnect(let variable):
            title = "Disconnect \(variable)?"
            text = "This deletes \(variable)'s access and refresh tokens (refreshing stops) and revokes them at the provider "
                + "when it has a revocation endpoint. Steps using it fail until you CONNECT again."
        case .restoreDraft(let draft):
            title = "Unsaved input found"
            let fields = draft.edits.keys.sorted().flatMap { variable in
                (draft.edits[variable] ?? [:]).keys.sorted().map { "\(variable).\($0)" }
            }
            text = "An earlier session ended before saving \(draft.fieldCount) value\(draft.fieldCount == 1 ? "" : "s"): "
                + "\(fields.joined(separator: ", ")). Restore them into the form?"
        }
        let boxWidth = min(width - 2, 64)
        let inner = boxWidth - 4
        let lines = text.wrapped(toWidth: inner)
        let boxHeight = min(height - 2, lines.count + 4)
        let x = (width - boxWidth) / 2
        let y = max(0, (height - boxHeight) / 2)
        frame.box(x: x, y: y, width: boxWidth, height: boxHeight, title: title, glyphs: glyphs)
        for (offset, line) in lines.prefix(boxHeight - 4).enumerated() {
            frame.write(line, x: x + 2, y: y + 1 + offset, maxWidth: inner)
        }
        var spans: [Span] = []
        for binding in state.helpBindings {
            spans.append(Span(binding.displayKey, .helpKey))
            spans.append(Span(" " + (binding.help ?? "") + "   ", .normal))
        }
        frame.write(spans: spans, x: x + 2, y: y + boxHeight - 2, maxWidth: inner)
        frame.cursor = nil
    }
}
