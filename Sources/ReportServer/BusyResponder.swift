// BusyResponder: the whole pipeline of a connection refused for want of a slot (PROTOCOL.md
// §1.3). It answers the first request with BUSY as soon as that request's 12-byte header has
// arrived, whatever its body length — a client learns why instead of seeing a reset — then reads
// and discards the request's body (never buffering it) and closes once the body is through and the
// answer written. Whatever happens, the connection is closed `patience` after it was accepted: a
// peer that sends nothing, an incomplete header or a slow body is closed then (with BUSY sent if
// its header had arrived). Bad magic closes at once, unanswered. So a refused connection costs at
// most 12 buffered bytes and one small answer, for at most `patience`.
// Runs on its channel's event loop only.
import NIOCore
import ReportProtocol

/// Answers one request with BUSY, then closes.
final class BusyResponder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let message: String
    private let patience: TimeAmount
    /// The first bytes received, until a whole header is here.
    private var head: ByteBuffer?
    /// Body bytes of the first request still to be discarded; nil until its header arrived.
    private var remainingBody: UInt32?
    private var answerWritten = false
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
        var bytes = unwrapInboundIn(data)
        if let remaining = remainingBody {
            // Past the first request's header: discard its body; anything after it is not read.
            remainingBody = remaining - UInt32(min(Int(remaining), bytes.readableBytes))
            closeIfDone(context: context)
            return
        }
        var received = head ?? context.channel.allocator.buffer(capacity: FrameHeader.size)
        let needed = FrameHeader.size - received.readableBytes
        if var part = bytes.readSlice(length: min(needed, bytes.readableBytes)) {
            received.writeBuffer(&part)
        }
        if let first = received.getInteger(at: received.readerIndex, as: UInt8.self), first != FrameHeader.magicByte {
            context.close(promise: nil)  // framing lost: nothing to answer
            return
        }
        guard let header = FrameHeader.peek(in: received) else {
            head = received
            return
        }
        head = nil
        remainingBody = header.bodyLength - UInt32(min(Int(header.bodyLength), bytes.readableBytes))
        var out = context.channel.allocator.buffer(capacity: 64 + message.utf8.count)
        out.writeResponse(.failure(.busy, message), to: header.opcode, requestID: header.requestID)
        context.writeAndFlush(wrapOutboundOut(out)).assumeIsolatedUnsafeUnchecked().whenComplete { result in
            if case .failure = result {
                context.close(promise: nil)
                return
            }
            self.answerWritten = true
            self.closeIfDone(context: context)
        }
    }

    /// Closes once the answer is written and the first request's body has been read.
    private func closeIfDone(context: ChannelHandlerContext) {
        if answerWritten && remainingBody == 0 { context.close(promise: nil) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The peer sends no more: close as soon as an answer (if any) is on its way.
        if let event = event as? ChannelEvent, event == .inputClosed {
            if remainingBody == nil || answerWritten {
                context.close(promise: nil)
            } else {
                remainingBody = 0
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
