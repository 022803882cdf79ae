import FlyingFox
import FlyingSocks
import Foundation

/// A real HTTP/1.1 server (FlyingFox) on 127.0.0.1 and a free port, with routes the
/// libcurl tests need. `/echo` answers with what it received as JSON.
final class LocalHTTPServer: Sendable {
    let server: HTTPServer
    let port: UInt16
    private let task: Task<Void, any Error>

    var base: String { "http://127.0.0.1:\(port)" }

    /// Runs `body` with a started server and stops the server afterwards, even on failure.
    static func with<T>(_ body: (LocalHTTPServer) async throws -> T) async throws -> T {
        let server = try await start()
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func start() async throws -> LocalHTTPServer {
        let server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: 0), timeout: 30, logger: .disabled)
        await server.appendRoute("/echo", handler: echo)
        await server.appendRoute("GET /status") { _ in
            var headers = FlyingFox.HTTPHeaders()
            headers[HTTPHeader("X-Custom")] = "custom value"
            headers[HTTPHeader("Content-Type")] = "text/plain"
            return FlyingFox.HTTPResponse(statusCode: .created, headers: headers, body: Data("made it".utf8))
        }
        await server.appendRoute("GET /bytes") { request in
            let count = Int(request.query["count"] ?? "0") ?? 0
            return FlyingFox.HTTPResponse(statusCode: .ok, body: Data(repeating: UInt8(ascii: "x"), count: count))
        }
        let (port, task) = try await startListening(server)
        return LocalHTTPServer(server: server, port: port, task: task)
    }

    private init(server: HTTPServer, port: UInt16, task: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    func stop() async {
        await server.stop()
        task.cancel()
    }

    /// What `/echo` reports back.
    struct Echo: Decodable {
        var method: String
        var query: String
        var headers: [String: String]
        var body: String
        var remotePort: Int
    }

    @Sendable private static func echo(_ request: FlyingFox.HTTPRequest) async throws -> FlyingFox.HTTPResponse {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name.rawValue.lowercased()] = value }
        var remotePort = 0
        if case .ip4(_, let port) = request.remoteAddress { remotePort = Int(port) }
        let object: [String: Any] = [
            "method": request.method.rawValue,
            "query": request.query.map { "\($0.name)=\($0.value)" }.joined(separator: "&"),
            "headers": headers,
            "body": String(decoding: try await request.bodyData, as: UTF8.self),
            "remotePort": remotePort,
        ]
        let data = try JSONSerialization.data(withJSONObject: object)
        return FlyingFox.HTTPResponse(statusCode: .ok, headers: [.contentType: "application/json"], body: data)
    }
}
