@preconcurrency import CNcursesw
@preconcurrency import Glibc
import Foundation
import SwitchboardCore

/// The only code that talks to ncurses: it reads input units and paints frames.
/// Painting writes only cells that differ from the last frame and leaves the rest to
/// ncurses' own diff (wnoutrefresh/doupdate), never clearing the screen, so a keystroke
/// costs the terminal a few bytes. Every call happens on the thread that runs the wizard.
final class CursesTerminal {
    enum Input {
        case unit(InputUnit)
        case resized(Size)
        case none
        /// The terminal is gone (reads fail at once, again and again): a dropped session.
        case hangup
    }

    private var screen: OpaquePointer?
    private var previous: Frame?
    private var cursorShown: Int32 = -1
    private var styles: [StyleRole: (attributes: attr_t, pair: Int32)] = [:]
    private var pairs: [[Int]: Int32] = [:]
    private var extendedKeys: [Int32: Key] = [:]
    private var immediateFailures = 0
    /// Out of curses (`printOutside`) until the person presses Enter.
    private var suspended = false

    /// Why the wizard cannot run here, or nil when it can.
    static func unusableReason(environment: [String: String]) -> String? {
        let term = environment["TERM"] ?? ""
        if isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0 { return "standard input and output are not a terminal" }
        if term.isEmpty || term == "dumb" { return "TERM is \(term.isEmpty ? "not set" : "dumb")" }
        return nil
    }

    /// Takes over the terminal. Throws a sentence when curses cannot start.
    func start(theme: Theme) throws(TerminalError) {
        setlocale(LC_ALL, "")
        guard let screen = newterm(nil, stdout, stdin) else {
            let term = getenv("TERM").map { String(cString: $0) } ?? ""
            throw TerminalError(message: "cannot start the terminal interface for TERM=\(term)")
        }
        self.screen = screen
        set_term(screen)
        raw()
        noecho()
        nonl()
        keypad(stdscr, true)
        intrflush(stdscr, false)
        set_escdelay(25)
        setUpColors(theme)
        for (capability, key) in [("kLFT5", Key.wordLeft), ("kRIT5", .wordRight), ("kLFT3", .wordLeft), ("kRIT3", .wordRight)] {
            let code = sb_key_code_for_cap(capability)
            if code > 0 { extendedKeys[Int32(code)] = key }
        }
        // Bracketed paste: pasted text arrives between markers and is never read as keys.
        fputs("\u{1B}[?2004h", stdout)
        fflush(stdout)
    }

    /// Gives the terminal back as it was. Safe to call twice.
    func stop() {
        guard screen != nil else { return }
        fputs("\u{1B}[?2004l", stdout)
        fflush(stdout)
        if !suspended {
            curs_set(1)
            endwin()
        }
        if let screen { delscreen(screen) }
        screen = nil
    }

    var size: Size { Size(width: Int(sb_getmaxx(stdscr)), height: Int(sb_getmaxy(stdscr))) }

    /// Puts `text` on the clipboard with OSC 52 (xterm, tmux with set-clipboard, iTerm2,
    /// kitty, Windows Terminal...). Written between paints, so it never splits a sequence.
    func copyToClipboard(_ text: String) {
        fputs("\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}", stdout)
        fflush(stdout)
    }

    /// Leaves curses for the normal screen and prints `text` alone on its own line(s),
    /// wrapped by the terminal itself (so selecting it copies it whole, without inserted
    /// line breaks), until the person presses Enter.
    func printOutside(_ text: String) {
        guard screen != nil, !suspended else { return }
        def_prog_mode()
        endwin()
        fputs("\u{1B}[?2004l\n\n" + TerminalText.escaped(text) + "\n\n(Switchboard: select the address above to copy it; press Enter to return.)\n", stdout)
        fflush(stdout)
        suspended = true
    }

    /// While printed outside: waits for the Enter that brings the wizard back.
    private func readWhileSuspended(milliseconds: Int32) -> Input {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        guard ready > 0 else { return .none }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = Glibc.read(STDIN_FILENO, &buffer, buffer.count)
        if count <= 0 { return .hangup }
        guard buffer[..<count].contains(where: { $0 == 10 || $0 == 13 }) else { return .none }
        suspended = false
        reset_prog_mode()
        fputs("\u{1B}[?2004h", stdout)
        fflush(stdout)
        previous = nil
        clearok(curscr, true)
        return .resized(size)
    }

    /// Waits up to `milliseconds` for one input unit.
    func read(milliseconds: Int32) -> Input {
        if suspended { return readWhileSuspended(milliseconds: milliseconds) }
        wtimeout(stdscr, milliseconds)
        var character: wint_t = 0
        let started = ContinuousClock.now
        let result = wget_wch(stdscr, &character)
        if result == ERR {
            // A timed wait that fails at once, over and over, means the tty went away.
            if milliseconds > 0, ContinuousClock.now - started < .milliseconds(1) {
                immediateFailures += 1
                if immediateFailures > 50 { return .hangup }
            } else {
                immediateFailures = 0
            }
            return .none
        }
        immediateFailures = 0
        if result == KEY_CODE_YES {
            let code = Int32(character)
            if code == KEY_RESIZE {
                previous = nil
                return .resized(size)
            }
            return key(forCode: code).map { .unit(.key($0)) } ?? .none
        }
        return Unicode.Scalar(UInt32(character)).map { .unit(.scalar($0)) } ?? .none
    }

