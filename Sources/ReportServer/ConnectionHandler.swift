// ConnectionHandler: one per client connection, an explicit state machine (`State`).
//
//   .serving ──half-close / framing lost / idle / server drain──▶ .finishing(reason)
//      │                                                             │ every request received is
//      │                                                             │ answered and written
//      └──────────── write failed / channel inactive ──────────────▶ .closed ◀┘
//
// Requests are started in arrival order under the rules of `RequestClass` (PROTOCOL.md §1.1):
// a request waits in `waiting` until everything it must not overtake has finished. Started
// requests hold a place in `slots` until their answer is written, so answers leave in request
// order whatever finishes first. Back-pressure (PROTOCOL.md §7): once the answers queued for
// this connection — finished but unwritten, plus written but not yet taken by the kernel —
// reach `maxQueuedBytes` bytes (or `maxQueuedResponses` answers), no request is started and
// the socket is not read until the client drains them; the connection reports what it holds —
// those answers, the requests waiting to start and the buffered part of a request still arriving
// (FrameDecoder's `.receiving`) —
// to the server's OutputBudget, which closes the largest unprivileged holders when all
// connections together pass `max-queued-bytes-total`. The idle timeout counts whole requests:
// the connection is closed when no complete request arrived for `idleTimeout`, none is being
// worked on and no answer is waiting to be written (a client reading slowly is not idle).
// Invariants: `slots` holds the started, unwritten requests, oldest first; the first one is
// unanswered (answered ones at the head are moved to `outgoing` at once); `heldBytes` is the size
// of the answered ones; `waiting` is empty unless its head may not start yet.
// Runs on its channel's event loop only.
import Logging
import NIOCore
import ReportProtocol

