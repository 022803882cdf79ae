import Foundation
import Synchronization
@testable import SwitchboardCore
import Testing

/// The catcher over real loopback sockets, driven by libcurl and raw sockets.
@Suite struct CallbackCatcherTests {
    let curl = CurlTransport()

    func get(_ url: String) async throws -> HTTPResponse {
        try await curl.send(HTTPRequest(url: url, timeout: .seconds(10)))
    }

    /// Opens a TCP connection to 127.0.0.1:port, optionally writes bytes, and keeps it open.
    func rawConnection(port: UInt16, send bytes: String? = nil) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(connected == 0)
        if let bytes { _ = bytes.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }
        return fd
    }

    @Test func answersCallbacksFaviconsAndSurvivesGarbageAndPreconnects() async throws {
        let state = AuthorizationState.generate()
        let seen = Mutex<[CallbackOutcome]>([])
        let catcher = try await CallbackCatcher.start { request in
            let outcome = CallbackValidator.evaluate(request, expectedState: state)
            seen.withLock { $0.append(outcome) }
            return CallbackPage.page(for: outcome)
        }
        #expect(catcher.port != 0)
        #expect(catcher.redirectURI == "http://127.0.0.1:\(catcher.port)/callback")
        let base = "http://127.0.0.1:\(catcher.port)"

        // A pre-connect that never sends, and garbage that is not HTTP.
        let idle = try rawConnection(port: catcher.port)
        let garbage = try rawConnection(port: catcher.port, send: "\u{01}\u{02}GARBAGE \r\n\r\n")
        defer { close(idle); close(garbage) }

        let favicon = try await get(base + "/favicon.ico")
        #expect(favicon.status == 404)
        let forged = try await get(base + "/callback?code=abc&state=forged")
        #expect(forged.status == 400)
        #expect(forged.text.contains("Unknown or expired authorization"))
        #expect(!forged.text.contains("forged"))
        let hostile = try await get(base + "/callback?state=%3Cscript%3E")
        #expect(!hostile.text.contains("<script>"))

        let good = try await get(base + "/callback?code=the-code&state=\(state.value)")
        #expect(good.status == 200)
        #expect(good.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(good.headers["Cache-Control"] == "no-store")
        #expect(good.text.contains("Authorization completed successfully — return to your terminal"))
        #expect(!good.text.contains("the-code"))
        #expect(seen.withLock { $0.last } == .authorized(CallbackResult(state: state.value, code: "the-code")))

        // Stopping with an idle connection open does not hang; the port is then closed.
        await catcher.stop()
        await #expect(throws: (any Error).self) { try await get(base + "/callback") }
    }

    @Test func aBusyPortIsReportedWithThePort() async throws {
        let first = try await CallbackCatcher.start { _ in .notFound }
        defer { Task { await first.stop() } }
        let error = await #expect(throws: SwitchboardError.self) {
            let second = try await CallbackCatcher.start(port: first.port) { _ in .notFound }
            await second.stop()
        }
        #expect(error?.description.contains("cannot listen on 127.0.0.1:\(first.port)") == true)
        // Rebinding the same port right after stop() is not asserted: child processes that
        // other tests spawn at the same moment inherit the listening socket for a while.
        await first.stop()
    }
}
