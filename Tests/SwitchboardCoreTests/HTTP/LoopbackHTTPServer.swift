import FlyingFox
import FlyingSocks
import Foundation

/// Runs `server` (bound to 127.0.0.1, port 0) in a task of its own and returns the port
/// it listens on, for the tests' in-process servers (`LocalHTTPServer`, `FakeProvider`).
/// FlyingFox waits 5 s for the listening socket by default; a CI machine with one core
/// running a whole parallel pass took longer than that to schedule the listening task
/// (all 12 provider tests failed), so the wait here is 60 s.
func startListening(_ server: HTTPServer) async throws -> (port: UInt16, task: Task<Void, any Error>) {
    let task = Task { try await server.run() }
    try await server.waitUntilListening(timeout: 60)
    guard case .ip4(_, let port) = await server.listeningAddress else { throw POSIXError(.EADDRNOTAVAIL) }
    return (port, task)
}
