import Foundation
import SwitchboardTestSupport
import Testing
@testable import SwitchboardCore

/// What one run of the built `switchboard` binary did.
struct CLIResult: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String

    var description: String { "switchboard \(arguments.joined(separator: " ")) → exit \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }

    /// stdout parsed as a JSON object; records an issue when it is not one.
    func json(sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
            Issue.record("stdout is not a JSON object: \(self)", sourceLocation: sourceLocation)
            throw CLIError.notJSON
        }
        return object
    }

    /// The one line on stderr of a failed command.
    var errorLine: String { stderr.trimmingCharacters(in: .newlines) }
}

enum CLIError: Error, CustomStringConvertible {
    case binaryMissing(String)
    case notJSON
    case timedOut([String])

    var description: String {
        switch self {
        case .binaryMissing(let path):
            "the switchboard binary is missing at \(path): run `swift build` first (or set SWITCHBOARD_BIN)"
        case .notJSON: "stdout was not JSON"
        case .timedOut(let arguments): "switchboard \(arguments.joined(separator: " ")) did not finish within 60 s"
        }
    }
}

/// A private world for CLI runs: its own database, config and data directories, temp
/// directory and (unless told otherwise) its own master key.
final class CLISandbox: Sendable {
    static var binary: String { Checkout.binary }

    let directory: String
    let masterKey: String?
    let environment: [String: String]

    /// The sandbox's store: a SQLite file under db/, or a PostgreSQL database of its own
    /// (`TestDatabase`).
    let databasePath: String

