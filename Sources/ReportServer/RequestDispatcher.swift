// RequestDispatcher: turns one decoded request frame into one response frame, calling
// the store. It is the only place that maps store outcomes to protocol statuses
// (PROTOCOL.md §4, §6). Stateless apart from shared, thread-safe references, so every
// event loop uses it concurrently.
import NIOCore
import ReportProtocol
import ReportStore

/// Answers requests against the current store.
struct RequestDispatcher: Sendable {
    let stores: StoreBox
    let configuration: ServerConfiguration
    let statistics: ServerStatistics
    let startedAt: ContinuousClock.Instant
    let serverName: String

    /// Writes the response to `frame` into `out`.
    func respond(to frame: Frame, into out: inout ByteBuffer) {
        let response: Response
        do {
            let request = try Request.decode(frame, maxBatchItems: Int(configuration.maxBatchItems))
            response = answer(request)
        } catch {
            response = .failure(error.status, error.message)
        }
        if case .failure(let status, _) = response, status != .notFound {
            statistics.bump(statistics.errors)
        }
        statistics.bump(statistics.requests)
        let start = out.writerIndex
        let written = out.writeResponse(response, to: frame.header.opcode, requestID: frame.header.requestID)
        // PROTOCOL.md §7: no answer body exceeds maxFrameBytes; a too-big MGET or SEARCH
        // answer is replaced by TOO_MANY_ITEMS so the client can ask for less.
        if written - FrameHeader.size > Int(configuration.maxFrameBytes) {
            out.moveWriterIndex(to: start)
            statistics.bump(statistics.errors)
            out.writeResponse(
                .failure(.tooManyItems, "answer of \(written - FrameHeader.size) bytes exceeds maxFrameBytes \(configuration.maxFrameBytes); ask for fewer items"),
                to: frame.header.opcode,
                requestID: frame.header.requestID
            )
        }
    }

    /// Writes the answer to a frame whose header could be read but whose body was skipped.
    func respondToSkipped(_ header: FrameHeader, status: Status, into out: inout ByteBuffer) {
        let message: String
        switch status {
        case .frameTooLarge:
            message = "frame body of \(header.bodyLength) bytes exceeds the limit of \(configuration.maxFrameBytes)"
        case .unsupportedVersion:
            message = "protocol version \(header.version) is not supported; this server speaks version \(FrameHeader.currentVersion)"
        default:
            message = "request rejected"
        }
        statistics.bump(statistics.requests)
        statistics.bump(statistics.errors)
        out.writeResponse(.failure(status, message), to: header.opcode, requestID: header.requestID)
    }

    private func answer(_ request: Request) -> Response {
        let store = stores.current
        switch request {
        case .hello:
            return .hello(
                HelloResponse(
                    serverVersion: UInt16(FrameHeader.currentVersion),
                    maxFrameBytes: configuration.maxFrameBytes,
                    maxBatchItems: configuration.maxBatchItems,
                    maxReportBytes: UInt32(clamping: configuration.maxReportBytes),
                    serverName: serverName
                )
            )
        case .ping(let payload):
            return .pong(payload)
        case .get(let id, let raw):
            do {
                let item = try item(for: id, raw: raw, in: store)
                if case .missing = item {
                    return .failure(.notFound, "report \(id) not found")
                }
                return .report(item)
            } catch {
                return .failure(.dataCorrupt, error.description)
            }
        case .mget(let ids, let raw):
            var items: [ReportItem] = []
            items.reserveCapacity(ids.count)
            for id in ids {
                do {
                    items.append(try item(for: id, raw: raw, in: store))
                } catch {
                    return .failure(.dataCorrupt, error.description)
                }
            }
            return .reports(items)
        case .stats:
            return .stats(statisticsEntries(store))
        case .dictionary:
            var bytes = ByteBuffer()
            bytes.writeBytes(store.dictionary)
            return .dictionary(DictionaryResponse(dictionaryID: store.dictionaryID, bytes: bytes))
        case .search, .count:
            return .failure(.unknownOpcode, "\(request.opcode) is reserved and not served by this build")
        case .put, .delete, .snapshot, .reload, .shutdown:
            return .failure(.unknownOpcode, "\(request.opcode) is reserved and not served by this build")
        }
    }

    private func item(for id: String, raw: Bool, in store: ReportStore) throws(StoreError) -> ReportItem {
        // An id that fails validation cannot name a stored report: report it as missing.
        guard let reportID = ReportID(id) else { return .missing }
        if raw {
            guard let compressed = store.compressedText(for: reportID) else { return .missing }
            var bytes = ByteBuffer()
            bytes.writeBytes(compressed.bytes)
            return .deflate(dictionaryID: store.dictionaryID, textLength: UInt32(compressed.textLength), bytes: bytes)
        }
        guard let text = try store.text(for: reportID) else { return .missing }
        var bytes = ByteBuffer()
        bytes.writeBytes(text)
        return .plain(bytes)
    }

    private func statisticsEntries(_ store: ReportStore) -> [StatsEntry] {
        let s = store.statistics
        let uptime = ContinuousClock.now - startedAt
        func entry(_ key: String, _ value: some BinaryInteger) -> StatsEntry {
            StatsEntry(key: key, value: UInt64(clamping: value))
        }
        return [
            entry("reports", s.reportCount),
            entry("raw_bytes", s.rawBytes),
            entry("compressed_bytes", s.compressedBytes),
            entry("dictionary_bytes", s.dictionaryBytes),
            entry("garbage_bytes", s.garbageBytes),
            entry("rss_bytes", ProcessMemory.residentBytes()),
            entry("uptime_seconds", uptime.components.seconds),
            entry("connections_open", statistics.openConnections.load(ordering: .relaxed)),
            entry("connections_accepted", statistics.acceptedConnections.load(ordering: .relaxed)),
            entry("connections_refused", statistics.refusedConnections.load(ordering: .relaxed)),
            entry("connections_dropped", statistics.droppedConnections.load(ordering: .relaxed)),
            entry("requests", statistics.requests.load(ordering: .relaxed)),
            entry("request_errors", statistics.errors.load(ordering: .relaxed)),
            entry("limit_max_connections", configuration.maxConnections),
            entry("limit_max_frame_bytes", configuration.maxFrameBytes),
            entry("limit_max_batch_items", configuration.maxBatchItems),
            entry("limit_max_queued_responses", configuration.maxQueuedResponses),
            entry("limit_idle_timeout_ms", Int((configuration.idleTimeoutSeconds ?? 0) * 1000)),
        ]
    }
}
