import Foundation

/// Runs a step's code with its connection handed over (SPEC §7): the JSON on stdin and in a
/// 0600 file named by `SWITCHBOARD_CONNECTION_FILE`, deleted afterwards. stderr is passed
/// through to ours while its last line is kept as the reason for a connection error.
package enum StepRunner {
    package struct Result: Sendable {
        package var exitCode: Int32
        package var lastErrorLine: String?
        package var durationMs: Int
        /// The signal (SIGINT, SIGTERM, SIGHUP) that interrupted `run`, if one did.
        package var interruptedBy: Int32?
    }

    package static let connectionFileVariable = "SWITCHBOARD_CONNECTION_FILE"
    /// The exit status by which a step says the provider refused its access token (HTTP
    /// 401): EX_NOPERM from sysexits.h, beside 78 (EX_CONFIG) for other connection errors.
    package static let tokenRefusedExit: Int32 = 77
    static let directoryPrefix = "switchboard-run-"

    /// - Parameter control: lets a signal handler interrupt the run (remove the file at
    ///   once, stop the child); see `StepControl`.
    package static func run(command: [String], payload: Data, environment: [String: String] = ProcessInfo.processInfo.environment,
                           control: StepControl = StepControl()) throws -> Result {
        guard let executable = command.first else { throw SwitchboardError.usage("give the command to run after --") }
        let temporary = FileManager.default.temporaryDirectory.path
        sweepAbandoned(in: temporary)
        // The pid in the name lets the next run sweep what a killed run left behind.
        var template = Array((temporary + "/\(directoryPrefix)\(getpid())-XXXXXX").utf8CString)
        guard let dirPointer = mkdtemp(&template) else { throw SwitchboardError.io("cannot create a private temporary directory") }
        let dir = String(cString: dirPointer)
        let file = dir + "/connection.json"
        defer {
            unlink(file)
            rmdir(dir)
        }
        control.attach(file: file)
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw SwitchboardError.io("cannot create the connection file") }
        let written = payload.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == payload.count else { throw SwitchboardError.io("cannot write the connection file") }

        signal(SIGPIPE, SIG_IGN)
        var childEnvironment = environment
        childEnvironment[connectionFileVariable] = file
        // The step gets its own connection, not the key that opens every stored secret.
        childEnvironment[MasterKey.environmentVariable] = nil
        var stdinPipe: [Int32] = [-1, -1], stderrPipe: [Int32] = [-1, -1]
        guard pipe(&stdinPipe) == 0, pipe(&stderrPipe) == 0 else { throw SwitchboardError.io("cannot create pipes for the step") }
        // Our ends never reach another child (this one closes them in SpawnedChild).
        for fd in stdinPipe + stderrPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let started = Date()
        let child: SpawnedChild
        do {
            child = try SpawnedChild.start("/usr/bin/env", ["--"] + command, environment: childEnvironment,
                                           stdin: stdinPipe[0], stderr: stderrPipe[1])
        } catch {
            for fd in stdinPipe + stderrPipe { close(fd) }
            throw SwitchboardError.io("cannot start \(executable): \(String(cString: strerror(error.code.rawValue)))")
        }
        close(stdinPipe[0])
        close(stderrPipe[1])
        control.attach(child: child.pid)
        // Feed stdin on its own thread: a child that never reads must not block us.
        let input = stdinPipe[1]
        let feeder = Thread {
            payload.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let count = write(input, bytes.baseAddress! + offset, bytes.count - offset)
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    offset += count
                }
            }
            close(input)
        }
        feeder.start()
        let tail = StderrTail(fd: stderrPipe[0])
        let reader = Thread { tail.pump() }
        reader.start()
        let exitCode = child.waitForExit()
        control.detachChild()
        // What the code wrote before exiting arrives at once; a process it left running in
        // the background may hold stderr open for as long as it lives, which must not keep
        // this run waiting: stop waiting after a moment.
        tail.waitForEnd(within: .seconds(2))
        return Result(exitCode: exitCode, lastErrorLine: tail.lastLine, durationMs: Int(Date().timeIntervalSince(started) * 1000),
                      interruptedBy: control.interruption)
    }

    /// Removes connection files of runs that died without cleaning up (SIGKILL, a crash):
    /// directories named with a pid that no longer runs. Only our own (mkdtemp makes them
    /// 0700 and ours), so a run never touches another user's files.
    static func sweepAbandoned(in temporary: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: temporary) else { return }
        for name in names where name.hasPrefix(directoryPrefix) {
            let rest = name.dropFirst(directoryPrefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]), pid > 0 else { continue }
            guard kill(pid, 0) != 0 && errno == ESRCH else { continue }
            let dir = temporary + "/" + name
            var info = stat()
            guard lstat(dir, &info) == 0, info.st_uid == geteuid(), (info.st_mode & S_IFMT) == S_IFDIR else { continue }
            unlink(dir + "/connection.json")
            rmdir(dir)
        }
    }
}

