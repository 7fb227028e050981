// In-process tests of ConnectionHandler's state machine on NIOAsyncTestingChannel: answers in
// request order, back-pressure in bytes (a stand-in socket that completes writes only when told),
// answering everything received before a half-close or lost framing, per-connection order of
// writes and reads, and the idle timeout on the loop's virtual clock.
import Logging
import NIOCore
import NIOEmbedded
import NIOPosix
import ReportEngine
import ReportProtocol
import ReportStore
import ServiceSupport
import Testing

@testable import ReportServer

/// The socket end of the pipeline: holds every write until `release()`, and counts reads asked for.
final class StalledSocket: ChannelOutboundHandler, @unchecked Sendable {
    // @unchecked: touched only on the channel's event loop (tests hop there to inspect it).
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var held: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    var reads = 0
    var stalls = true
    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if stalls {
            held.append((unwrapOutboundIn(data), promise))
        } else {
            context.write(data, promise: promise)
        }
    }

    func read(context: ChannelHandlerContext) {
        reads += 1
        context.read()
    }

    /// Lets every held write through and stops holding new ones.
    func release() {
        stalls = false
        guard let context else { return }
        let writes = held
        held.removeAll()
        for (buffer, promise) in writes { context.write(NIOAny(buffer), promise: promise) }
        context.flush()
    }
}

@Suite("ConnectionHandler state machine, in process")
struct ConnectionHandlerTests {
    static let text = [UInt8](repeating: 0x61, count: 1000)
    /// One worker thread shared by these tests, for the life of the test process.
    static let workers: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    /// A channel with FrameDecoder and a ConnectionHandler over a one-report corpus.
    static func makeChannel(
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) async throws -> (NIOAsyncTestingChannel, StalledSocket, ConnectionHandler) {
        try await makeChannel(dispatcher: makeDispatcher(configure: configure))
    }