/// Serves one connection.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = FrameDecoder.Event
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Sent down the pipeline when the server begins a graceful stop.
    struct Drain: Sendable {}

    /// Why a connection stopped reading.
    enum FinishReason: Sendable, Equatable {
        /// The client shut down its sending side (or closed).
        case inputClosed
        /// The byte stream cannot be trusted any more (bad magic, a read error).
        case framingLost
        /// The server is stopping.
        case draining
    }

    /// Where the connection is in its life.
    enum State: Sendable, Equatable {
        /// Reading requests and answering them.
        case serving
        /// Reading no more: the requests already received are answered, then the connection closes.
        case finishing(FinishReason)
        /// Closed or closing; nothing more is started or written.
        case closed
    }

    /// A started request whose answer has not been written yet.
    private struct Slot {
        let kind: RequestClass
        var answer: ByteBuffer?
    }

    private let dispatcher: RequestDispatcher
    private let logger: Logger
    private let maxQueuedResponses: Int
    private let maxQueuedBytes: Int
    private let idleTimeout: TimeAmount?
    /// Set once, before the handler is added, from SO_PEERCRED.
    let peer: ConnectionPeer

    private(set) var state = State.serving
    /// Orders this connection's writes; made on the first write.
    private var writes: WriteSequencer?
    private var slots = CircularBuffer<Slot>()
    /// The absolute number of `slots.first` (slot numbers outlive removals from the front).
    private var firstSlot = 0
    /// Received requests that may not start yet, in arrival order.
    private var waiting = CircularBuffer<FrameParser.Event>()
    /// Bytes of the frames in `waiting` (held until they start; counted in the output budget).
    private var waitingBytes = 0
    /// Started requests not finished, by class.
    private var unfinishedReads = 0
    private var unfinishedPooled = 0
    private var unfinishedWrites = 0
    private var unfinishedExclusive = 0
    /// Answers released in order, not yet handed to the channel.
    private var outgoing: ByteBuffer?
    /// Answers in `outgoing`.
    private var bufferedAnswers = 0
    /// Bytes, and answers, handed to the channel whose write has not completed.
    private var unsentBytes = 0
    private var unsentAnswers = 0
    /// Bytes of finished answers waiting in `slots` behind an unfinished one.
    private var heldBytes = 0
    /// The channel asked to read while we were saturated; we owe it a `context.read()`.
    private var readHeld = false
    private var lastRequest = NIODeadline.uptimeNanoseconds(0)
    private var idleTimer: Scheduled<Void>?
    /// Bytes buffered for a request still arriving, as FrameDecoder last reported them.
    private var receivingBytes = 0
    /// `queuedBytes + receivingBytes + waitingBytes` as last reported to the output budget (nil
    /// before registering).
    private var reportedBytes: Int?

    init(dispatcher: RequestDispatcher, peer: ConnectionPeer, logger: Logger) {
        self.dispatcher = dispatcher
        self.peer = peer
        self.logger = logger
        self.maxQueuedResponses = dispatcher.configuration.maxQueuedResponses
        self.maxQueuedBytes = dispatcher.configuration.maxQueuedBytes
        if let seconds = dispatcher.configuration.idleTimeoutSeconds, seconds > 0 {
            self.idleTimeout = .milliseconds(Int64(seconds * 1000))
        } else {
            self.idleTimeout = nil
        }
    }

    // MARK: Events

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { becomeActive(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        becomeActive(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        leaveBudget()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state = .closed
        waiting.removeAll()
        waitingBytes = 0
        idleTimer?.cancel()
        leaveBudget()
        context.fireChannelInactive()
    }

    private func becomeActive(context: ChannelHandlerContext) {
        armIdleTimer(context: context)
        guard reportedBytes == nil else { return }
        reportedBytes = 0
        dispatcher.outputBudget.register(ObjectIdentifier(self), channel: context.channel, credentials: peer.credentials)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard state != .closed else { return }
        let event: FrameParser.Event
        switch unwrapInboundIn(data) {
        case .receiving(let bytes):
            // Not a request: a trickled body does not reset the idle timer.
            receivingBytes = bytes
            reportQueued()
            return
        case .parsed(let parsed):
            event = parsed
            receivingBytes = 0
        }
        lastRequest = context.eventLoop.now
        // One socket read can carry thousands of pipelined requests; those that may not start
        // yet wait here, a few bytes each, instead of producing answers nobody reads.
        if waiting.isEmpty && mayStart(event) {
            start(event, context: context)
            if bufferedBytes >= 256 * 1024 { writeOutgoing(context: context, flush: true) }
        } else {
            waiting.append(event)
            waitingBytes += Self.size(of: event)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        writeOutgoing(context: context, flush: true)
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // Framing failures (bad magic, a partial frame at EOF) and I/O errors: the byte stream can
        // no longer be trusted, so nothing more is read; what was received is still answered.
        if let protocolError = error as? ProtocolError {
            logger.warning("closing connection after answering what it sent: \(protocolError)")
            dispatcher.statistics.bump(dispatcher.statistics.droppedConnections)
        } else {
            logger.debug("connection error: \(error)")
        }
        finish(.framingLost, context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            finish(.inputClosed, context: context)
        } else if event is Drain {
            finish(.draining, context: context)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func read(context: ChannelHandlerContext) {
        if state == .serving && waiting.isEmpty && !isSaturated {
            context.read()
        } else {
            readHeld = true
        }
    }

    // MARK: Scheduling

    /// Answers queued for this connection, in bytes.
    private var queuedBytes: Int { unsentBytes + heldBytes + bufferedBytes }

    /// Memory a received event holds while it waits to start: its bytes, plus its slot in
    /// `waiting` (the event, a header and a slice of the read buffer, ~50 bytes, and the ring
    /// buffer's doubling) — 40,000 empty PINGs pipelined behind unread answers hold ~4 MB, not
    /// their 480 KB on the wire.
    private static func size(of event: FrameParser.Event) -> Int {
        let slot = 96
        guard case .frame(let frame) = event else { return FrameHeader.size + slot }
        return FrameHeader.size + frame.body.readableBytes + slot
    }
    private var bufferedBytes: Int { outgoing?.readableBytes ?? 0 }

    /// No request may start until the client drains some answers.
    private var isSaturated: Bool {
        queuedBytes >= maxQueuedBytes || slots.count + bufferedAnswers + unsentAnswers >= maxQueuedResponses
    }

    /// Whether `event` may start now (see `RequestClass`).
    private func mayStart(_ event: FrameParser.Event) -> Bool {
        guard state != .closed, !isSaturated else { return false }
        guard case .frame(let frame) = event else { return unfinishedWrites + unfinishedExclusive == 0 }
        switch RequestClass(frame.header.opcode) {
        case .inline: return unfinishedWrites + unfinishedExclusive == 0
        case .pooled: return unfinishedWrites + unfinishedExclusive + unfinishedPooled == 0
        case .write: return unfinishedReads + unfinishedExclusive == 0
        case .exclusive: return slots.isEmpty
        }
    }

    private func start(_ event: FrameParser.Event, context: ChannelHandlerContext) {
        // Straight into `outgoing` when nothing is ahead (the common case: no copy, no slot).
        let direct = slots.isEmpty
        var out = direct ? (outgoing ?? context.channel.allocator.buffer(capacity: 4096)) : context.channel.allocator.buffer(capacity: 256)
        let kind: RequestClass
        switch event {
        case .frame(let frame):
            kind = RequestClass(frame.header.opcode)
            if kind == .write, writes == nil { writes = WriteSequencer(loop: context.eventLoop) }
            if let later = dispatcher.respond(to: frame, peer: peer, writes: writes, on: context.eventLoop, into: &out) {
                if direct { outgoing = out }
                track(later, kind: kind, header: frame.header, context: context)
                return
            }
        case .oversized(let header):
            kind = .inline
            dispatcher.respondToSkipped(header, status: .frameTooLarge, into: &out)
        case .unsupportedVersion(let header):
            kind = .inline
            dispatcher.respondToSkipped(header, status: .unsupportedVersion, into: &out)
        }
        if direct {
            outgoing = out
            bufferedAnswers += 1
        } else {
            heldBytes += out.readableBytes
            slots.append(Slot(kind: kind, answer: out))
        }
    }

    /// Gives a started request a slot and fills it when its answer is ready.
    private func track(
        _ later: EventLoopFuture<ByteBuffer>, kind: RequestClass, header: FrameHeader, context: ChannelHandlerContext
    ) {
        let number = firstSlot + slots.count
        slots.append(Slot(kind: kind, answer: nil))
        adjustUnfinished(kind, by: 1)
        later.assumeIsolatedUnsafeUnchecked().whenComplete { result in
            self.adjustUnfinished(kind, by: -1)
            guard self.state != .closed else { return }
            var answer: ByteBuffer
            switch result {
            case .success(let bytes): answer = bytes
            case .failure(let error):
                // Futures from the dispatcher do not fail; were one to, the request still gets its answer.
                self.logger.error("request failed: \(error)")
                answer = context.channel.allocator.buffer(capacity: 64)
                self.dispatcher.write(.failure(.internalError, "request failed"), for: header, into: &answer)
            }
            self.heldBytes += answer.readableBytes
            self.slots[self.slots.index(self.slots.startIndex, offsetBy: number - self.firstSlot)].answer = answer
            self.releaseAnswered()
            self.pump(context: context)
            self.writeOutgoing(context: context, flush: true)
        }
    }

    private func adjustUnfinished(_ kind: RequestClass, by delta: Int) {
        switch kind {
        case .inline: unfinishedReads += delta
        case .pooled:
            unfinishedReads += delta
            unfinishedPooled += delta
        case .write: unfinishedWrites += delta
        case .exclusive: unfinishedExclusive += delta
        }
    }

    /// Moves the answered slots at the head of `slots` to `outgoing`.
    private func releaseAnswered() {
        while let first = slots.first, let answer = first.answer {
            slots.removeFirst()
            firstSlot += 1
            heldBytes -= answer.readableBytes
            bufferedAnswers += 1
            if var out = outgoing, out.readableBytes > 0 {
                out.writeImmutableBuffer(answer)
                outgoing = out
            } else {
                outgoing = answer
            }
        }
    }

    /// Starts the waiting requests that may start, then resumes reading or closes as the state says.
    private func pump(context: ChannelHandlerContext) {
        var started = false
        while let next = waiting.first, mayStart(next) {
            waiting.removeFirst()
            waitingBytes -= Self.size(of: next)
            start(next, context: context)
            started = true
            if bufferedBytes >= 256 * 1024 { writeOutgoing(context: context, flush: true) }
        }
        // No channelReadComplete follows a start from here (the client may be waiting): send now.
        if started { writeOutgoing(context: context, flush: true) }
        switch state {
        case .serving:
            if readHeld && waiting.isEmpty && !isSaturated {
                readHeld = false
                context.read()
            }
        case .finishing:
            closeIfDone(context: context)
        case .closed:
            break
        }
    }

    // MARK: Writing

    private func writeOutgoing(context: ChannelHandlerContext, flush: Bool) {
        guard state != .closed else { return }
        if let out = outgoing, out.readableBytes > 0 {
            outgoing = nil
            let count = out.readableBytes
            let answers = bufferedAnswers
            bufferedAnswers = 0
            unsentBytes += count
            unsentAnswers += answers
            let promise = context.eventLoop.makePromise(of: Void.self)
            promise.futureResult.assumeIsolatedUnsafeUnchecked().whenComplete { result in
                self.unsentBytes -= count
                self.unsentAnswers -= answers
                self.reportQueued()
                // A failed write means the peer is gone: do no more work for it.
                if case .failure = result {
                    self.close(context: context)
                    return
                }
                self.pump(context: context)
            }
            context.write(wrapOutboundOut(out), promise: promise)
        }
        reportQueued()
        if flush { context.flush() }
    }

    /// Tells the output budget what this connection holds now (see OutputBudget): its queued
    /// answers, the requests waiting to start and the part of a request still arriving.
    private func reportQueued() {
        guard let reported = reportedBytes, state != .closed else { return }
        let bytes = queuedBytes + receivingBytes + waitingBytes
        guard bytes != reported else { return }
        reportedBytes = bytes
        // The budget logs and counts every connection it closes, this one included.
        if dispatcher.outputBudget.report(ObjectIdentifier(self), bytes: bytes) { reportedBytes = nil }
    }

    private func leaveBudget() {
        guard reportedBytes != nil else { return }
        reportedBytes = nil
        dispatcher.outputBudget.unregister(ObjectIdentifier(self))
    }

    // MARK: Ending

    private func finish(_ reason: FinishReason, context: ChannelHandlerContext) {
        guard state == .serving else { return }
        state = .finishing(reason)
        pump(context: context)
    }

    /// Closes once every received request is answered and every answer has left.
    private func closeIfDone(context: ChannelHandlerContext) {
        guard case .finishing = state, waiting.isEmpty, slots.isEmpty else { return }
        writeOutgoing(context: context, flush: true)
        guard unsentBytes == 0 else { return }  // pump() runs again when the writes complete
        close(context: context)
    }

    private func close(context: ChannelHandlerContext) {
        guard state != .closed else { return }
        state = .closed
        waiting.removeAll()
        waitingBytes = 0
        idleTimer?.cancel()
        context.close(promise: nil)
    }

    // MARK: Idle timeout

    private func armIdleTimer(context: ChannelHandlerContext) {
        guard let idleTimeout, idleTimer == nil else { return }
        lastRequest = context.eventLoop.now
        scheduleIdleCheck(at: lastRequest + idleTimeout, idleTimeout: idleTimeout, context: context)
    }

    private func scheduleIdleCheck(at deadline: NIODeadline, idleTimeout: TimeAmount, context: ChannelHandlerContext) {
        idleTimer = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: deadline) {
            self.idleCheck(idleTimeout: idleTimeout, context: context)
        }
    }

    /// Closes the connection when no complete request arrived for `idleTimeout`, none is being
    /// worked on or waits to start, and no answer waits to be written; otherwise checks again when
    /// the window could next expire. Bytes of an unfinished frame do not count: a client trickling
    /// one byte at a time is idle. Answers a client is slow to read keep it open (PROTOCOL.md
    /// §1.2: every request received is answered); the byte caps bound what they hold.
    private func idleCheck(idleTimeout: TimeAmount, context: ChannelHandlerContext) {
        guard state != .closed else { return }
        let now = context.eventLoop.now
        let busy = unfinishedReads + unfinishedWrites + unfinishedExclusive > 0 || !waiting.isEmpty || !slots.isEmpty
            || queuedBytes > 0
        if lastRequest + idleTimeout > now {
            scheduleIdleCheck(at: lastRequest + idleTimeout, idleTimeout: idleTimeout, context: context)
        } else if busy {
            scheduleIdleCheck(at: now + idleTimeout, idleTimeout: idleTimeout, context: context)
        } else {
            logger.debug("closing idle connection")
            dispatcher.statistics.bump(dispatcher.statistics.droppedConnections)
            close(context: context)
        }
    }
}
