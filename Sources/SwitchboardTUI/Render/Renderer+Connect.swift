/// The CONNECT screen. The address to open is printed alone, from column 0, cut into
/// rows of exactly the screen's width with nothing else on them, so it reads back whole
/// by joining the rows (and `o` prints it outside the wizard for terminals whose
/// selection does not join rows).
extension Renderer {
    mutating func drawConnect(_ wizard: InstanceWizard, _ connect: ConnectState) {
        drawTitle("Switchboard · \(wizard.summary.name) · CONNECT \(connect.variable)")
        frame.cursor = nil
        let bottom = height - 2
        let logRows = height >= 22 && !connect.showQR ? 5 : 0
        let limit = bottom - logRows
        var y = 1
        let elapsed = ConnectState.clock(connect.elapsedSeconds)
        let left = ConnectState.clock(connect.timeoutSeconds - connect.elapsedSeconds)

        switch connect.phase {
        case .starting:
            text(" Starting CONNECT for \(connect.variable)…", y: &y, limit: limit, style: .dim)
            text(" ◷ \(elapsed)", y: &y, limit: limit, style: .dim)
        case .browser(let url, let redirectURI, let port):
            text(" Open this address in a browser, sign in and approve:", y: &y, limit: limit, style: .title)
            address(url, y: &y, limit: limit)
            y += 1
            if connect.showQR {
                qr(connect, y: &y, limit: limit)
            }
            text(" ◷ Waiting for the browser · \(elapsed) · gives up in \(left)", y: &y, limit: limit, style: .message)
            pasteInput(connect, y: &y, limit: limit)
            notice(connect, y: &y, limit: limit)
            if let port {
                text(" Browser on another machine? Forward the port first, then open the address there:", y: &y, limit: limit, style: .dim)
                if y < limit {
                    frame.write("ssh -L \(port):127.0.0.1:\(port) THIS-HOST", x: 3, y: y, maxWidth: width - 3, style: .normal)
                    y += 1
                }
                text(" Or press p and paste the address the browser ended on.", y: &y, limit: limit, style: .dim)
            } else {
                text(" Register exactly \(redirectURI) at the provider; the team's `switchboard callback-server` "
                     + "must serve it and hands the callback to this session. Or press p and paste the address "
                     + "the browser ended on.", y: &y, limit: limit, style: .dim)
            }
        case .device(let userCode, let verificationURI, let completeURI):
            text(" On any device, open this address and enter the code:", y: &y, limit: limit, style: .title)
            address(verificationURI, y: &y, limit: limit)
            if y < limit {
                let used = frame.write(" Code: ", x: 0, y: y, style: .title)
                frame.write(userCode, x: used, y: y, maxWidth: width - used, style: .focus)
                y += 1
            }
            if let completeURI {
                text(" Or open this address, which already carries the code:", y: &y, limit: limit, style: .dim)
                address(completeURI, y: &y, limit: limit)
            }
            y += 1
            if connect.showQR { qr(connect, y: &y, limit: limit) }
            text(" ◷ Waiting for approval · \(elapsed) · gives up in \(left)", y: &y, limit: limit, style: .message)
            notice(connect, y: &y, limit: limit)
        case .failed(let reason):
            if y < limit {
                frame.write((" ✗ CONNECT failed: " + reason).truncated(toWidth: width), x: 0, y: y, maxWidth: width, style: .error)
                y += 1
            }
            text(" c tries again · Esc goes back to the form (the log below has the details)", y: &y, limit: limit, style: .dim)
            y += 1
        }
        if !connect.steps.isEmpty, y + 1 < limit {
            y += connect.isFailed ? 0 : 1
            let room = limit - y
            // Steps are what went right; refusals are the notice line, failures the phase.
            for step in connect.steps.suffix(room) {
                frame.write(" ✓ " + step, x: 0, y: y, maxWidth: width, style: .dim)
                y += 1
            }
        }
        if logRows > 0 { drawLog(wizard, y: bottom - logRows, height: logRows) }
    }

    /// Wrapped text from column 1, one row after another, while there is room.
    private mutating func text(_ text: String, y: inout Int, limit: Int, style: StyleRole) {
        let body = text.hasPrefix(" ") ? String(text.dropFirst()) : text
        for line in body.wrapped(toWidth: max(1, width - 2)) {
            guard y < limit else { return }
            frame.write(line, x: 1, y: y, maxWidth: width - 1, style: style)
            y += 1
        }
    }

    /// The address in rows of exactly `width` characters from column 0, nothing else on them.
    private mutating func address(_ url: String, y: inout Int, limit: Int) {
        let rows = Self.rows(of: url, width: width)
        for (index, row) in rows.enumerated() {
            guard y < limit else {
                let note = " …\(rows.count - index) more row(s): enlarge the terminal, or press o to print the address whole"
                frame.write(note, x: 0, y: y - 1, maxWidth: width, style: .error)
                return
            }
            frame.write(row, x: 0, y: y, maxWidth: width, style: .normal)
            y += 1
        }
    }

    /// `text` cut into pieces of at most `width` columns, no character added or dropped.
    static func rows(of text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var rows: [String] = []
        var current = ""
        var used = 0
        for character in text {
            let w = max(1, DisplayWidth.of(character))
            if used + w > width {
                rows.append(current)
                current = ""
                used = 0
            }
            current.append(character)
            used += w
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    private mutating func qr(_ connect: ConnectState, y: inout Int, limit: Int) {
        if let error = connect.qrError {
            text(" No QR code: \(error)", y: &y, limit: limit, style: .error)
            return
        }
        guard let lines = connect.qrLines else { return }
        let needWidth = lines.first?.displayWidth ?? 0
        guard needWidth <= width, lines.count <= limit - y else {
            let needHeight = height - (limit - y) + lines.count
            text(" The QR code needs a \(max(width, needWidth))×\(needHeight) terminal (this one is \(width)×\(height)): "
                 + "enlarge it, or press o to print the address.", y: &y, limit: limit, style: .error)
            return
        }
        let x = max(0, (width - needWidth) / 2)
        for line in lines {
            frame.write(line, x: x, y: y, style: .normal)
            y += 1
        }
    }

    private mutating func pasteInput(_ connect: ConnectState, y: inout Int, limit: Int) {
        guard let editor = connect.paste, y + 1 < limit else { return }
        let label = " Redirect URL: "
        let x = frame.write(label, x: 0, y: y, style: .title)
        let box = max(8, width - x - 1)
        frame.fill(x: x, y: y, width: box, height: 1, style: .inputFocus)
        let window = Self.window(editor.characters, caret: editor.cursor, width: box)
        frame.write(window.text, x: x, y: y, maxWidth: box, style: .inputFocus)
        frame.cursor = Point(x: x + window.caretColumn, y: y)
        y += 1
        let hint = connect.checkingPaste ? " Checking the pasted address…"
            : " Paste the whole address your browser ended on (it holds code and state): Enter checks it, Esc closes."
        text(hint, y: &y, limit: limit, style: .dim)
    }

    private mutating func notice(_ connect: ConnectState, y: inout Int, limit: Int) {
        guard let notice = connect.notice, y < limit else { return }
        frame.write((" ✗ " + notice).truncated(toWidth: width), x: 0, y: y, maxWidth: width, style: .error)
        y += 1
    }
}