    private func key(forCode code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        case KEY_HOME: .home
        case KEY_END: .end
        case KEY_PPAGE: .pageUp
        case KEY_NPAGE: .pageDown
        case KEY_BACKSPACE: .backspace
        case KEY_DC: .delete
        case KEY_ENTER: .enter
        case KEY_BTAB: .backTab
        case sb_key_f(1)...sb_key_f(12): .function(Int(code - sb_key_f(0)))
        default: extendedKeys[code]
        }
    }

    /// Paints the cells that changed since the last frame, then lets ncurses send the difference.
    func paint(_ frame: Frame) {
        guard !suspended else { return }
        let full = previous?.size != frame.size
        for y in 0..<frame.height {
            for x in 0..<frame.width {
                let cell = frame[x, y]
                if cell.isContinuation { continue }
                if !full, let previous, previous[x, y] == cell,
                   cell.width < 2 || previous[x + 1, y] == frame[x + 1, y] { continue }
                paint(cell, x: x, y: y)
            }
        }
        if let cursor = frame.cursor, frame.contains(x: cursor.x, y: cursor.y) {
            setCursor(visible: 1)
            wmove(stdscr, Int32(cursor.y), Int32(cursor.x))
        } else {
            setCursor(visible: 0)
        }
        wnoutrefresh(stdscr)
        doupdate()
        previous = frame
    }

    private func setCursor(visible: Int32) {
        guard cursorShown != visible else { return }
        curs_set(visible)
        cursorShown = visible
    }

    private func paint(_ cell: Cell, x: Int, y: Int) {
        let style = styles[cell.style] ?? (sb_a_normal(), 0)
        var text: [wchar_t] = []
        for scalar in cell.text.unicodeScalars {
            if text.isEmpty || (DisplayWidth.of(scalar) == 0 && text.count < 5) {
                text.append(wchar_t(bitPattern: scalar.value))
            }
        }
        // Where the C library disagrees with our width table, paint a stand-in of the
        // width the frame reserved, so the grid stays aligned.
        if let base = text.first, Int(sb_wcwidth(base)) != Int(cell.width) {
            text = [wchar_t(UInt8(ascii: "?"))]
            if cell.width == 2 { paintRaw([wchar_t(UInt8(ascii: " ")), 0], x: x + 1, y: y, style: style) }
        }
        if text.isEmpty { text = [wchar_t(UInt8(ascii: " "))] }
        paintRaw(text + [0], x: x, y: y, style: style)
    }

    private func paintRaw(_ text: [wchar_t], x: Int, y: Int, style: (attributes: attr_t, pair: Int32)) {
        _ = text.withUnsafeBufferPointer { buffer in
            sb_paint_cell(stdscr, Int32(y), Int32(x), buffer.baseAddress, style.attributes, style.pair)
        }
    }

    private func setUpColors(_ theme: Theme) {
        var useColor = has_colors() && theme.usesColor
        var defaultColors = true
        if useColor {
            start_color()
            defaultColors = use_default_colors() == OK
            useColor = COLORS >= 8
        }
        // Without colours, the default and high-contrast themes would lose their meaning: use mono's attributes.
        let effective = useColor ? theme : Theme.mono
        for role in StyleRole.all {
            let style = effective.style(for: role)
            var attributes = sb_a_normal()
            if style.bold { attributes |= sb_a_bold() }
            if style.dim { attributes |= sb_a_dim() }
            if style.underline { attributes |= sb_a_underline() }
            if style.reverse { attributes |= sb_a_reverse() }
            var pair: Int32 = 0
            if useColor && style.usesColor {
                let colors = Int(COLORS)
                let foreground = style.foreground.cursesColor(colors: colors)
                let background = style.background.cursesColor(colors: colors)
                if foreground.needsBold { attributes |= sb_a_bold() }
                let fg = foreground.number < 0 && !defaultColors ? 7 : foreground.number
                let bg = background.number < 0 && !defaultColors ? 0 : background.number
                pair = colorPair(fg, bg)
            }
            styles[role] = (attributes, pair)
        }
    }

    private func colorPair(_ foreground: Int, _ background: Int) -> Int32 {
        if let pair = pairs[[foreground, background]] { return pair }
        let pair = Int32(pairs.count + 1)
        guard pair < COLOR_PAIRS else { return 0 }
        init_pair(Int16(pair), Int16(foreground), Int16(background))
        pairs[[foreground, background]] = pair
        return pair
    }
}

struct TerminalError: Error {
    var message: String
}
