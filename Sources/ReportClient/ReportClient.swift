// ReportClient: the operations of PROTOCOL.md §5 as typed calls, on top of one
// ReportConnection. It performs the HELLO handshake at connect time so it knows the
// server's limits (batch size, frame size) before it sends anything large.
// Not thread-safe: one thread at a time; open one client per thread for parallelism.
import NIOCore
import ReportProtocol

/// A synchronous reportd client.
public final class ReportClient {
    /// The underlying pipelining connection, for callers that batch by hand.
    public let connection: ReportConnection
    /// What the server said about itself in HELLO.
    public let server: HelloResponse

    /// The name this client sends in HELLO.
    public static let clientName = "reportctl"

    /// Connects and performs the HELLO handshake.
    /// - Throws: ``ClientError`` `.cannotConnect`, `.server(.busy)` when every connection slot is
    ///   taken, or `.server(.unsupportedVersion)` on a version mismatch.
    /// - Parameter timeout: seconds to wait for any answer (or to send) before `.timedOut`; nil: forever.
    public init(socketPath: String, clientName: String = ReportClient.clientName, timeout: Double? = nil) throws(ClientError) {
        connection = try ReportConnection(path: socketPath, timeout: timeout)
        let reply: Response
        do {
            reply = try connection.call(.hello(clientVersion: UInt16(FrameHeader.currentVersion), clientName: clientName))
        } catch where error.code == .protocolViolation {
            // The first answer is not a reportd frame: most likely another program's socket.
            let detail = error.message.replacing("reportd sent ", with: "it sent ")
            throw ClientError(
                .protocolViolation, "what answers at \(socketPath) does not speak reportd's protocol (\(detail)); is it reportd's socket?")
        }
        if case .failure(.busy, let message) = reply {
            // PROTOCOL.md §1.3: no connection slot was free; the server closes after this answer.
            connection.close()
            throw ClientError(.server(.busy), "reportd at \(socketPath) is busy: \(message)")
        }
        guard case .hello(let hello) = try Self.expectOK(reply, "HELLO") else {
            throw ClientError(.protocolViolation, "reportd answered HELLO with something else")
        }
        server = hello
    }

    /// The most ids the server accepts in one MGET.
    public var maxBatchItems: Int { Int(server.maxBatchItems) }

    /// Round trip with an optional payload the server echoes.
    public func ping(payload: [UInt8] = []) throws(ClientError) -> [UInt8] {
        var buffer = ByteBuffer()
        buffer.writeBytes(payload)
        guard case .pong(var echoed) = try Self.expectOK(connection.call(.ping(buffer)), "PING") else {
            throw ClientError(.protocolViolation, "reportd answered PING with something else")
        }
        return echoed.readBytes(length: echoed.readableBytes) ?? []
    }

    /// Fetches one report; `.missing` when the id is unknown.
    public func get(_ id: String, raw: Bool = false) throws(ClientError) -> ReportItem {
        let reply = try connection.call(.get(id: id, raw: raw))
        if case .failure(let status, _) = reply, status == .notFound { return .missing }
        guard case .report(let item) = try Self.expectOK(reply, "GET") else {
            throw ClientError(.protocolViolation, "reportd answered GET with something else")
        }
        return item
    }

    /// Fetches many reports in one request; items come back in the order of `ids`.
    public func mget(_ ids: [String], raw: Bool = false) throws(ClientError) -> [ReportItem] {
        guard case .reports(let items) = try Self.expectOK(connection.call(.mget(ids: ids, raw: raw)), "MGET") else {
            throw ClientError(.protocolViolation, "reportd answered MGET with something else")
        }
        guard items.count == ids.count else {
            throw ClientError(.protocolViolation, "reportd answered \(items.count) items for \(ids.count) ids")
        }
        return items
    }

    /// The server's counters.
    public func stats() throws(ClientError) -> [StatsEntry] {
        guard case .stats(let entries) = try Self.expectOK(connection.call(.stats), "STATS") else {
            throw ClientError(.protocolViolation, "reportd answered STATS with something else")
        }
        return entries
    }

    /// The preset dictionary that `raw` items are compressed with.
    public func dictionary() throws(ClientError) -> DictionaryResponse {
        guard case .dictionary(let dictionary) = try Self.expectOK(connection.call(.dictionary), "DICTIONARY") else {
            throw ClientError(.protocolViolation, "reportd answered DICTIONARY with something else")
        }
        return dictionary
    }

    /// Runs a ranked search.
    public func search(_ request: SearchRequest) throws(ClientError) -> SearchResponse {
        guard case .search(let result) = try Self.expectOK(connection.call(.search(request)), "SEARCH") else {
            throw ClientError(.protocolViolation, "reportd answered SEARCH with something else")
        }
        return result
    }

    /// Counts the reports matching `query`.
    public func count(_ query: String, fold: Bool = false) throws(ClientError) -> UInt32 {
        guard case .count(let n) = try Self.expectOK(connection.call(.count(query: query, fold: fold)), "COUNT") else {
            throw ClientError(.protocolViolation, "reportd answered COUNT with something else")
        }
        return n
    }

    /// Adds or replaces report `id` (privileged); returns once reportd acknowledged it, which
    /// with a data directory means the write is as durable as its `appendfsync` promises.
    public func put(id: String, text: [UInt8]) throws(ClientError) {
        var body = ByteBuffer()
        body.writeBytes(text)
        _ = try Self.expectOK(connection.call(.put(id: id, text: body)), "PUT")
    }

    /// Deletes report `id` (privileged); false when there was no such report.
    public func delete(_ id: String) throws(ClientError) -> Bool {
        let reply = try connection.call(.delete(id: id))
        if case .failure(let status, _) = reply, status == .notFound { return false }
        _ = try Self.expectOK(reply, "DEL")
        return true
    }

    /// Asks reportd to write a snapshot now (privileged); returns once it is on disk.
    public func snapshot() throws(ClientError) {
        _ = try Self.expectOK(connection.call(.snapshot), "SNAPSHOT")
    }

    /// Sends `requests` pipelined, keeping at most `window` unanswered, and hands each
    /// response to `handle` in request order. A batch then costs about its bytes on the
    /// wire rather than one round trip per request.
    public func pipeline<S: Sequence>(
        _ requests: S,
        window: Int = 16,
        handle: (Int, Response) throws(ClientError) -> Void
    ) throws(ClientError) where S.Element == Request {
        precondition(window > 0, "pipeline window must be positive")
        var sent = 0
        var answered = 0
        for request in requests {
            connection.send(request)
            sent += 1
            if sent - answered >= window {
                try handle(answered, connection.receive().response)
                answered += 1
            }
        }
        while answered < sent {
            try handle(answered, connection.receive().response)
            answered += 1
        }
    }

    /// Turns a failure status into a thrown ``ClientError``; passes anything else through.
    public static func expectOK(_ response: Response, _ operation: String) throws(ClientError) -> Response {
        if case .failure(let status, let message) = response {
            throw ClientError(.server(status), "\(operation) failed: \(status): \(message)")
        }
        return response
    }
}
