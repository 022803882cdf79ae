import Foundation
import Synchronization

/// The production `HTTPTransport`: libcurl with TLS verification on, connect and total
/// timeouts, a response-size cap, the standard proxy environment variables honoured, and
/// no redirects followed unless configured.
///
/// A class because it owns a connection cache: share one instance for the whole program so
/// keep-alive connections are reused. Requests from any number of tasks run concurrently on
/// one background thread (see `CurlMultiLoop`), never blocking the cooperative pool.
package final class CurlTransport: HTTPTransport {
    package struct Configuration: Sendable {
        /// Limit for DNS resolution plus TCP and TLS connection setup.
        package var connectTimeout: Duration = .seconds(10)
        /// Limit for the whole exchange unless `HTTPRequest.timeout` sets one.
        package var timeout: Duration = .seconds(30)
        /// Bodies larger than this fail with a clear error instead of filling memory.
        package var maxResponseBytes: Int = 4 << 20
        package var userAgent: String = "Switchboard/\(SwitchboardVersion.current)"
        /// Off by default: a redirect from a token endpoint is returned, not followed.
        package var followRedirects: Bool = false
        /// A PEM bundle of trusted CAs instead of the system's (e.g. a private CA).
        package var caBundlePath: String?
        /// Idle keep-alive connections kept open for reuse.
        package var maxCachedConnections: Int = 32

        package init() {}
    }

    package let configuration: Configuration
    /// Made on the first request: making it loads libcurl (about 6 ms with its libraries),
    /// which commands that hold a transport but make no request (`run` with fresh tokens)
    /// never pay.
    private let lazyLoop = Mutex<CurlMultiLoop?>(nil)
    private var loop: CurlMultiLoop {
        lazyLoop.withLock { loop in
            if let loop { return loop }
            let made = CurlMultiLoop(maxCachedConnections: configuration.maxCachedConnections)
            loop = made
            return made
        }
    }

    /// The loop thread (`CurlMultiLoop`'s `TaskExecutor`); asking for it loads libcurl.
    package var taskExecutor: (any TaskExecutor)? {
        let loop = self.loop
        return loop.unusableReason == nil ? loop : nil
    }

    package init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    package func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try Task.checkCancellation()
        // Checked here so the message can be precise without echoing the URL (its path or
        // query may hold a key).
        guard let target = URLTarget(request.url) else {
            throw SwitchboardError.http("invalid URL: expected http:// or https:// followed by a host")
        }
        guard target.scheme == "http" || target.scheme == "https" else {
            throw SwitchboardError.http("unsupported URL scheme \"\(target.scheme)\": only http and https are allowed")
        }
        guard !target.host.isEmpty else { throw SwitchboardError.http("invalid URL: no host after \(target.scheme)://") }
        if let reason = loop.unusableReason { throw SwitchboardError.http(reason) }
        let loop = self.loop
        let transfer = try CurlTransfer(request: request, target: target, configuration: configuration, easy: loop.easyHandle())
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                transfer.continuation = continuation
                loop.submit(transfer)
            }
        } onCancel: {
            transfer.cancel()
            loop.checkCancellations()
        }
    }
}
