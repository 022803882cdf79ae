import Foundation

/// Runs a step's code with its connection handed over (SPEC §7): the JSON on stdin and in a
/// 0600 file named by `SWITCHBOARD_CONNECTION_FILE`, deleted afterwards. stderr is passed
/// through to ours while its last line is kept as the reason for a connection error.
public enum StepRunner {
    public struct Result: Sendable {
        public var exitCode: Int32
        public var lastErrorLine: String?
        public var durationMs: Int
    }

    public static let connectionFileVariable = "SWITCHBOARD_CONNECTION_FILE"

    public static func run(command: [String], payload: Data, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Result {
        guard let executable = command.first else { throw SwitchboardError.usage("give the command to run after --") }
        var template = Array((FileManager.default.temporaryDirectory.path + "/switchboard-run-XXXXXX").utf8CString)
        guard let dirPointer = mkdtemp(&template) else { throw SwitchboardError.io("cannot create a private temporary directory") }
        let dir = String(cString: dirPointer)
        let file = dir + "/connection.json"
        defer {
            unlink(file)
            rmdir(dir)
        }
        let fd = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw SwitchboardError.io("cannot create the connection file") }
        let written = payload.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == payload.count else { throw SwitchboardError.io("cannot write the connection file") }

        signal(SIGPIPE, SIG_IGN)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--"] + command
        var childEnvironment = environment
        childEnvironment[connectionFileVariable] = file
        // The step gets its own connection, not the key that opens every stored secret.
        childEnvironment[MasterKey.environmentVariable] = nil
        process.environment = childEnvironment
        let stdinPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardInput = stdinPipe
        process.standardError = stderrPipe
        let started = Date()
        do {
            try process.run()
        } catch {
            throw SwitchboardError.io("cannot start \(executable): \(error.localizedDescription)")
        }
        // Feed stdin on its own thread: a child that never reads must not block us.
        let feeder = Thread {
            let handle = stdinPipe.fileHandleForWriting
            try? handle.write(contentsOf: payload)
            try? handle.close()
        }
        feeder.start()
        let tail = StderrTail(fd: stderrPipe.fileHandleForReading.fileDescriptor)
        let reader = Thread { tail.pump() }
        reader.start()
        process.waitUntilExit()
        tail.waitForEnd()
        let exitCode: Int32 = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return Result(exitCode: exitCode, lastErrorLine: tail.lastLine, durationMs: Int(Date().timeIntervalSince(started) * 1000))
    }
}

/// Copies a child's stderr to ours and remembers its last non-empty line.
final class StderrTail: @unchecked Sendable {
    private let fd: Int32
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var tail = Data()

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
            if tail.count > 8192 { tail = tail.suffix(4096) }
            lock.unlock()
        }
        done.signal()
    }

    func waitForEnd() { done.wait() }

    var lastLine: String? {
        lock.lock()
        defer { lock.unlock() }
        let text = String(decoding: tail, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).last { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            .map { String($0.trimmingCharacters(in: .whitespaces)) }
    }
}
