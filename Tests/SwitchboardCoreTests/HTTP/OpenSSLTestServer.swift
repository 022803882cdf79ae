import Foundation
import Synchronization

/// `openssl s_server -www` on 127.0.0.1 with a fresh self-signed certificate for
/// `localhost`: a real TLS peer for the certificate-verification tests.
final class OpenSSLTestServer: Sendable {
    static let executable = "/usr/bin/openssl"
    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: executable) }

    let port: UInt16
    let certificatePath: String
    private let directory: URL
    private let process: Process

    static func start() async throws -> OpenSSLTestServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cert = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                 "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"])

        let port = try RawSocketServer.unusedPort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["s_server", "-accept", "127.0.0.1:\(port)", "-cert", cert, "-key", key, "-www"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = OpenSSLTestServer(port: port, certificatePath: cert, directory: directory, process: process)
        do {
            try await waitForAccept(output.fileHandleForReading)
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private init(port: UInt16, certificatePath: String, directory: URL, process: Process) {
        self.port = port
        self.certificatePath = certificatePath
        self.directory = directory
        self.process = process
    }

    func stop() {
        // SIGKILL, not terminate(): the child inherits the test runner's blocked-signal mask,
        // so SIGTERM would never arrive.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    /// s_server prints `ACCEPT` once it listens; waiting for that line avoids any sleep.
    /// Gives up after `limit` (a server that fails to listen while some other process holds
    /// its output pipe would otherwise keep the test waiting forever).
    private static func waitForAccept(_ handle: FileHandle, limit: Duration = .seconds(60)) async throws {
        let seen = Mutex<(text: String, done: Bool)>(("", false))
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: Double(limit.components.seconds))  // a deadline, not synchronisation
                guard seen.withLock({ state in defer { state.done = true }; return !state.done }) else { return }
                handle.readabilityHandler = nil
                continuation.resume(throwing: POSIXError(.ETIMEDOUT))
            }
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                let outcome: Result<Void, any Error>? = seen.withLock { state in
                    guard !state.done else { return nil }
                    state.text += String(decoding: data, as: UTF8.self)
                    if state.text.contains("ACCEPT") { state.done = true; return .success(()) }
                    if data.isEmpty { state.done = true; return .failure(POSIXError(.ECONNREFUSED)) } // exited early
                    return nil
                }
                if let outcome {
                    handle.readabilityHandler = nil
                    continuation.resume(with: outcome)
                }
            }
        }
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw POSIXError(.EIO) }
    }
}