/// What a signal handler needs to stop a running step (SPEC §12: no secret outlives its
/// use): the connection file is removed at once and the child is asked to stop (SIGTERM,
/// then SIGKILL after a grace period).
package final class StepControl: @unchecked Sendable {
    package static let gracePeriod: TimeInterval = 5
    private let lock = NSLock()
    private var file: String?
    private var child: pid_t = 0
    private var signal: Int32?

    package init() {}

    func attach(file: String) { lock.withLock { self.file = file }; stopIfInterrupted() }
    func attach(child: pid_t) { lock.withLock { self.child = child }; stopIfInterrupted() }
    func detachChild() { lock.withLock { child = 0 } }
    var interruption: Int32? { lock.withLock { signal } }

    /// Safe to call from any thread, any number of times.
    package func interrupt(by number: Int32) {
        lock.withLock { if signal == nil { signal = number } }
        stopIfInterrupted()
    }

    private func stopIfInterrupted() {
        let (file, child, interrupted) = lock.withLock { (self.file, self.child, self.signal != nil) }
        guard interrupted else { return }
        if let file { unlink(file) }
        guard child > 0 else { return }
        kill(child, SIGTERM)
        let deadline = DispatchTime.now() + Self.gracePeriod
        DispatchQueue.global().asyncAfter(deadline: deadline) { [weak self] in
            guard let self else { return }
            let still = self.lock.withLock { self.child }
            if still == child { kill(child, SIGKILL) }
        }
    }
}

/// Copies a child's stderr to ours and remembers its last non-empty line.
final class StderrTail: @unchecked Sendable {
    private let fd: Int32
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var tail = Data()
    /// Bytes before `tail` were dropped: a line that starts there is not whole.
    private var dropped = false
    static let window = 16 * 1024

    init(fd: Int32) { self.fd = fd }

    func pump() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            _ = buffer.withUnsafeBytes { write(2, $0.baseAddress, count) }
            lock.lock()
            tail.append(contentsOf: buffer[0..<count])
            if tail.count > 2 * Self.window {
                tail = tail.suffix(Self.window)
                dropped = true
            }
            lock.unlock()
        }
        close(fd)
        done.signal()
    }

    func waitForEnd(within limit: Duration) {
        _ = done.wait(timeout: .now() + .milliseconds(Int(limit.components.seconds * 1000)))
    }

    var lastLine: String? {
        lock.lock()
        defer { lock.unlock() }
        let text = String(decoding: tail, as: UTF8.self)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let index = lines.lastIndex(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
        // A line whose start was dropped may begin inside a secret, which no redactor can
        // then recognise: such a line is not kept at all.
        if index == lines.startIndex && dropped { return "(the last line on stderr was longer than \(Self.window / 1024) KiB)" }
        return String(lines[index].trimmingCharacters(in: .whitespaces))
    }
}
