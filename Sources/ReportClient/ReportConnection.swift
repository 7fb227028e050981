// ReportConnection: one blocking connection to reportd that speaks the framing of
// PROTOCOL.md §3 — it encodes requests, hands out request ids, and parses response
// frames. Requests may be pipelined: `send` any number, then `receive` answers in
// order. Invariant: `outstanding` holds the ids sent and not yet answered, in order.
// Not thread-safe: owned by one thread at a time.
import NIOCore
import ReportProtocol

/// A framed, pipelining connection to reportd over a Unix-domain socket.
public final class ReportConnection {
    private let socket: UnixSocket
    private var parser: FrameParser
    private var inbound: ByteBuffer
    private var outbound: ByteBuffer
    private var nextRequestID: UInt32 = 1
    private var outstanding: [UInt32] = []
    private var outstandingHead = 0
    private let allocator = ByteBufferAllocator()
    /// The socket path this connection was opened on, for messages.
    public let path: String

    /// Connects to the daemon at `path`.
    /// - Parameter timeout: seconds a read or write may block before it fails with `.timedOut`.
    /// - Throws: ``ClientError`` `.cannotConnect`.
    public init(path: String, timeout: Double? = nil) throws(ClientError) {
        self.path = path
        self.socket = try UnixSocket(path: path, timeout: timeout)
        // Responses are bounded by the server's own limits; the client accepts up to 1 GiB.
        self.parser = FrameParser(maxBodyBytes: 1 << 30)
        self.inbound = allocator.buffer(capacity: 64 * 1024)
        self.outbound = allocator.buffer(capacity: 16 * 1024)
    }

    /// Number of requests sent and not yet answered.
    public var pendingCount: Int { outstanding.count - outstandingHead }

    /// Queues `request` for sending and returns its request id. Call ``flush()`` (or
    /// ``receive()``, which flushes) to put it on the wire.
    @discardableResult
    public func send(_ request: Request) -> UInt32 {
        let id = nextRequestID
        nextRequestID = nextRequestID &+ 1
        if nextRequestID == 0 { nextRequestID = 1 }
        outbound.writeRequest(request, requestID: id)
        outstanding.append(id)
        return id
    }

    /// Writes every queued request to the socket.
    public func flush() throws(ClientError) {
        guard outbound.readableBytes > 0 else { return }
        let result: Result<Void, ClientError> = outbound.withUnsafeReadableBytes { bytes in
            do throws(ClientError) {
                try socket.writeAll(bytes)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        outbound.clear()
    }

    /// Flushes, then blocks until the answer to the oldest outstanding request arrives.
    /// - Returns: the response header (opcode, request id) and the decoded response.
    /// - Throws: ``ClientError`` `.connectionClosed` or `.protocolViolation`.
    public func receive() throws(ClientError) -> (header: FrameHeader, response: Response) {
        try flush()
        return try match(try readFrame())
    }

    /// The answer to the oldest outstanding request if it has already been read off the
    /// socket in full, else nil; never blocks. A caller that waits on ``fileDescriptor``
    /// (poll) drains these first: a frame read along with an earlier one leaves nothing on
    /// the socket to wake it.
    public func receiveBuffered() throws(ClientError) -> (header: FrameHeader, response: Response)? {
        guard pendingCount > 0, let frame = try bufferedFrame() else { return nil }
        return try match(frame)
    }

    /// Whether reportd has closed this connection while nothing was outstanding (its idle
    /// timeout, PROTOCOL.md §1.2), so a new request needs a new connection. Never blocks.
    /// False while requests are outstanding or answers are buffered: then a close is an error
    /// that ``receive()`` reports.
    public var closedWhileIdle: Bool {
        pendingCount == 0 && inbound.readableBytes == 0 && outbound.readableBytes == 0 && socket.peerHasClosed()
    }

    /// Seconds a read or write may block (nil: forever); callers that poll use it too.
    public var timeout: Double? { socket.timeout }

    /// The error a caller that polls throws when `timeout` passed with no answer.
    public func timedOutError() -> ClientError { socket.timedOut("no answer from reportd") }

    /// The socket, for callers that poll it alongside other descriptors.
    public var fileDescriptor: Int32 { socket.fileDescriptor }

    /// Pairs a frame with the oldest outstanding request and decodes it.
    private func match(_ frame: Frame) throws(ClientError) -> (header: FrameHeader, response: Response) {
        guard outstandingHead < outstanding.count else {
            throw ClientError(.protocolViolation, "reportd sent a response nobody asked for (request id \(frame.header.requestID))")
        }
        let expected = outstanding[outstandingHead]
        outstandingHead += 1
        if outstandingHead == outstanding.count {
            outstanding.removeAll(keepingCapacity: true)
            outstandingHead = 0
        }
        guard frame.header.requestID == expected else {
            throw ClientError(.protocolViolation, "reportd answered request \(frame.header.requestID), expected \(expected)")
        }
        do {
            return (frame.header, try Response.decode(frame))
        } catch {
            throw ClientError(.protocolViolation, "malformed response from reportd: \(error)")
        }
    }

    /// Sends one request and waits for its answer.
    public func call(_ request: Request) throws(ClientError) -> Response {
        send(request)
        return try receive().response
    }

    /// Closes the connection.
    public func close() {
        socket.closeNow()
    }

    private func readFrame() throws(ClientError) -> Frame {
        while true {
            if let frame = try bufferedFrame() { return frame }
            try fill()
        }
    }

    /// The next whole frame already in `inbound`, or nil when more bytes are needed.
    private func bufferedFrame() throws(ClientError) -> Frame? {
        let event: FrameParser.Event?
        do {
            event = try parser.next(&inbound)
        } catch {
            throw ClientError(.protocolViolation, "reportd sent an unreadable frame: \(error)")
        }
        switch event {
        case .frame(let frame)?:
            return frame
        case .oversized(let header)?, .unsupportedVersion(let header)?:
            throw ClientError(.protocolViolation, "reportd sent an unusable frame header: \(header)")
        case nil:
            return nil
        }
    }

    private func fill() throws(ClientError) {
        inbound.discardReadBytes()
        inbound.reserveCapacity(minimumWritableBytes: 64 * 1024)
        let result: Result<Int, ClientError> = inbound.withUnsafeMutableWritableBytes { bytes in
            do throws(ClientError) {
                return .success(try socket.read(into: bytes))
            } catch {
                return .failure(error)
            }
        }
        let unanswered = "\(pendingCount) request\(pendingCount == 1 ? "" : "s") unanswered"
        let n: Int
        do {
            n = try result.get()
        } catch where error.code == .connectionClosed {
            throw ClientError(.connectionClosed, "\(error.message) (\(unanswered))")
        }
        if n == 0 {
            throw ClientError(.connectionClosed, "reportd closed the connection (\(unanswered))")
        }
        inbound.moveWriterIndex(forwardBy: n)
    }
}
