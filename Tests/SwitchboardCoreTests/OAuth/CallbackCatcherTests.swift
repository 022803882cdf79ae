import Foundation
import Synchronization
@testable import SwitchboardCore
import Testing

/// The catcher over real loopback sockets, driven by libcurl and raw sockets: every hostile
/// case the hand-written socket server handled still holds on NIO.
@Suite struct CallbackCatcherTests {
    let curl = CurlTransport()

    func get(_ url: String) async throws -> HTTPResponse {
        try await curl.send(HTTPRequest(url: url, timeout: .seconds(10)))
    }

    /// Opens a TCP connection to 127.0.0.1:port, optionally writes bytes, and keeps it open.
    func rawConnection(port: UInt16, send bytes: String? = nil) throws -> Int32 {
        try Self.openConnection(port: port, send: bytes)
    }

    static func openConnection(port: UInt16, send bytes: String? = nil) throws -> Int32 {
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

    /// Reads until the peer closes (or 10 s pass) and returns what arrived. The blocking
    /// reads run on a thread of their own: on the cooperative pool (two threads here) they
    /// could starve the catcher's own answer and every other test running alongside.
    func readAll(_ fd: Int32) async -> String {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: Self.blockingReadAll(fd)) }
        }
    }

    static func blockingReadAll(_ fd: Int32) -> String {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func rawRequestsGetOneAnswerAndTheConnectionIsClosed() async throws {
        let catcher = try await CallbackCatcher.start { request in
            request.path == "/callback" ? .missingParameters : .notFound
        }
        // Split across writes, HTTP/1.0, absolute form: each is answered once, then closed.
        let split = try rawConnection(port: catcher.port, send: "GET /call")
        _ = "back HTTP/1.0\r\nHost: x\r\n\r\n".withCString { send(split, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        let splitAnswer = await readAll(split)
        close(split)
        #expect(splitAnswer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(splitAnswer.contains("\r\nConnection: close\r\n"))
        let length = splitAnswer.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n").utf8.count
        #expect(splitAnswer.contains("\r\nContent-Length: \(length)\r\n"))

        let absolute = try rawConnection(port: catcher.port, send: "GET http://127.0.0.1/elsewhere HTTP/1.1\r\n\r\n")
        #expect(await readAll(absolute).hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        close(absolute)

        // Garbage and an oversized head get no answer, only a closed connection.
        let garbage = try rawConnection(port: catcher.port, send: "\u{16}\u{03}\u{01} hello")
        #expect(await readAll(garbage) == "")
        close(garbage)
        let oversized = try rawConnection(port: catcher.port, send: "GET /callback?" + String(repeating: "a", count: 20_000))
        #expect(await readAll(oversized) == "")
        close(oversized)
        await catcher.stop()
    }

    /// Waits, at most `within`, for the server to close `fd` and returns what it sent
    /// first; nil when the connection is still open at the deadline. Blocking polls on a
    /// thread of their own, like `readAll`.
    func awaitClose(_ fd: Int32, within: Duration) async -> String? {
        await awaitCloseTimed(fd, within: within).text
    }

    /// `awaitClose`, with the moment the close was seen, taken on the polling thread: the
    /// hop back to the test's task waits for a free thread of the test pool, which a whole
    /// parallel pass kept busy for 9 s once (a close seen in time, measured at 29 s).
    func awaitCloseTimed(_ fd: Int32, within: Duration) async -> (text: String?, seenAt: ContinuousClock.Instant) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let text = Self.blockingAwaitClose(fd, within: within)
                continuation.resume(returning: (text, ContinuousClock.now))
            }
        }
    }

    static func blockingAwaitClose(_ fd: Int32, within: Duration) -> String? {
        let deadline = ContinuousClock.now + within
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return nil }
            var watched = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&watched, 1, Int32(max(1, (remaining / .milliseconds(1)).rounded(.up))))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return nil }
            let count = recv(fd, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return String(decoding: bytes, as: UTF8.self) }  // closed (or reset)
            bytes += chunk[..<count]
        }
    }

    @Test func aSilentConnectionIsClosedAfterTheIdleTimeout() async throws {
        var limits = CallbackCatcher.Limits()
        limits.idleTimeout = .milliseconds(200)
        limits.headDeadline = .seconds(60)
        let catcher = try await CallbackCatcher.start(host: "127.0.0.1", port: 0, limits: limits) { _ in .notFound }
        let silent = try rawConnection(port: catcher.port)
        defer { close(silent) }
        let started = ContinuousClock.now
        // Closed by the idle timeout, long before the head deadline, and without an answer.
        let closed = await awaitCloseTimed(silent, within: .seconds(20))
        #expect(closed.text == "")
        #expect(closed.seenAt - started < .seconds(20))
        // The catcher itself goes on answering.
        #expect(try await get("http://127.0.0.1:\(catcher.port)/favicon.ico").status == 404)
        await catcher.stop()
    }

    /// Slowloris: a head that trickles in, a byte at a time well inside the idle timeout,
    /// is still cut off at the head deadline.
    @Test func aTricklingHeadIsClosedAtTheHeadDeadline() async throws {
        var limits = CallbackCatcher.Limits()
        limits.idleTimeout = .seconds(60)
        limits.headDeadline = .milliseconds(300)
        let catcher = try await CallbackCatcher.start(host: "127.0.0.1", port: 0, limits: limits) { _ in .notFound }
        let slow = try rawConnection(port: catcher.port)
        defer { close(slow) }
        let stopTrickle = Mutex(false)
        Thread.detachNewThread {
            // Paces the attack, not the test: the test waits for the close below.
            for byte in Array("GET /callback?code=".utf8) + Array(repeating: UInt8(ascii: "a"), count: 2_000) {
                if stopTrickle.withLock({ $0 }) { return }
                var one = byte
                guard send(slow, &one, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
                usleep(20_000)
            }
        }
        defer { stopTrickle.withLock { $0 = true } }
        #expect(await awaitClose(slow, within: .seconds(20)) == "")
        await catcher.stop()
    }

    @Test func oversizeHeadsAreClosedWithoutAnAnswer() async throws {
        let catcher = try await CallbackCatcher.start { _ in .notFound }
        let limit = CallbackRequestHead.maximumSize
        // One header field over the limit, a complete head.
        let cookie = try rawConnection(port: catcher.port, send: "GET /favicon.ico HTTP/1.1\r\nCookie: " + String(repeating: "c", count: limit + 100) + "\r\n\r\n")
        // Many small fields that add up to more than the limit.
        let many = try rawConnection(port: catcher.port, send: "GET /favicon.ico HTTP/1.1\r\n" + String(repeating: "X-Pad: " + String(repeating: "p", count: 90) + "\r\n", count: limit / 90))
        // A request target over the limit that never ends.
        let target = try rawConnection(port: catcher.port, send: "GET /callback?" + String(repeating: "a", count: 3 * limit))
        defer { close(cookie); close(many); close(target) }
        // Refused as they arrive, not at the 15 s deadline.
        for fd in [cookie, many, target] { #expect(await awaitClose(fd, within: .seconds(10)) == "") }
        // A large head within the limit is still answered.
        let large = try rawConnection(port: catcher.port, send: "GET /favicon.ico HTTP/1.1\r\nCookie: " + String(repeating: "c", count: limit - 1_000) + "\r\n\r\n")
        defer { close(large) }
        #expect(await awaitClose(large, within: .seconds(10))?.hasPrefix("HTTP/1.1 404 Not Found\r\n") == true)
        await catcher.stop()
    }

    /// When every slot is being answered (none can give way), a new connection is closed at
    /// once; the answers in flight still go out.
    @Test func beyondTheCapWithEverySlotAnsweringANewConnectionIsRefused() async throws {
        var limits = CallbackCatcher.Limits()
        limits.maximumConnections = 2
        let release = DispatchSemaphore(value: 0)
        let catcher = try await CallbackCatcher.start(host: "127.0.0.1", port: 0, limits: limits) { _ in
            release.wait()  // on the catcher's own thread: it holds no concurrency-pool thread
            return .notFound
        }
        let released = Mutex(false)
        func releaseAll() {
            guard !released.withLock({ let was = $0; $0 = true; return was }) else { return }
            release.signal()
            release.signal()
        }
        defer { releaseAll() }
        let first = try rawConnection(port: catcher.port, send: "GET /favicon.ico HTTP/1.1\r\n\r\n")
        let second = try rawConnection(port: catcher.port, send: "GET /favicon.ico HTTP/1.1\r\n\r\n")
        defer { close(first); close(second) }
        let deadline = ContinuousClock.now + .seconds(10)
        while try await catcher.connectionCounts().answering < 2, ContinuousClock.now < deadline { await Task.yield() }
        #expect(try await catcher.connectionCounts().answering == 2)

        let third = try rawConnection(port: catcher.port, send: "GET /favicon.ico HTTP/1.1\r\n\r\n")
        defer { close(third) }
        #expect(await awaitClose(third, within: .seconds(10)) == "")
        releaseAll()
        #expect(await awaitClose(first, within: .seconds(10))?.hasPrefix("HTTP/1.1 404 Not Found\r\n") == true)
        #expect(await awaitClose(second, within: .seconds(10))?.hasPrefix("HTTP/1.1 404 Not Found\r\n") == true)
        await catcher.stop()
    }

    @Test func idleConnectionsBeyondTheCapGiveWayOldestFirst() async throws {
        let catcher = try await CallbackCatcher.start { _ in .notFound }
        let idle = try (0..<(CallbackCatcher.maximumConnections + 8)).map { _ in try rawConnection(port: catcher.port) }
        defer { idle.forEach { close($0) } }
        // The eight oldest were shut down to make room (the server closed them, no answer)...
        #expect(await readAll(idle[0]) == "")
        #expect(await readAll(idle[7]) == "")
        // ...and the redirect, arriving while 32 others wait, is answered at once.
        let answered = try await get("http://127.0.0.1:\(catcher.port)/favicon.ico")
        #expect(answered.status == 404)
        await catcher.stop()
    }

    @Test func listensOnIPv6Loopback() async throws {
        let catcher = try await CallbackCatcher.start(host: "::1") { _ in .notFound }
        #expect(catcher.redirectURI == "http://[::1]:\(catcher.port)/callback")
        let answer = try await get("http://[::1]:\(catcher.port)/callback")
        #expect(answer.status == 404)
        await catcher.stop()
        let error = await #expect(throws: SwitchboardError.self) { _ = try await CallbackCatcher.start(host: "localhost:1") { _ in .notFound } }
        #expect(error?.description.contains("not an IPv4 or IPv6 address") == true)
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

    /// The answer must not wait for the shared concurrency pool: in a busy process (or a
    /// test run with hundreds of tests queued) its threads can all be taken for seconds.
    /// Here every pool thread blocks until a plain thread has had its answer.
    @Test func answersWhileEveryPoolThreadIsBlocked() async throws {
        let catcher = try await CallbackCatcher.start { _ in .notFound }
        let port = catcher.port
        let width = ProcessInfo.processInfo.activeProcessorCount
        let release = DispatchSemaphore(value: 0)
        let answer = Mutex<String?>(nil)
        Thread.detachNewThread {
            defer { for _ in 0..<width { release.signal() } }
            guard let fd = try? Self.openConnection(port: port, send: "GET /favicon.ico HTTP/1.1\r\n\r\n") else { return }
            answer.withLock { $0 = Self.blockingReadAll(fd) }
            close(fd)
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<width { group.addTask { Self.block(on: release) } }
        }
        #expect(answer.withLock { $0 }?.hasPrefix("HTTP/1.1 404 Not Found\r\n") == true)
        await catcher.stop()
    }

    static func block(on semaphore: DispatchSemaphore) { semaphore.wait() }
}
