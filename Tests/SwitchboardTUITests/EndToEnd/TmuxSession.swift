import Foundation
import Synchronization

/// A command running in a tmux server of its own (`tmux -L UNIQUE`), driven with
/// `send-keys` and read with `capture-pane -p`. Every read checks the screen for strings
/// that must never appear (typed secrets, fields hidden from customers).
final class TmuxSession: Sendable {
    let socket: String
    let sandbox: Sandbox
    /// Text that must not be on any captured screen.
    let forbidden: Mutex<[String]>
    private let config: String
    /// Where the current command's exit status lands (see `wrapped`).
    private let statusFile = Mutex("")
    private static let counter = Atomic<Int>(0)

    private init(socket: String, sandbox: Sandbox, config: String, forbidden: [String]) {
        self.socket = socket
        self.sandbox = sandbox
        self.config = config
        self.forbidden = Mutex(forbidden)
    }

    /// Runs `command` under a shell that writes its exit status to a file of its own once
    /// it ends. tmux's own `pane_dead_status` is not reliable: tmux 3.3a now and then
    /// misses the SIGCHLD of a pane (the pane reads as dead, the status never comes).
    private func wrapped(_ command: [String]) -> [String] {
        let file = sandbox.directory + "/exit-\(Self.counter.add(1, ordering: .relaxed).newValue)"
        statusFile.withLock { $0 = file }
        return ["/bin/sh", "-c", "status_file=$0; \"$@\"; echo $? > \"$status_file\"", file] + command
    }

    /// Starts `command` in a detached session of `width`×`height` (no status line, so the
    /// pane is the whole window; a pane whose command ended stays for inspection).
    static func start(_ command: [String], in sandbox: Sandbox, width: Int = 100, height: Int = 30,
                      forbidden: [String] = []) async throws -> TmuxSession {
        let socket = "sb-e2e-\(getpid())-\(counter.add(1, ordering: .relaxed).newValue)"
        let config = sandbox.directory + "/tmux.conf"
        try "set -g status off\nset -g remain-on-exit on\nset -g escape-time 0\n".write(toFile: config, atomically: true, encoding: .utf8)
        let session = TmuxSession(socket: socket, sandbox: sandbox, config: config, forbidden: forbidden)
        try await session.tmux(["new-session", "-d", "-s", "w", "-x", "\(width)", "-y", "\(height)"] + session.wrapped(command))
        return session
    }

    /// Runs a tmux command against this server; fails with tmux's reason.
    @discardableResult
    func tmux(_ arguments: [String], stdin: String? = nil) async throws -> String {
        let result = try await EndToEnd.run("/usr/bin/tmux", ["-u", "-L", socket, "-f", config] + arguments,
                                            environment: sandbox.environment, stdin: stdin, timeout: .seconds(20))
        guard result.status == 0 else {
            throw EndToEndError("tmux \(arguments.prefix(2).joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
        }
        return result.stdout
    }

    /// Named keys (`Enter`, `Tab`, `Escape`, `C-s`, `Down`...).
    func press(_ keys: String...) async throws {
        try await tmux(["send-keys", "-t", "w"] + keys)
    }

    /// Literal text, as typed.
    func type(_ text: String) async throws {
        try await tmux(["send-keys", "-t", "w", "-l", text])
    }

    /// A bracketed paste (`ESC [200~ … ESC [201~`), as a terminal sends one to an
    /// application that asked for it.
    func paste(_ text: String) async throws {
        try await tmux(["load-buffer", "-b", "e2e", "-"], stdin: text)
        try await tmux(["paste-buffer", "-p", "-d", "-b", "e2e", "-t", "w"])
    }

    func resize(width: Int, height: Int) async throws {
        try await tmux(["resize-window", "-t", "w", "-x", "\(width)", "-y", "\(height)"])
    }

    /// The visible screen, checked against the forbidden strings.
    /// With `joiningWrappedLines`, plain output (not curses) as the terminal received it:
    /// wrapped lines come back whole, and lines scrolled into the history are included.
    func capture(joiningWrappedLines: Bool = false) async throws -> String {
        let screen = try await tmux(["capture-pane", "-p"] + (joiningWrappedLines ? ["-J", "-S", "-"] : []) + ["-t", "w"])
        for text in forbidden.withLock({ $0 }) where screen.contains(text) {
            throw EndToEndError("the screen shows \"\(text)\", which must never appear:\n\(screen)")
        }
        return screen
    }

    func forbid(_ text: String) { forbidden.withLock { $0.append(text) } }

    /// Polls until the screen contains every one of `texts`; returns that screen.
    @discardableResult
    func waitFor(_ texts: String..., timeout: Duration = EndToEnd.deadline) async throws -> String {
        try await waitUntil("\(texts.map { "\"\($0)\"" }.joined(separator: " and ")) on screen", timeout: timeout) { screen in
            texts.allSatisfy { screen.contains($0) }
        }
    }

    /// Polls until `condition` holds for the screen; returns that screen.
    @discardableResult
    func waitUntil(_ what: String, timeout: Duration = EndToEnd.deadline, _ condition: (String) -> Bool) async throws -> String {
        try await EndToEnd.poll(what, timeout: timeout) {
            let screen = try await capture()
            if condition(screen) { return (screen, screen) }
            if exitStatus() != nil { throw EndToEndError("the program ended while waiting for \(what); screen:\n\(screen)") }
            return (nil, screen)
        }
    }

    /// The exit status of the command, once it has ended.
    func exitStatus() -> Int32? {
        let file = statusFile.withLock { $0 }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Polls until the command has ended; returns its exit status.
    func waitForExit(timeout: Duration = EndToEnd.deadline) async throws -> Int32 {
        try await EndToEnd.poll("the program to exit", timeout: timeout) {
            (exitStatus(), "still running")
        }
    }

    /// The process id of the command itself (the child of the pane's shell).
    func commandPID() async throws -> pid_t {
        let line = try await tmux(["display-message", "-p", "-t", "w", "#{pane_pid}"])
        guard let shell = pid_t(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw EndToEndError("tmux reported no pane pid: \(line)")
        }
        return try await EndToEnd.poll("the command under pane \(shell)") {
            let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
            return (children.split(separator: " ").first.flatMap { pid_t($0) }, "no child of \(shell) yet")
        }
    }

    /// Starts `command` again in the same window (after the previous one ended).
    func respawn(_ command: [String]) async throws {
        try await tmux(["respawn-pane", "-k", "-t", "w"] + wrapped(command))
    }

    func kill() async {
        _ = try? await EndToEnd.run("/usr/bin/tmux", ["-L", socket, "-f", config, "kill-server"], environment: sandbox.environment)
        unlink("/tmp/tmux-\(getuid())/\(socket)")
    }
}
