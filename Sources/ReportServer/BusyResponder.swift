// BusyResponder: the whole pipeline of a connection refused for want of a slot (PROTOCOL.md
// §1.3). It answers the first request with BUSY — a client learns why instead of seeing a reset —
// and closes; a peer that sends nothing is closed after `patience`. It never reads more than one
// frame, so a refused connection costs a few hundred bytes for at most that long.
// Runs on its channel's event loop only.
import NIOCore
import ReportProtocol

/// Answers one request with BUSY, then closes.
final class BusyResponder: ChannelInboundHandler {
    typealias InboundIn = FrameParser.Event
    typealias OutboundOut = ByteBuffer

    private let message: String
    private let patience: TimeAmount
    private var answered = false
    private var timer: Scheduled<Void>?

    init(message: String, patience: TimeAmount = .seconds(2)) {
        self.message = message
        self.patience = patience
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: patience) {
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !answered else { return }
        answered = true
        let header: FrameHeader
        switch unwrapInboundIn(data) {
        case .frame(let frame): header = frame.header
        case .oversized(let h), .unsupportedVersion(let h): header = h
        }
        var out = context.channel.allocator.buffer(capacity: 64 + message.utf8.count)
        out.writeResponse(.failure(.busy, message), to: header.opcode, requestID: header.requestID)
        context.writeAndFlush(wrapOutboundOut(out)).assumeIsolatedUnsafeUnchecked().whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed, !answered {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
