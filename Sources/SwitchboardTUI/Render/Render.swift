import SwitchboardCore

/// Draws the whole screen for a state. Pure: same state and theme, same frame.
package func render(_ state: WizardState, theme: Theme) -> Frame {
    var renderer = Renderer(state: state, glyphs: theme.glyphs)
    renderer.draw()
    return renderer.frame
}

/// Holds the frame being drawn; one extension per screen.
struct Renderer {
    let state: WizardState
    let glyphs: BoxGlyphs
    var frame: Frame

    init(state: WizardState, glyphs: BoxGlyphs) {
        self.state = state
        self.glyphs = glyphs
        frame = Frame(size: state.size)
    }

    var width: Int { frame.width }
    var height: Int { frame.height }

    mutating func draw() {
        guard width > 0, height > 0 else { return }
        if state.isTooSmall {
            drawTooSmall()
            return
        }
        switch state.screen {
        case .home: drawHome()
        case .deploy: drawDeploy()
        case .instance: drawInstance()
        }
        drawMessage()
        drawHelp()
        if state.dialog != nil { drawDialog() }
    }

    /// Row 0: where we are on the left, who is looking on the right.
    mutating func drawTitle(_ title: String) {
        let who = state.role.customerName.map { "customer \($0)" } ?? "team"
        let whoWidth = who.displayWidth + 1
        frame.write(" " + title, x: 0, y: 0, maxWidth: max(0, width - whoWidth - 1), style: .title)
        frame.writeRight(who + " ", right: width, y: 0, style: .dim)
    }

    mutating func drawMessage() {
        guard let message = state.message else { return }
        frame.write(" " + message.text, x: 0, y: height - 2, maxWidth: width, style: message.isError ? .error : .message)
    }

    /// The last line, built from the same key table `handle` uses.
    /// Whole entries only: one that does not fit is left out rather than cut.
    mutating func drawHelp() {
        var x = 1
        for binding in state.helpBindings {
            let text = " " + (binding.help ?? "")
            guard x + binding.displayKey.displayWidth + text.displayWidth <= width else { break }
            x += frame.write(binding.displayKey, x: x, y: height - 1, style: .helpKey)
            x += frame.write(text, x: x, y: height - 1, style: .help)
            x += 2
        }
    }

    mutating func drawTooSmall() {
        let need = WizardState.minimumSize
        let text = "Terminal too small: enlarge to at least \(need.width)×\(need.height) (now \(width)×\(height))"
        let lines = text.wrapped(toWidth: max(1, width - 2)) + (height > 3 ? ["", "q quits"] : [])
        let top = max(0, (height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < height {
            let x = max(0, (width - line.displayWidth) / 2)
            frame.write(line, x: x, y: top + offset, style: line == "q quits" ? .dim : .error)
        }
    }

    /// `[ ok ]`: the word always, so the badge reads without colour.
    static func badge(_ status: ConnectionStatus) -> String { "[ \(status.rawValue) ]" }

    /// Text shown in place of a secret's characters.
    static func mask(_ text: String) -> String { String(repeating: "•", count: text.count) }
}