    init(masterKey: String? = randomMasterKey(), useDefaultDatabase: Bool = false) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sb-cli-\(UUID().uuidString)").path
        for sub in ["", "/config", "/data", "/tmp", "/home", "/files"] {
            try FileManager.default.createDirectory(atPath: directory + sub, withIntermediateDirectories: true)
        }
        self.directory = directory
        self.masterKey = masterKey
        try FileManager.default.createDirectory(atPath: directory + "/db", withIntermediateDirectories: true)
        databasePath = try TestDatabase.freshLocation(in: directory + "/db")
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": directory + "/home",
            "XDG_CONFIG_HOME": directory + "/config",
            "XDG_DATA_HOME": directory + "/data",
            "TMPDIR": directory + "/tmp",
            "LANG": "C.UTF-8",
        ]
        if !useDefaultDatabase { environment["SWITCHBOARD_DB"] = databasePath }
        if let masterKey { environment[MasterKey.environmentVariable] = masterKey }
        self.environment = environment
    }

    deinit {
        TestDatabase.release(databasePath)
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Writes a file into the sandbox and returns its path.
    @discardableResult
    /// A file written through a descriptor opened close-on-exec: tests run in parallel, and
    /// a process another test starts while this one writes a script would otherwise inherit
    /// the open descriptor and keep the script "busy" (ETXTBSY) for as long as it runs; a
    /// run of the script in that time fails with exit 126 (seen once in a full run). Written
    /// beside its name and renamed over it, as before, so a script may be replaced while an
    /// earlier copy runs.
    func write(_ name: String, _ contents: String, mode: Int? = nil) throws -> String {
        let path = directory + "/files/" + name
        let partial = path + ".partial-" + UUID().uuidString
        let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode ?? 0o644))
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial]) }
        let bytes = Array(contents.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { close(descriptor); throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: partial]) }
            written += count
        }
        close(descriptor)
        if let mode { try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: partial) }
        guard rename(partial, path) == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
        return path
    }

    /// Runs the binary. `environment` entries override the sandbox's (nil removes one).
    /// Runs wait for one of a few slots, so parallel tests do not start dozens of processes
    /// at once and starve the timing-sensitive tests sharing this process; `unthrottled`
    /// is for races that need every process running at the same moment.
    /// `binary` runs another copy of the program (default: the build's).
    func run(_ arguments: [String], stdin: String? = nil, environment overrides: [String: String?] = [:], unthrottled: Bool = false,
             binary: String = CLISandbox.binary) async throws -> CLIResult {
        guard FileManager.default.isExecutableFile(atPath: binary) else { throw CLIError.binaryMissing(binary) }
        if !unthrottled { await ProcessSlots.shared.acquire() }
        defer { if !unthrottled { Task { await ProcessSlots.shared.release() } } }
        var environment = self.environment
        for (key, value) in overrides { environment[key] = value }
        let id = UUID().uuidString
        let outPath = directory + "/tmp/out-\(id)"
        let errPath = directory + "/tmp/err-\(id)"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: outPath)
            try? FileManager.default.removeItem(atPath: errPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: directory + "/files")
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        if let stdin {
            let inPath = directory + "/tmp/in-\(id)"
            _ = FileManager.default.createFile(atPath: inPath, contents: Data(stdin.utf8))
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: inPath))
            // Unlinked at once: the open handle keeps the bytes for the child, and a secret
            // fed on stdin never lingers where a census of left-over files would find it.
            unlink(inPath)
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let watchdog = Watchdog()
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { finished in
                watchdog.finish()
                continuation.resume(returning: finished.terminationReason == .uncaughtSignal ? 128 + finished.terminationStatus : finished.terminationStatus)
            }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
                return
            }
            watchdog.arm(pid: process.processIdentifier, seconds: 60)
        }
        if watchdog.fired { throw CLIError.timedOut(arguments) }
        let stdout = String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self)
        let stderr = String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        return CLIResult(arguments: arguments, status: status, stdout: stdout, stderr: stderr)
    }

    /// Runs and requires exit 0, recording the whole result otherwise.
    @discardableResult
    func ok(_ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> CLIResult {
        let result = try await run(arguments, stdin: stdin)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return result
    }

    /// `ok(...)` and stdout as JSON.
    func json(_ arguments: [String], stdin: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        try await ok(arguments + ["--json"], stdin: stdin, sourceLocation: sourceLocation).json(sourceLocation: sourceLocation)
    }

    /// Imports the test-api fixture and deploys test-sync for `customer`; returns the id.
    func deployTestSync(customer: String = "acme") async throws -> String {
        let file = try write("test-api.yaml", Fixtures.testAPI)
        try await ok(["import", file])
        let deployed = try await json(["deploy", "test-sync", "--customer", customer])
        return try #require(deployed["id"] as? String)
    }

    /// `show INSTANCE VAR --json` fields by key.
    func fields(_ instance: String, _ variable: String, extra: [String] = []) async throws -> [String: [String: Any]] {
        let shown = try await json(["show", instance, variable] + extra)
        let list = try #require(shown["fields"] as? [[String: Any]])
        var byKey: [String: [String: Any]] = [:]
        for field in list { if let key = field["key"] as? String { byKey[key] = field } }
        return byKey
    }

    func connection(_ instance: String, _ variable: String) async throws -> [String: Any] {
        let status = try await json(["status", instance])
        let instances = try #require(status["instances"] as? [[String: Any]])
        let connections = try #require(instances.first?["connections"] as? [[String: Any]])
        return try #require(connections.first { $0["variable"] as? String == variable })
    }

    func logEntries(_ arguments: [String]) async throws -> [[String: Any]] {
        try #require(try await json(["logs"] + arguments)["entries"] as? [[String: Any]])
    }

    /// Every byte of the database files (main, -wal, -shm) that exist, or on PostgreSQL
    /// `pg_dump --data-only`.
    func databaseBytes() -> Data {
        if TestDatabase.isPostgres { return Data(((try? TestDatabase.rawContents(of: databasePath)) ?? "").utf8) }
        var data = Data()
        for suffix in ["", "-wal", "-shm"] {
            if let bytes = FileManager.default.contents(atPath: databasePath + suffix) { data += bytes }
        }
        return data
    }
}

/// A counting semaphore for child processes.
actor ProcessSlots {
    static let shared = ProcessSlots(limit: max(2, ProcessInfo.processInfo.activeProcessorCount))

    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { available = limit }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Kills a child that hangs, so a broken build fails a test instead of the whole run.
final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    private var didFire = false

    var fired: Bool { lock.withLock { didFire } }

    func finish() { lock.withLock { done = true } }

    func arm(pid: Int32, seconds: Double) {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds) { [self] in
            lock.withLock {
                guard !done else { return }
                didFire = true
                kill(pid, SIGKILL)
            }
        }
    }
}

/// The OS user `switchboard` records in logs.
func osUserName() -> String {
    if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return ProcessInfo.processInfo.environment["USER"] ?? ""
}

func posixMode(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
}
