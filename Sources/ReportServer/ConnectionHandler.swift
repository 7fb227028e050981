// ConnectionHandler: one per client connection. It answers each decoded frame in
// arrival order, coalesces the responses of one read burst into a single write, and
// applies back-pressure: once `maxQueuedResponses` answers are unsent it stops reading
// from the socket until they drain. A slow answer (RELOAD) holds back the answers after
// it in `ordered` until it completes, so responses always leave in request order.
// Invariants: `queuedResponses` counts responses written to the channel whose write has
// not completed; `ordered` is empty or starts with an unfinished answer.
// Runs on its channel's event loop only.
import Logging
import NIOCore
import ReportProtocol

/// Serves one connection.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = FrameParser.Event
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent down the pipeline when the server begins a graceful stop.
    struct Drain: Sendable {}

    private let dispatcher: RequestDispatcher
    private let logger: Logger
    /// Set once, right after accept, from SO_PEERCRED.
    var peer = ConnectionPeer(credentials: nil)
    /// Orders this connection's writes; made on the first write.
    private var writes: WriteSequencer?
    /// Answers waiting behind an unfinished one: nil bytes = still being worked on.
    private var ordered: [(bytes: ByteBuffer?, count: Int)] = []
    /// Slots of `ordered` already written: the absolute number of `ordered[0]`.
    private var releasedSlots = 0
    private let maxQueuedResponses: Int
    private var pending: ByteBuffer?
    private var pendingCount = 0
    private var queuedResponses = 0
    private var readHeld = false
    /// Requests read but not yet answered because the queue limit was reached.
    private var backlog: [FrameParser.Event] = []
    private var draining = false

    init(dispatcher: RequestDispatcher, logger: Logger) {
        self.dispatcher = dispatcher
        self.logger = logger
        self.maxQueuedResponses = dispatcher.configuration.maxQueuedResponses
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if draining { return }
        let event = unwrapInboundIn(data)
        // One socket read can carry thousands of pipelined requests. Past the queue limit they
        // wait here, unanswered (a few bytes each), instead of producing answers nobody reads.
        if !backlog.isEmpty || isSaturated {
            backlog.append(event)
            return
        }
        handle(event, context: context)
    }

    /// Unsent answers have reached `maxQueuedResponses`.
    private var isSaturated: Bool { queuedResponses + pendingCount >= maxQueuedResponses }

    private func handle(_ event: FrameParser.Event, context: ChannelHandlerContext) {
        var out = pending ?? context.channel.allocator.buffer(capacity: 4096)
        switch event {
        case .frame(let frame):
            if frame.header.opcode == .put || frame.header.opcode == .delete, writes == nil {
                writes = WriteSequencer(loop: context.eventLoop)
            }
            if let later = dispatcher.respond(to: frame, peer: peer, writes: writes, on: context.eventLoop, into: &out) {
                hold(later, header: frame.header, context: context)
                return
            }
        case .oversized(let header):
            dispatcher.respondToSkipped(header, status: .frameTooLarge, into: &out)
        case .unsupportedVersion(let header):
            dispatcher.respondToSkipped(header, status: .unsupportedVersion, into: &out)
        }
        pending = out
        pendingCount += 1
        // A long pipelined burst is written in slices so memory stays bounded.
        if out.readableBytes >= 256 * 1024 || isSaturated {
            writePending(context: context, flush: true)
        }
    }

    /// Answers held-back requests while there is room, then resumes reading once none wait.
    private func drainBacklog(context: ChannelHandlerContext) {
        var handled = 0
        while handled < backlog.count && !isSaturated && !draining {
            handle(backlog[handled], context: context)
            handled += 1
        }
        backlog.removeFirst(handled)
        writePending(context: context, flush: true)
        if readHeld && backlog.isEmpty && queuedResponses < maxQueuedResponses {
            readHeld = false
            context.read()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        writePending(context: context, flush: true)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Only framing failures reach here (bad magic, I/O errors): the byte stream can no
        // longer be trusted, so this one connection is closed; everyone else is unaffected.
        if let protocolError = error as? ProtocolError {
            logger.warning("closing connection: \(protocolError)")
        } else {
            logger.debug("connection error: \(error)")
        }
        dispatcher.statistics.bump(dispatcher.statistics.droppedConnections)
        writePending(context: context, flush: true)
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            logger.debug("closing idle connection")
            dispatcher.statistics.bump(dispatcher.statistics.droppedConnections)
            closeAfterWrites(context: context)
        } else if event is Drain {
            // Requests already read have been answered (they are handled synchronously);
            // send what is pending, then close.
            draining = true
            closeAfterWrites(context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func read(context: ChannelHandlerContext) {
        if queuedResponses >= maxQueuedResponses || !backlog.isEmpty {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// Queues a slow answer; everything answered after it waits in `ordered`.
    private func hold(_ later: EventLoopFuture<Response>, header: FrameHeader, context: ChannelHandlerContext) {
        writePending(context: context, flush: true)
        let slot = releasedSlots + ordered.count
        ordered.append((nil, 1))
        later.assumeIsolatedUnsafeUnchecked().whenComplete { result in
            var out = context.channel.allocator.buffer(capacity: 256)
            let response = (try? result.get()) ?? .failure(.internalError, "request failed")
            self.dispatcher.write(response, for: header, into: &out)
            self.ordered[slot - self.releasedSlots] = (out, 1)
            self.releaseOrdered(context: context)
        }
    }

    /// Writes the finished answers at the head of `ordered`.
    private func releaseOrdered(context: ChannelHandlerContext) {
        var released = 0
        while released < ordered.count, let bytes = ordered[released].bytes {
            write(bytes, count: ordered[released].count, context: context)
            released += 1
        }
        ordered.removeFirst(released)
        releasedSlots += released
        if released > 0 { context.flush() }
    }

    private func writePending(context: ChannelHandlerContext, flush: Bool) {
        guard let out = pending else { return }
        let count = pendingCount
        pending = nil
        pendingCount = 0
        if !ordered.isEmpty {
            // An earlier answer is unfinished: this one waits its turn.
            ordered.append((out, count))
            return
        }
        write(out, count: count, context: context)
        if flush { context.flush() }
    }

    private func write(_ out: ByteBuffer, count: Int, context: ChannelHandlerContext) {
        queuedResponses += count
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolatedUnsafeUnchecked().whenComplete { result in
            self.queuedResponses -= count
            // A failed write means the peer is gone: do no more work for it.
            if case .failure = result {
                self.backlog.removeAll()
                return
            }
            self.drainBacklog(context: context)
        }
        context.write(wrapOutboundOut(out), promise: promise)
    }

    private func closeAfterWrites(context: ChannelHandlerContext) {
        // Writes complete in order, so once this (possibly empty) write is done every
        // earlier response has left too; closing earlier would fail the queued writes.
        let out = pending ?? context.channel.allocator.buffer(capacity: 0)
        pending = nil
        pendingCount = 0
        context.writeAndFlush(wrapOutboundOut(out)).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            context.close(promise: nil)
        }
    }
}
