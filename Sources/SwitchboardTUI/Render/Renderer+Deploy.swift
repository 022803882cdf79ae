extension Renderer {
    mutating func drawDeploy() {
        drawTitle("Switchboard · deploy a new instance")
        guard let picker = state.deploy else { return }
        guard picker.isLoaded else {
            frame.write(" Loading integrations…", x: 0, y: 2, style: .dim)
            return
        }
        let rows = Layout.deployListRows(state.size)
        if picker.step == .integration {
            frame.write(" 1. Pick the integration to deploy", x: 0, y: 2, maxWidth: width, style: .title)
            let labels = picker.integrations.map { "\($0.key) — \($0.name) (v\($0.version))" }
            drawPickList(labels, selected: picker.integrationIndex, top: 4, rows: rows)
            if let customer = state.role.customerName {
                frame.write(" It will be deployed for \(customer).", x: 0, y: 3, maxWidth: width, style: .dim)
            }
            return
        }
        let integration = picker.selectedIntegration.map { "\($0.key) v\($0.version)" } ?? ""
        frame.write(" 1. Integration: \(integration)", x: 0, y: 2, maxWidth: width, style: .dim)
        let label = " 2. Customer: "
        let x = frame.write(label, x: 0, y: 3, style: .title)
        let box = max(8, min(40, width - x - 2))
        frame.writePadded(picker.customerEditor.text, x: x, y: 3, width: box,
                          style: picker.customerIndex == nil ? .inputFocus : .input)
        if picker.customerIndex == nil {
            let caret = String(picker.customerEditor.characters[..<picker.customerEditor.cursor]).displayWidth
            frame.cursor = Point(x: min(x + box - 1, x + caret), y: 3)
        }
        let matches = picker.matchingCustomers
        if matches.isEmpty {
            frame.write("    Enter deploys for a new customer with this name.", x: 0, y: 5, maxWidth: width, style: .dim)
        } else {
            frame.write("    or pick an existing customer:", x: 0, y: 4, maxWidth: width, style: .dim)
            drawPickList(matches, selected: picker.customerIndex ?? -1, top: 5, rows: max(1, rows - 1))
        }
        if picker.isDeploying { frame.write(" Deploying…", x: 0, y: height - 3, style: .message) }
    }

    /// A vertical list with the selected row highlighted, scrolled to keep it in view.
    mutating func drawPickList(_ labels: [String], selected: Int, top: Int, rows: Int) {
        let scroll = max(0, min(selected - rows + 1, labels.count - rows))
        for row in 0..<rows {
            let index = max(0, scroll) + row
            guard labels.indices.contains(index), top + row < height - 2 else { break }
            let isSelected = index == selected
            frame.writePadded((isSelected ? "  ▸ " : "    ") + labels[index], x: 0, y: top + row,
                              width: width, style: isSelected ? .focus : .normal)
        }
    }
}
