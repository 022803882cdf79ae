import Foundation
import Synchronization
import SwitchboardTestSupport
import Testing

/// A subprocess started with posix_spawn, its output collected as it arrives, for polling
/// with deadlines (never sleeping as synchronisation). Not Foundation's `Process`: on
/// Linux it reports a child as running while any process it left behind (the provider's
/// daemon) still holds its monitoring pipe; here `waitpid` says when the child itself ends.
final class ChildProcess: Sendable {
    private struct State: Sendable {
        var stdout = Data()
        var stderr = Data()
        var streamsEnded = 0
        var exitStatus: Int32?
        var stdinOpen = true
    }

    let arguments: [String]
    let pid: pid_t
    private let stdinFD: Int32
    private let state = Mutex(State())

    init(_ executable: String, _ arguments: [String], environment: [String: String]) throws {
        self.arguments = arguments
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], error: [Int32] = [0, 0]
        guard pipe(&input) == 0, pipe(&output) == 0, pipe(&error) == 0 else {
            throw EndToEndError("pipe failed: \(String(cString: strerror(errno)))")
        }
        // Close-on-exec, so other children never inherit these ends (pipe2 is not imported).
        for fd in input + output + error { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, error[1], 2)
        ChildDescriptors.closeAllButStandardStreams(&actions)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, nil, argv, envp)
        close(input[0]); close(output[1]); close(error[1])
        guard result == 0 else {
            close(input[1]); close(output[0]); close(error[0])
            throw EndToEndError("cannot start \(executable): \(String(cString: strerror(result)))")
        }
        pid = child
        stdinFD = input[1]
        for (fd, isOut) in [(output[0], true), (error[0], false)] {
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65536)
                while true {
                    let count = read(fd, &buffer, buffer.count)
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    let chunk = Data(buffer[0..<count])
                    state.withLock { if isOut { $0.stdout += chunk } else { $0.stderr += chunk } }
                }
                close(fd)
                state.withLock { $0.streamsEnded += 1 }
            }
        }
    }

    var stdout: String { state.withLock { String(decoding: $0.stdout, as: UTF8.self) } }
    var stderr: String { state.withLock { String(decoding: $0.stderr, as: UTF8.self) } }
    var stdoutLines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

    /// Reaps the child when it has ended.
    var isRunning: Bool {
        state.withLock { state in
            if state.exitStatus != nil { return false }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            guard reaped == pid else { return reaped == 0 }
            let signalled = status & 0x7f
            state.exitStatus = signalled == 0 ? (status >> 8) & 0xff : 128 + signalled
            return false
        }
    }

    func write(_ text: String) {
        state.withLock { state in
            guard state.stdinOpen else { return }
            _ = text.withCString { Glibc.write(stdinFD, $0, strlen($0)) }
        }
    }

    /// Closes our end of the child's stdin once (a second close could hit a reused fd).
    func closeStdin() {
        state.withLock { state in
            guard state.stdinOpen else { return }
            state.stdinOpen = false
            close(stdinFD)
        }
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// Polls until `condition` holds; records an issue with the child's output on timeout.
    @discardableResult
    func waitFor(_ what: String, timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation,
                 _ condition: (ChildProcess) -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for \(what) from \(arguments.joined(separator: " "))\nstdout: \(stdout)\nstderr: \(stderr)", sourceLocation: sourceLocation)
        return false
    }

    /// The first stdout line, once there is one.
    func firstLine(timeout: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        try await waitFor("a line on stdout", timeout: timeout, sourceLocation: sourceLocation) { $0.stdout.contains("\n") || !$0.isRunning }
        return try #require(stdoutLines.first, "no output: \(stderr)", sourceLocation: sourceLocation)
    }

    /// Waits for the exit and the end of the output streams it holds; kills on timeout.
    func exitStatus(timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation) async throws -> Int32 {
        let ended = try await waitFor("the exit", timeout: timeout, sourceLocation: sourceLocation) { !$0.isRunning }
        if !ended {
            kill(pid, SIGKILL)
            try await waitFor("the exit after SIGKILL", timeout: .seconds(10), sourceLocation: sourceLocation) { !$0.isRunning }
        }
        // Output left in the pipes arrives right after the exit (a daemon the child left
        // behind may keep them open: then stop waiting after a moment).
        let deadline = ContinuousClock.now + .seconds(2)
        while state.withLock({ $0.streamsEnded < 2 }) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        return state.withLock { $0.exitStatus ?? -1 }
    }

    deinit {
        closeStdin()
    }
}
