import NIOCore
import NIOHTTP1
import NIOPosix

/// One connection of the callback catcher, after NIOHTTP1's parser: the first request head
/// becomes a `CallbackRequest` (through `CallbackRequestHead`), `decide` picks the page,
/// the page goes out with `Connection: close` and the connection closes. Nothing else is
/// ever read or answered. A silent connection, a head not complete by its deadline, a
/// parse error or a head `CallbackRequestHead` refuses only close the connection.
final class CallbackHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let connections: CallbackConnections
    private let limits: CallbackCatcher.Limits
    private let deciding: NIOThreadPool
    private let decide: CallbackCatcher.Decide
    private let headLimit: HeadSizeLimit
    /// Until the head is complete.
    private var reading = true
    private var deadline: Scheduled<Void>?

    private init(connections: CallbackConnections, limits: CallbackCatcher.Limits, deciding: NIOThreadPool,
                 decide: @escaping CallbackCatcher.Decide, headLimit: HeadSizeLimit) {
        self.connections = connections
        self.limits = limits
        self.deciding = deciding
        self.decide = decide
        self.headLimit = headLimit
    }

    /// The whole pipeline of a new connection, in order: idle timeout, head size limit,
    /// NIOHTTP1's server pipeline (its own error page off: refused input gets no answer),
    /// this handler.
    static func install(on channel: any Channel, connections: CallbackConnections, limits: CallbackCatcher.Limits,
                        deciding: NIOThreadPool, decide: @escaping CallbackCatcher.Decide) throws {
        let pipeline = channel.pipeline.syncOperations
        let headLimit = HeadSizeLimit(maximum: limits.maximumHeadSize)
        var parserLimits = NIOHTTPDecoderLimitConfiguration()
        parserLimits.maxHeaderFieldSize = limits.maximumHeadSize
        parserLimits.maxHeaderListSize = limits.maximumHeadSize
        try pipeline.addHandler(IdleStateHandler(readTimeout: limits.idleTimeout))
        try pipeline.addHandler(headLimit)
        try pipeline.configureHTTPServerPipeline(withErrorHandling: false, withEncoderConfiguration: .init(),
                                                 withDecoderLimitConfiguration: parserLimits)
        try pipeline.addHandler(CallbackHTTPHandler(connections: connections, limits: limits, deciding: deciding, decide: decide, headLimit: headLimit))
    }

    func channelActive(context: ChannelHandlerContext) {
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: limits.headDeadline) {
            if self.reading { context.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline?.cancel()
        connections.remove(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard reading, case .head(let head) = Self.unwrapInboundIn(data) else { return }
        reading = false
        deadline?.cancel()
        headLimit.headArrived()
        let parsed = CallbackRequestHead(method: head.method.rawValue, target: head.uri, version: (head.version.major, head.version.minor))
        guard case .request(let request) = parsed, connections.startAnswering(context.channel) else {
            context.close(promise: nil)
            return
        }
        let decide = self.decide
        deciding.runIfActive(eventLoop: context.eventLoop) { decide(request) }
            .assumeIsolated()
            .whenComplete { result in
                switch result {
                case .success(let page): self.answer(page, context: context)
                case .failure: context.close(promise: nil)
                }
            }
    }

    private func answer(_ page: CallbackPage, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let body = context.channel.allocator.buffer(string: page.html)
        var headers = NIOHTTP1.HTTPHeaders(page.headers)
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: page.status), headers: headers)
        context.write(Self.wrapOutboundOut(.head(head)), promise: nil)
        context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let sent = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(Self.wrapOutboundOut(.end(nil)), promise: sent)
        // A peer that stops reading cannot hold the slot.
        let cutoff = context.eventLoop.assumeIsolated().scheduleTask(in: limits.answerDeadline) { context.close(promise: nil) }
        sent.futureResult.assumeIsolated().whenComplete { _ in
            cutoff.cancel()
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            // Silent before its head: a pre-connect or a held-open socket. (Once answering,
            // the answer's own deadline applies.)
            if reading { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    /// A parse error (garbage, a TLS hello, a header over the limit) or a failed read.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Closes a connection whose request head is still incomplete once more than `maximum`
/// bytes arrived (NIOHTTP1 bounds header fields but not the request target). Counts the
/// bytes of each read before the parser sees them, so a head within the limit followed in
/// the same read by more than the limit is refused too: a GET to the catcher has no body.
final class HeadSizeLimit: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let maximum: Int
    private var received = 0
    private var counting = true

    init(maximum: Int) {
        self.maximum = maximum
    }

    func headArrived() {
        counting = false
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if counting {
            received += Self.unwrapInboundIn(data).readableBytes
            guard received <= maximum else {
                counting = false
                context.close(promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }
}
