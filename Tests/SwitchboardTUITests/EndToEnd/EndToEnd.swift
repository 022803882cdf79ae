import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// Where the end-to-end tests find the repository and the built binary, and how they run
/// short commands. Every wait is a poll with a deadline, never a fixed sleep.
enum EndToEnd {
    static var root: String { Checkout.root }
    static var binary: String { Checkout.binary }

    /// Generous on a loaded 2-core machine; a passing run takes a fraction of it.
    static let deadline: Duration = .seconds(20)
    static let pollInterval: Duration = .milliseconds(50)

    static func temporaryDirectory(_ prefix: String) throws -> String {
        var template = Array((FileManager.default.temporaryDirectory.path + "/\(prefix).XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw EndToEndError("cannot create a temporary directory") }
        return String(cString: made)
    }

    /// Runs a command to its end with its output in files (no pipe a left-behind daemon,
    /// such as a tmux server, could hold open). Spawned with posix_spawn, a clean signal
    /// mask and default dispositions (Foundation's `Process` leaves signals blocked in
    /// children, which a tmux server and its panes would inherit); reaped with waitpid on
    /// a thread of its own, so no thread of the cooperative pool blocks.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                    stdin: String? = nil, timeout: Duration = .seconds(60)) async throws -> CommandResult {
        let directory = try temporaryDirectory("sb-cmd")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let outPath = directory + "/out", errPath = directory + "/err", inPath = directory + "/in"
        guard FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8)) else {
            throw EndToEndError("cannot write \(inPath)")
        }
        let pid = try spawn(executable, arguments, environment: environment ?? ProcessInfo.processInfo.environment,
                            stdin: inPath, stdout: outPath, stderr: errPath)
        let watchdog = Task.detached {
            do { try await Task.sleep(for: timeout) } catch { return }
            kill(pid, SIGKILL)  // a hung command must not hang the suite
        }
        let status = await ChildDescriptors.exitStatus(of: pid)
        watchdog.cancel()
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return CommandResult(status: status, stdout: stdout, stderr: stderr)
    }

    /// Starts a process with its standard streams on files.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String],
                      stdin: String, stdout: String, stderr: String) throws -> pid_t {
        // Nothing of the test process beyond the three standard streams reaches a child,
        // nor a tmux server the child starts: a server holding the test runner's
        // descriptors stops reaping its panes (SpawnedChild closes the rest).
        do {
            return try SpawnedChild.start(executable, arguments, environment: environment) { actions in
                posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
                posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
                posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            }.pid
        } catch {
            throw EndToEndError("cannot run \(executable): \(String(cString: strerror(error.code.rawValue)))")
        }
    }

    /// Polls `probe` until it returns a value, or fails with `what` and the last state seen.
    static func poll<T>(_ what: @autoclosure () -> String, timeout: Duration = deadline,
                        _ probe: () async throws -> (T?, String)) async throws -> T {
        let end = ContinuousClock.now + timeout
        var last = ""
        while true {
            let (value, seen) = try await probe()
            if let value { return value }
            last = seen
            guard ContinuousClock.now < end else {
                throw EndToEndError("timed out after \(timeout) waiting for \(what()); last seen:\n\(last)")
            }
            try await Task.sleep(for: pollInterval)
        }
    }
}

struct CommandResult: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
}

struct EndToEndError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