    /// A dispatcher over a one-report corpus ("a", 1,000 bytes).
    static func makeDispatcher(configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> RequestDispatcher {
        var configuration = ServerConfiguration(listener: .path("/unused"))
        configure(&configuration)
        let store = ReportStore()
        let corpus = ServedCorpus(store: store)
        let statistics = ServerStatistics()
        let access = WriteAccess()
        let dispatcher = RequestDispatcher(
            corpus: corpus, configuration: configuration, statistics: statistics, startedAt: .now,
            serverName: "test", access: access, actions: nil, logger: Logger(label: "test"), workers: Self.workers,
            reads: FairWorkQueue(pool: Self.workers, slots: 1),
            outputBudget: OutputBudget(limit: configuration.maxQueuedBytesTotal, access: access, statistics: statistics, logger: Logger(label: "test")))
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, Error>) in
            corpus.put(id: "a", text: text) { done.resume(with: $0.mapError { $0 as Error }) }
        }
        return dispatcher
    }

    /// A channel with FrameDecoder and a ConnectionHandler of `dispatcher`, for a peer of `uid`.
    static func makeChannel(
        dispatcher: RequestDispatcher, uid: UInt32 = 0
    ) async throws -> (NIOAsyncTestingChannel, StalledSocket, ConnectionHandler) {
        let channel = NIOAsyncTestingChannel()
        let socket = StalledSocket()
        let handler = try await channel.eventLoop.submit {
            let handler = ConnectionHandler(
                dispatcher: dispatcher, peer: ConnectionPeer(credentials: PeerCredentials(pid: 1, uid: uid, gid: uid)),
                logger: Logger(label: "test"))
            try channel.pipeline.syncOperations.addHandler(socket)
            try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxBodyBytes: 1 << 20)))
            try channel.pipeline.syncOperations.addHandler(handler)
            return UncheckedBox(handler)
        }.get().value
        try await channel.connect(to: try SocketAddress(unixDomainSocketPath: "/unused")).get()
        return (channel, socket, handler)
    }

    static func frames(_ requests: [(Request, UInt32)]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for (request, id) in requests { buffer.writeRequest(request, requestID: id) }
        return buffer
    }

    /// Every response in `buffer`: (request id, response).
    static func responses(in buffer: inout ByteBuffer) throws -> [(UInt32, Response)] {
        var parser = FrameParser(maxBodyBytes: 1 << 30)
        var out: [(UInt32, Response)] = []
        while case .frame(let frame)? = try parser.next(&buffer) {
            out.append((frame.header.requestID, try Response.decode(frame)))
        }
        return out
    }

    /// Reads outbound writes until `count` responses have come (writes must not be stalled).
    static func collect(_ count: Int, from channel: NIOAsyncTestingChannel) async throws -> [(UInt32, Response)] {
        var all: [(UInt32, Response)] = []
        var pending = ByteBuffer()
        while all.count < count {
            var chunk = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
            pending.writeBuffer(&chunk)
            all += try responses(in: &pending)
        }
        return all
    }

    static func onLoop<T: Sendable>(_ channel: NIOAsyncTestingChannel, _ body: @escaping @Sendable () -> T) async throws -> T {
        try await channel.eventLoop.submit(body).get()
    }

    @Test("pipelined requests of every class are answered once each, in request order")
    func answersInOrder() async throws {
        let (channel, socket, _) = try await Self.makeChannel()
        try await Self.onLoop(channel) { socket.release() }
        try await channel.writeInbound(Self.frames([
            (.get(id: "a", raw: false), 1), (.count(query: "x", fold: false), 2), (.ping(ByteBuffer()), 3),
            (.put(id: "b", text: ByteBuffer(bytes: [0x62])), 4), (.mget(ids: ["b", "zz"], raw: false), 5), (.stats, 6),
        ]))
        let answers = try await Self.collect(6, from: channel)
        #expect(answers.map(\.0) == [1, 2, 3, 4, 5, 6])
        #expect(answers[0].1 == .report(.plain(ByteBuffer(bytes: Self.text))))
        #expect(answers[3].1 == .done)
        #expect(answers[4].1 == .reports([.plain(ByteBuffer(bytes: [0x62])), .missing]), "the MGET sees the PUT before it")
    }

    @Test("past max-queued-bytes nothing more is started or read until the writes complete")
    func backPressureInBytes() async throws {
        let (channel, socket, handler) = try await Self.makeChannel { $0.maxQueuedBytes = 2500 }
        let box = UncheckedBox(handler)
        try await channel.writeInbound(Self.frames((1...10).map { (.get(id: "a", raw: false), UInt32($0)) }))
        // Each answer is ~1 KB: three of them reach the cap; the rest wait unstarted.
        let (held, readsBefore) = try await Self.onLoop(channel) { (socket.held.count, socket.reads) }
        let bytes = try await Self.onLoop(channel) { socket.held.reduce(0) { $0 + $1.0.readableBytes } }
        #expect(held >= 1)
        #expect(bytes >= 2500 && bytes < 2500 + 1100, "queued \(bytes) bytes against a 2,500-byte cap")
        channel.read()
        let readsSaturated = try await Self.onLoop(channel) { socket.reads }
        #expect(readsSaturated == readsBefore, "a saturated connection must not be read")
        #expect(try await Self.onLoop(channel) { box.value.state } == .serving)
        // The client drains: the rest is answered and reading resumes.
        try await Self.onLoop(channel) { socket.release() }
        let answers = try await Self.collect(10, from: channel)
        #expect(answers.map(\.0) == Array(1...10))
        channel.read()
        #expect(try await Self.onLoop(channel) { socket.reads } > readsSaturated)
    }

    @Test("after a half-close every received request is answered, then the channel closes")
    func halfClose() async throws {
        let (channel, socket, handler) = try await Self.makeChannel()
        let box = UncheckedBox(handler)
        try await channel.writeInbound(Self.frames([
            (.put(id: "c", text: ByteBuffer(bytes: [0x63])), 1), (.get(id: "c", raw: false), 2), (.count(query: "c", fold: false), 3),
        ]))
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(try await Self.onLoop(channel) { box.value.state } != .serving)
        try await Self.onLoop(channel) { socket.release() }
        let answers = try await Self.collect(3, from: channel)
        #expect(answers.map(\.0) == [1, 2, 3])
        #expect(answers[1].1 == .report(.plain(ByteBuffer(bytes: [0x63]))))
        try await channel.closeFuture.get()
        #expect(try await Self.onLoop(channel) { box.value.state } == .closed)
    }

    @Test("a bad magic byte: the requests before it are answered, nothing after it is read")
    func framingLost() async throws {
        let (channel, socket, handler) = try await Self.makeChannel()
        let box = UncheckedBox(handler)
        try await Self.onLoop(channel) { socket.release() }
        var bytes = Self.frames([(.get(id: "a", raw: false), 1), (.mget(ids: ["a"], raw: false), 2)])
        bytes.writeBytes([0x47, 0x45, 0x54, 0x20])
        // The decoder's error goes down the pipeline to the handler (and may surface here too).
        _ = try? await channel.writeInbound(bytes)
        let answers = try await Self.collect(2, from: channel)
        #expect(answers.map(\.0) == [1, 2])
        try await channel.closeFuture.get()
        #expect(try await Self.onLoop(channel) { box.value.state } == .closed)
    }

    @Test("the idle timeout counts whole requests, on the loop's clock")
    func idleTimeout() async throws {
        let (channel, socket, _) = try await Self.makeChannel { $0.idleTimeoutSeconds = 1 }
        try await Self.onLoop(channel) { socket.release() }
        let loop = channel.testingEventLoop
        // Whole requests every 0.6 s keep it open.
        for id in 1...4 {
            await loop.advanceTime(by: .milliseconds(600))
            try await channel.writeInbound(Self.frames([(.ping(ByteBuffer()), UInt32(id))]))
            _ = try await Self.collect(1, from: channel)
            #expect(channel.isActive)
        }
        // A frame trickled one byte per 0.3 s does not.
        var partial = Self.frames([(.ping(ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8])), 9)])
        for _ in 0..<6 {
            guard let byte = partial.readSlice(length: 1) else { break }
            if !channel.isActive { break }
            try await channel.writeInbound(byte)
            await loop.advanceTime(by: .milliseconds(300))
        }
        #expect(!channel.isActive, "one byte per 0.3 s must not keep a 1 s idle timeout from firing")
    }
}

