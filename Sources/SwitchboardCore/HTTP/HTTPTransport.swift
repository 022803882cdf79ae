/// Sends HTTP requests. The core receives one as a value (no singletons): `CurlTransport` in
/// the program, `ScriptedTransport` (SwitchboardTestSupport) in unit tests.
///
/// A response with any status is a success at this level; `send` throws
/// `SwitchboardError.http` only when no complete response arrived (connect, TLS, timeout,
/// size cap), and `CancellationError` when the calling task is cancelled.
package protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
    /// The thread that finishes this transport's requests, as a task executor, for work that
    /// alternates between requests and quick local steps (`TokenRefresher`); nil when the
    /// transport has none (fakes, or libcurl missing).
    var taskExecutor: (any TaskExecutor)? { get }
}

extension HTTPTransport {
    package var taskExecutor: (any TaskExecutor)? { nil }
}
