import FlyingFox
import FlyingSocks
import Foundation
import Synchronization

/// The HTTP listener for authorization callbacks, on FlyingFox: no hand-written HTTP
/// parsing here. It turns each request into a `CallbackRequest`, asks `decide` for the
/// page (the pure checks live in `CallbackValidator`), and answers. Requests the HTTP
/// parser rejects (garbage, pre-connects that never send) only close their own connection.
public final class CallbackCatcher: Sendable {
    public typealias Decide = @Sendable (CallbackRequest) async -> CallbackPage

    public let host: String
    public let port: UInt16
    private let server: HTTPServer
    private let runTask: Task<Void, Never>

    private init(host: String, port: UInt16, server: HTTPServer, runTask: Task<Void, Never>) {
        self.host = host
        self.port = port
        self.server = server
        self.runTask = runTask
    }

    /// `http://HOST:PORT/callback` (IPv6 hosts in brackets).
    public var redirectURI: String {
        (host.contains(":") ? "http://[\(host)]" : "http://\(host)") + ":\(port)" + CallbackValidator.path
    }

    /// Starts listening on `host:port` (port 0: any free port) and returns once the socket
    /// accepts connections, or throws why it could not (port in use, bad address).
    public static func start(host: String = "127.0.0.1", port: UInt16 = 0, decide: @escaping Decide) async throws -> CallbackCatcher {
        let handler = ClosureHTTPHandler { request in
            let callback = CallbackRequest(
                method: request.method.rawValue,
                path: request.target.path(percentEncoded: false),
                query: request.target.query(percentEncoded: true))
            let page = await decide(callback)
            var headers = FlyingFox.HTTPHeaders()
            for (name, value) in page.headers { headers[HTTPHeader(name)] = value }
            return FlyingFox.HTTPResponse(statusCode: HTTPStatusCode(page.status, phrase: Self.phrase(page.status)),
                                headers: headers, body: Data(page.html.utf8))
        }
        let server: HTTPServer
        do {
            if host.contains(":") {
                server = HTTPServer(address: try sockaddr_in6.inet6(ip6: host, port: port), timeout: 15, logger: .disabled, handler: handler)
            } else {
                server = HTTPServer(address: try sockaddr_in.inet(ip4: host, port: port), timeout: 15, logger: .disabled, handler: handler)
            }
        } catch {
            throw SwitchboardError.usage("cannot listen on \(host): not an IPv4 or IPv6 address")
        }
        let failure = Mutex<String?>(nil)
        let runTask = Task {
            do {
                try await server.run()
            } catch {
                failure.withLock { $0 = "\(error)" }
            }
        }
        // Poll with a deadline: listening, or the run task failed (e.g. address in use).
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            if let address = await server.listeningAddress {
                var actualPort = port
                switch address {
                case .ip4(_, let bound), .ip6(_, let bound): actualPort = bound
                case .unix: break
                }
                return CallbackCatcher(host: host, port: actualPort, server: server, runTask: runTask)
            }
            if let reason = failure.withLock({ $0 }) {
                throw SwitchboardError.io("cannot listen on \(host):\(port) (\(reason)); choose another port")
            }
            guard ContinuousClock.now < deadline else {
                runTask.cancel()
                throw SwitchboardError.io("the callback listener on \(host):\(port) did not start within 10 s")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Stops accepting, gives responses in flight a moment to go out (a loopback write of
    /// a small page takes microseconds), then closes every connection, idle ones included.
    public func stop() async {
        // FlyingFox waits the whole grace period (its socket pool runs until cancelled),
        // so keep it short.
        await server.stop(timeout: 0.2)
        runTask.cancel()
        await runTask.value
    }

    static func phrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        default: "Error"
        }
    }
}
