import Foundation
import Synchronization

/// The HTTP listener for authorization callbacks: a thin layer of POSIX sockets around two
/// pure parts, `CallbackRequestHead` (what was asked) and `decide` (what to answer; the
/// checks live in `CallbackValidator`). Each connection gets its own thread, a 15 s
/// deadline for its request head and a 16 KiB limit; garbage, oversized heads and
/// pre-connects that never send only close their own connection. When all 32 slots are
/// taken, the connection that has waited longest without a complete request gives way,
/// so idle connections (a browser's pre-connects, or a local process) cannot keep the
/// real redirect out.
///
/// Plain sockets rather than an HTTP server library keep FoundationNetworking, and with it
/// libcurl and its thirty libraries, out of the process start of every command.
public final class CallbackCatcher: Sendable {
    /// Synchronous on purpose: it runs on the connection's own thread, so an answer never
    /// waits for a free thread of the shared concurrency pool (which a busy process, or a
    /// test run with hundreds of tests queued, can keep occupied for seconds).
    public typealias Decide = @Sendable (CallbackRequest) -> CallbackPage

    public let host: String
    public let port: UInt16
    private let listener: Int32
    /// Written once by `stop()` to wake the accept loop.
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let state = Mutex(Connections())

    struct Connections {
        var stopping = false
        var acceptorDone = false
        /// Connections still reading their request (with their arrival order), and those
        /// being answered.
        var reading: [Int32: Int] = [:]
        var answering: Set<Int32> = []
        var arrivals = 0
        var count: Int { reading.count + answering.count }

        /// Makes room for one more: the longest-waiting reader is shut down and forgotten
        /// (its thread sees the end of input and closes it). False when every slot is
        /// answering, which takes milliseconds.
        mutating func admit(_ fd: Int32) -> Bool {
            guard !stopping else { return false }
            if count >= CallbackCatcher.maximumConnections {
                guard let oldest = reading.min(by: { $0.value < $1.value })?.key else { return false }
                reading[oldest] = nil
                shutdown(oldest, Int32(SHUT_RDWR))
            }
            arrivals += 1
            reading[fd] = arrivals
            return true
        }
    }

    static let maximumConnections = 32
    static let readDeadline: Duration = .seconds(15)

    private init(host: String, port: UInt16, listener: Int32, wakeRead: Int32, wakeWrite: Int32) {
        self.host = host
        self.port = port
        self.listener = listener
        self.wakeRead = wakeRead
        self.wakeWrite = wakeWrite
    }

    /// `http://HOST:PORT/callback` (IPv6 hosts in brackets).
    public var redirectURI: String {
        (host.contains(":") ? "http://[\(host)]" : "http://\(host)") + ":\(port)" + CallbackValidator.path
    }