extension ConnectionHandlerTests {
    /// A dispatcher whose answers are ~1 KB, each connection may hold 4 KB, all together 6 KB.
    static func budgetDispatcher() async throws -> RequestDispatcher {
        try await makeDispatcher {
            $0.maxQueuedBytes = 4_000
            $0.maxQueuedBytesTotal = 6_000
        }
    }

    @Test("answers waiting to be written keep a connection open past the idle timeout; once written, it idles out")
    func slowReaderIsNotIdle() async throws {
        let (channel, socket, _) = try await Self.makeChannel { $0.idleTimeoutSeconds = 1 }
        let loop = channel.testingEventLoop
        try await channel.writeInbound(Self.frames((1...3).map { (.get(id: "a", raw: false), UInt32($0)) }))
        await loop.advanceTime(by: .seconds(5))
        #expect(channel.isActive, "a client that has not read its answers yet is not idle")
        try await Self.onLoop(channel) { socket.release() }
        let answers = try await Self.collect(3, from: channel)
        #expect(answers.map(\.0) == [1, 2, 3])
        await loop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive, "with everything written and nothing sent for 2 s, a 1 s idle timeout closes it")
    }

    @Test("past max-queued-bytes-total the unprivileged connection holding the most answers is closed, the others stay")
    func outputBudgetEvictsLargest() async throws {
        let dispatcher = try await Self.budgetDispatcher()
        let (big, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 1000)
        let (small, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 1001)
        let (root, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 0)
        try await small.writeInbound(Self.frames([(.get(id: "a", raw: false), 1)]))
        try await root.writeInbound(Self.frames((1...3).map { (.get(id: "a", raw: false), UInt32($0)) }))
        #expect(dispatcher.outputBudget.total > 3_000)
        #expect(dispatcher.outputBudget.evictions == 0)
        // The third connection's answers push the total past 6 KB: it holds the most of the
        // unprivileged ones, so it goes; root's (privileged) and the small one's stay.
        try await big.writeInbound(Self.frames((1...4).map { (.get(id: "a", raw: false), UInt32($0)) }))
        try await big.closeFuture.get()
        #expect(dispatcher.outputBudget.evictions == 1)
        #expect(dispatcher.statistics.droppedConnections.load(ordering: .relaxed) == 1, "counted once, by the budget")
        #expect(small.isActive)
        #expect(root.isActive)
        #expect(dispatcher.outputBudget.total <= 6_000)
    }
}

