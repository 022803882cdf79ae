import NIOCore
import NIOHTTP1
import NIOPosix

/// The HTTP listener for authorization callbacks, for the loopback catcher of CONNECT and
/// for `switchboard callback-server` alike: swift-nio (NIOHTTP1) around two pure parts,
/// `CallbackRequestHead` (what was asked) and `decide` (what to answer; the checks live in
/// `CallbackValidator`).
///
/// Hostile input only closes its own connection: a connection that sends nothing for 15 s
/// (`IdleStateHandler`), a head not complete within 15 s of connecting however slowly it
/// trickles in (slowloris), a head over 16 KiB, and anything the HTTP parser or
/// `CallbackRequestHead` refuses get no answer, only a close. Of 32 connections at most,
/// the one that has waited longest without a complete request gives way to a new one, so
/// idle connections (a browser's pre-connects, or a local process) cannot keep the real
/// redirect out. Every answer carries `Connection: close` and the connection then closes.
///
/// Server and connections share one event loop of NIO's shared group. `decide` runs on the
/// catcher's own thread (a one-thread `NIOThreadPool`; the team server's decision writes to
/// the store), never on the event loop, nor on the shared concurrency pool, which a busy
/// process can keep occupied for seconds, nor on a pool another catcher can fill.
package final class CallbackCatcher: Sendable {
    /// Synchronous on purpose: it runs on the catcher's own thread, so an answer never waits
    /// for a free thread of the shared concurrency pool.
    package typealias Decide = @Sendable (CallbackRequest) -> CallbackPage

    package let host: String
    package let port: UInt16
    private let server: any Channel
    private let connections: NIOLoopBoundBox<CallbackConnections>
    private let deciding: NIOThreadPool

    /// The limits every connection is held to; tests shorten the times.
    struct Limits: Sendable {
        var maximumConnections = 32
        /// A connection that sends nothing for this long is closed.
        var idleTimeout: TimeAmount = .seconds(15)
        /// The whole head must arrive within this long of connecting, however steadily it
        /// trickles in.
        var headDeadline: TimeAmount = .seconds(15)
        var maximumHeadSize = CallbackRequestHead.maximumSize
        /// An answer that has not gone out this long after it was written is dropped.
        var answerDeadline: TimeAmount = .seconds(5)
    }

    static let maximumConnections = Limits().maximumConnections
    /// What `stop()` gives answers in flight to go out.
    static let stopGrace: TimeAmount = .milliseconds(500)

    private init(host: String, port: UInt16, server: any Channel, connections: NIOLoopBoundBox<CallbackConnections>, deciding: NIOThreadPool) {
        self.host = host
        self.port = port
        self.server = server
        self.connections = connections
        self.deciding = deciding
    }

    /// `http://HOST:PORT/callback` (IPv6 hosts in brackets).
    package var redirectURI: String { RedirectTarget.uri(host: host, port: port, path: CallbackValidator.path) }

    /// Starts listening on `host:port` (a literal IPv4 or IPv6 address; port 0: any free
    /// port) and returns once the socket accepts connections, or throws why it could not
    /// (port in use, not an address).
    package static func start(host: String = "127.0.0.1", port: UInt16 = 0, decide: @escaping Decide) async throws -> CallbackCatcher {
        try await start(host: host, port: port, limits: Limits(), decide: decide)
    }

    static func start(host: String, port: UInt16, limits: Limits, decide: @escaping Decide) async throws -> CallbackCatcher {
        let address = try CallbackListenAddress.resolve(host: host, port: port)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let connections = NIOLoopBoundBox.makeBoxSendingValue(CallbackConnections(maximum: limits.maximumConnections), eventLoop: loop)
        let deciding = NIOThreadPool(numberOfThreads: 1)
        deciding.start()
        var bootstrap = ServerBootstrap(group: loop)  // children on the same loop as the listener
            .serverChannelOption(.backlog, value: 64)
            // Rebinding a port whose last connections are in TIME_WAIT (a quick retry) is
            // fine; two live listeners on one port are still refused.
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.closeOnExec()
                    // Out of descriptors or memory: pause accepting instead of spinning.
                    try pipeline.addHandler(AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { _ in .milliseconds(50) })
                }
            }
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let table = connections.value
                    // Refused (the bootstrap closes it) only while stopping or when every
                    // slot is being answered, which takes milliseconds.
                    guard table.admit(channel) else { throw CallbackConnections.Refused() }
                    try channel.pipeline.syncOperations.closeOnExec()
                    try CallbackHTTPHandler.install(on: channel, connections: table, limits: limits, deciding: deciding, decide: decide)
                }
            }
        if address.protocol == .inet6 {
            // [::] means IPv6 only, as written; NIO would make it dual-stack.
            bootstrap = bootstrap.serverChannelOption(ChannelOptions.Types.SocketOption(level: .ipv6, name: .ipv6_v6only), value: 1)
        }
        let server: any Channel
        do {
            server = try await bootstrap.bind(to: address).get()
        } catch {
            deciding.shutdownGracefully { _ in }
            throw CallbackListenAddress.failure(error, host: host, port: port)
        }
        return CallbackCatcher(host: host, port: UInt16(server.localAddress?.port ?? Int(port)), server: server,
                               connections: connections, deciding: deciding)
    }

    /// How many connections are open now (for tests).
    func connectionCounts() async throws -> (reading: Int, answering: Int) {
        let connections = self.connections
        return try await connections.eventLoop.submit { connections.value.counts }.get()
    }

    /// Stops accepting, closes connections still waiting for a request at once, gives
    /// answers in flight up to half a second to go out, then closes everything.
    package func stop() async {
        let connections = self.connections
        let loop = connections.eventLoop
        try? await server.close()  // fails only when already closed
        let answering = loop.flatSubmit {
            EventLoopFuture.andAllComplete(connections.value.stop(), on: loop)
        }
        let cutoff = loop.scheduleTask(in: Self.stopGrace) { connections.value.closeAll() }
        try? await answering.get()
        cutoff.cancel()
        // Not awaited: a decision still running (a slow store) ends on its own time.
        deciding.shutdownGracefully { _ in }
    }
}