    /// Starts listening on `host:port` (port 0: any free port) and returns once the socket
    /// accepts connections, or throws why it could not (port in use, bad address).
    public static func start(host: String = "127.0.0.1", port: UInt16 = 0, decide: @escaping Decide) async throws -> CallbackCatcher {
        let listener = try ListeningSocket.open(host: host, port: port)
        var wake: [Int32] = [-1, -1]
        guard pipe(&wake) == 0 else {
            let reason = String(cString: strerror(errno))
            close(listener.fd)
            throw SwitchboardError.io("cannot start the callback listener (\(reason))")
        }
        for fd in wake { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let catcher = CallbackCatcher(host: host, port: listener.port, listener: listener.fd, wakeRead: wake[0], wakeWrite: wake[1])
        Thread.detachNewThread { catcher.acceptLoop(decide) }
        return catcher
    }

    /// Stops accepting, closes connections still waiting for a request at once, gives
    /// answers in flight up to half a second to go out, then closes everything.
    public func stop() async {
        let alreadyStopping = state.withLock { connections in
            defer { connections.stopping = true }
            for fd in connections.reading.keys { shutdown(fd, Int32(SHUT_RDWR)) }
            return connections.stopping
        }
        if !alreadyStopping {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
        let deadline = ContinuousClock.now + .milliseconds(500)
        while ContinuousClock.now < deadline, !state.withLock({ $0.acceptorDone && $0.count == 0 }) {
            try? await Task.sleep(for: .milliseconds(2))
        }
        state.withLock { connections in
            for fd in Array(connections.reading.keys) + Array(connections.answering) { shutdown(fd, Int32(SHUT_RDWR)) }
        }
        // The accept loop leaves as soon as it sees the wake byte; the listener is closed
        // only after that, so its descriptor number cannot be reused under it.
        while !state.withLock({ $0.acceptorDone }) {
            try? await Task.sleep(for: .milliseconds(2))
        }
        if !alreadyStopping {
            close(listener)
            close(wakeRead)
            close(wakeWrite)
        }
    }

    private func acceptLoop(_ decide: @escaping Decide) {
        var watched = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            if poll(&watched, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if watched[1].revents != 0 || watched[0].revents & Int16(POLLNVAL) != 0 { break }
            guard watched[0].revents != 0 else { continue }
            // The listener is non-blocking: a connection reset between poll and accept
            // gives EAGAIN here instead of a thread stuck in accept that stop() waits for.
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                let failure = errno
                if failure == EBADF { break }
                // Out of descriptors or memory: the listener stays readable, so back off
                // instead of spinning.
                if failure != EAGAIN && failure != EWOULDBLOCK && failure != EINTR && failure != ECONNABORTED { _ = poll(nil, 0, 50) }
                continue
            }
            // Glibc's Swift module lacks accept4; a child spawned in between would hold the
            // connection open for a moment at worst.
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            let admitted = state.withLock { $0.admit(client) }
            guard admitted else {
                close(client)
                continue
            }
            Thread.detachNewThread { self.serve(client, decide) }
        }
        state.withLock { $0.acceptorDone = true }
    }

    private func serve(_ client: Int32, _ decide: @escaping Decide) {
        defer {
            // Forget the descriptor before closing it, under the lock `stop()` shuts down
            // with, so a reused number is never shut down by mistake.
            state.withLock { connections in
                connections.reading[client] = nil
                connections.answering.remove(client)
            }
            close(client)
        }
        guard case .request(let request) = Self.readHead(client) else { return }
        let proceed = state.withLock { connections in
            // Not when stopping, nor when it gave way to a newer connection meanwhile.
            guard !connections.stopping, connections.reading.removeValue(forKey: client) != nil else { return false }
            connections.answering.insert(client)
            return true
        }
        guard proceed else { return }
        Self.sendAll(client, Self.response(decide(request)))
        shutdown(client, Int32(SHUT_WR))
    }

    /// Reads until the head is complete, malformed, the peer closes, or the deadline passes.
    static func readHead(_ client: Int32) -> CallbackRequestHead {
        let deadline = ContinuousClock.now + readDeadline
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { return .malformed }
            var watched = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            let ready = poll(&watched, 1, Int32(min(60_000, max(1, (remaining / .milliseconds(1)).rounded(.up)))))
            if ready < 0, errno == EINTR { continue }
            guard ready > 0 else { return .malformed }
            let count = recv(client, &chunk, chunk.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return .malformed }
            let scanned = bytes.count
            bytes += chunk[..<count]
            let head = CallbackRequestHead.parse(bytes, searchFrom: scanned)
            if head != .incomplete { return head }
        }
    }

    static func response(_ page: CallbackPage) -> [UInt8] {
        let body = Array(page.html.utf8)
        var head = "HTTP/1.1 \(page.status) \(phrase(page.status))\r\n"
        for (name, value) in page.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        return Array(head.utf8) + body
    }

    static func sendAll(_ client: Int32, _ bytes: [UInt8]) {
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0, errno == EINTR { continue }
            guard sent > 0 else { return }
            offset += sent
        }
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