extension ConnectionHandlerTests {
    @Test("a connection closed by another's report is the largest holder, and is counted and closed once")
    func outputBudgetEvictsOthers() async throws {
        let dispatcher = try await Self.budgetDispatcher()
        let (holder, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 1000)
        let (latecomer, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 1001)
        try await holder.writeInbound(Self.frames((1...4).map { (.get(id: "a", raw: false), UInt32($0)) }))
        // The latecomer's third answer passes 6 KB: the holder (4 KB) is the largest, so it goes.
        try await latecomer.writeInbound(Self.frames((1...3).map { (.get(id: "a", raw: false), UInt32($0)) }))
        try await holder.closeFuture.get()
        #expect(latecomer.isActive)
        #expect(dispatcher.outputBudget.evictions == 1)
        #expect(dispatcher.statistics.droppedConnections.load(ordering: .relaxed) == 1)
        #expect(dispatcher.outputBudget.total <= 6_000)
    }
}

extension ConnectionHandlerTests {
    @Test("the buffered part of a request still arriving counts against max-queued-bytes-total like unread answers")
    func partialRequestCountsAgainstBudget() async throws {
        let dispatcher = try await Self.makeDispatcher {
            $0.maxQueuedBytes = 4_000
            $0.maxQueuedBytesTotal = 150_000
        }
        let (big, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 1000)
        let (small, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 1001)
        let (root, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 0)
        /// The first 100,000 bytes of a 500,000-byte PUT: a header, then a body that stops.
        func halfSentPut(_ id: String) -> ByteBuffer {
            let whole = Self.frames([(.put(id: id, text: ByteBuffer(repeating: 0x61, count: 500_000)), 9)])
            return whole.getSlice(at: whole.readerIndex, length: 100_000)!
        }
        try await small.writeInbound(Self.frames([(.get(id: "a", raw: false), 1)]))
        try await root.writeInbound(halfSentPut("r"))
        #expect(dispatcher.outputBudget.total >= 100_000, "root's half-sent PUT is counted: \(dispatcher.outputBudget.total)")
        #expect(dispatcher.outputBudget.evictions == 0)
        // An unprivileged peer half-sends one too: past 150 KB it is the largest unprivileged
        // holder, so it goes; root (never evicted) and the small reader stay.
        try await big.writeInbound(halfSentPut("b"))
        try await big.closeFuture.get()
        #expect(dispatcher.outputBudget.evictions == 1)
        #expect(small.isActive)
        #expect(root.isActive)
        #expect(dispatcher.outputBudget.total <= 150_000)
    }

    @Test("a whole request waiting to start (its connection saturated) counts against max-queued-bytes-total too")
    func waitingRequestCountsAgainstBudget() async throws {
        let dispatcher = try await Self.makeDispatcher {
            $0.maxQueuedBytes = 4_000
            $0.maxQueuedBytesTotal = 1 << 30
        }
        let (channel, _, _) = try await Self.makeChannel(dispatcher: dispatcher, uid: 1000)
        // Five ~1 KB answers the client does not read pass the 4 KB cap: nothing more starts.
        try await channel.writeInbound(Self.frames((1...5).map { (.get(id: "a", raw: false), UInt32($0)) }))
        let answers = dispatcher.outputBudget.total
        #expect(answers > 4_000 && answers < 8_000)
        // A 200 KB PING arrives whole and waits: its bytes are held, so they are counted.
        try await channel.writeInbound(Self.frames([(.ping(ByteBuffer(repeating: 0x70, count: 200_000)), 6)]))
        #expect(dispatcher.outputBudget.total >= answers + 200_000, "\(dispatcher.outputBudget.total)")
    }
}

/// Carries a non-Sendable reference across an event-loop hop in tests.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
