// RequestDispatcher: turns one decoded request frame into one response frame, calling
// the store. It is the only place that maps store outcomes to protocol statuses
// (PROTOCOL.md §4, §6). Stateless apart from shared, thread-safe references, so every
// event loop uses it concurrently.
import Logging
import NIOCore
import NIOPosix
import ReportEngine
import ReportProtocol
import ServiceSupport

/// Answers requests against the current store.
struct RequestDispatcher: Sendable {
    let corpus: ServedCorpus
    let configuration: ServerConfiguration
    let statistics: ServerStatistics
    let startedAt: ContinuousClock.Instant
    let serverName: String
    /// Who may run privileged requests; read per request, so a reload's change applies at once.
    let access: WriteAccess
    let actions: (any AdministrativeActions)?
    let logger: Logger
    /// Runs SEARCH, COUNT, MGET and PUT compression off the event loops (a bounded pool).
    let workers: NIOThreadPool
    /// The door to `workers` for SEARCH, COUNT and MGET: peers' uids take turns.
    let reads: FairWorkQueue
    /// Answers queued for all connections (`max-queued-bytes-total`).
    let outputBudget: OutputBudget

    /// Answers `frame`: writes the response into `out` and returns nil, or — for requests run
    /// elsewhere (``RequestClass/pooled`` reads on the worker pool, writes, admin requests) —
    /// writes nothing and returns the future answer's bytes, completed on `eventLoop`.
    func respond(
        to frame: Frame,
        peer: ConnectionPeer,
        writes: WriteSequencer? = nil,
        on eventLoop: any EventLoop,
        into out: inout ByteBuffer
    ) -> EventLoopFuture<ByteBuffer>? {
        if RequestClass(frame.header.opcode) == .pooled {
            return reads.submit(uid: peer.credentials?.uid ?? UInt32.max, on: eventLoop) {
                var answer = ByteBufferAllocator().buffer(capacity: 1024)
                self.answerRead(frame, into: &answer)
                return answer
            }.flatMapErrorThrowing { _ in
                var answer = ByteBufferAllocator().buffer(capacity: 128)
                self.write(.failure(.shuttingDown, "reportd is stopping"), for: frame.header, into: &answer)
                return answer
            }
        }
        guard frame.header.opcode.isPrivileged else {
            answerRead(frame, into: &out)
            return nil
        }
        let response: Response
        do {
            let request = try Request.decode(frame, maxBatchItems: Int(configuration.maxBatchItems))
            if let denial = deny(request.opcode, peer: peer) {
                response = denial
            } else {
                let header = frame.header
                return answerPrivileged(request, writes: writes, on: eventLoop).map { response in
                    var answer = ByteBufferAllocator().buffer(capacity: 128)
                    self.write(response, for: header, into: &answer)
                    return answer
                }
            }
        } catch {
            response = .failure(error.status, error.message)
        }
        write(response, for: frame.header, into: &out)
        return nil
    }

    /// Answers a request that changes nothing (or a malformed one), on the calling thread.
    private func answerRead(_ frame: Frame, into out: inout ByteBuffer) {
        let response: Response
        do {
            let request = try Request.decode(frame, maxBatchItems: Int(configuration.maxBatchItems))
            switch request {
            case .get(let id, let raw):
                writeReports([id], raw: raw, single: true, for: frame.header, into: &out)
                return
            case .mget(let ids, let raw):
                writeReports(ids, raw: raw, single: false, for: frame.header, into: &out)
                return
            default:
                response = answer(request)
            }
        } catch {
            response = .failure(error.status, error.message)
        }
        write(response, for: frame.header, into: &out)
    }

    /// Writes `response` as the answer to the request with `header`.
    func write(_ response: Response, for header: FrameHeader, into out: inout ByteBuffer) {
        if case .failure(let status, _) = response, status != .notFound {
            statistics.bump(statistics.errors)
        }
        statistics.bump(statistics.requests)
        let frame = (opcode: header.opcode, requestID: header.requestID)
        let start = out.writerIndex
        let written = out.writeResponse(response, to: frame.opcode, requestID: frame.requestID)
        // PROTOCOL.md §7: no answer body exceeds maxFrameBytes; a too-big MGET or SEARCH
        // answer is replaced by TOO_MANY_ITEMS so the client can ask for less.
        if written - FrameHeader.size > Int(configuration.maxFrameBytes) {
            out.moveWriterIndex(to: start)
            statistics.bump(statistics.errors)
            out.writeResponse(
                .failure(.tooManyItems, "answer of \(written - FrameHeader.size) bytes exceeds maxFrameBytes \(configuration.maxFrameBytes); ask for fewer items"),
                to: frame.opcode,
                requestID: frame.requestID
            )
        }
    }

    /// Hot path for GET and MGET (PROTOCOL.md §5.3, §5.4): items are written straight into
    /// `out` from the inflated text or the stored unit, without an intermediate Response.
    /// A missing GET id, damaged data or an oversized answer rewinds and writes an error.
    private func writeReports(_ ids: [String], raw: Bool, single: Bool, for header: FrameHeader, into out: inout ByteBuffer) {
        // One version for the whole answer: every item is of the same instant, and no lock is
        // taken per item.
        let reader = corpus.reader()
        let currentDictionary = raw ? reader.dictionaryID : 0
        // RAW: the stored unit as it is — unless it was made with a dictionary the store has just
        // replaced (clients hold only the current one, from DICTIONARY): then as text.
        func sendsUnit(_ unit: CorpusReader.Unit) -> Bool { raw && unit.dictionaryID == currentDictionary }
        // First every id is looked up once and the answer's exact size added up, so an answer
        // over maxFrameBytes is refused before anything is inflated, and the buffer grows once.
        var units: [CorpusReader.Unit?] = []
        units.reserveCapacity(ids.count)
        var bodyBytes = 2 + (single ? 0 : 4)  // u16 status, u32 item count (MGET)
        for id in ids {
            // An id that fails validation cannot name a stored report: it is missing.
            let unit = reader.unit(of: id)
            if single, unit == nil {
                write(.failure(.notFound, "report \(id) not found"), for: header, into: &out)
                return
            }
            units.append(unit)
            bodyBytes += unit.map { sendsUnit($0) ? 13 + $0.compressedLength : 5 + $0.textLength } ?? 1
        }
        if bodyBytes > Int(configuration.maxFrameBytes) {
            write(.failure(.tooManyItems, "answer exceeds maxFrameBytes \(configuration.maxFrameBytes); ask for fewer ids"), for: header, into: &out)
            return
        }
        out.reserveCapacity(minimumWritableBytes: FrameHeader.size + bodyBytes + CorpusReader.inflateSlack)
        let start = out.writerIndex
        let lengthIndex = out.writeResponseHeader(opcode: header.opcode, requestID: header.requestID)
        out.writeStatus(.ok)
        if !single { out.writeInteger(UInt32(ids.count), endianness: .big) }
        for unit in units {
            guard let unit else {
                out.writeReportItemMissing()
                continue
            }
            if sendsUnit(unit) {
                _ = unit.withCompressedBytes {
                    out.writeReportItemDeflate(dictionaryID: unit.dictionaryID, textLength: UInt32(unit.textLength), bytes: $0)
                }
                continue
            }
            do {
                // Inflated straight into the answer: no copy of the text on the way.
                try out.writeReportItemPlain(length: unit.textLength, slack: CorpusReader.inflateSlack) { try unit.inflate(into: $0) }
            } catch {
                out.moveWriterIndex(to: start)
                write(.failure(.dataCorrupt, "\(error)"), for: header, into: &out)
                return
            }
        }
        out.patchBodyLength(at: lengthIndex)
        statistics.bump(statistics.requests)
    }

    /// PERMISSION_DENIED unless the peer may run privileged requests (PROTOCOL.md §10).
    private func deny(_ opcode: Opcode, peer: ConnectionPeer) -> Response? {
        if let credentials = peer.credentials, access.permitsWrites(credentials) { return nil }
        logger.warning("permission denied: \(opcode) from \(peer.description)")
        return .failure(.permissionDenied, "\(opcode) is not allowed for \(peer.description); see write-users/write-groups in reportd.conf")
    }

    /// Starts a privileged request. One path for all of them: CPU work (compressing a PUT) runs
    /// on `workers`; commits go through the connection's `WriteSequencer`; the engine's completion
    /// callbacks and the async admin calls (snapshot, reload) complete a promise of `eventLoop`.
    private func answerPrivileged(
        _ request: Request, writes: WriteSequencer?, on eventLoop: any EventLoop
    ) -> EventLoopFuture<Response> {
        let corpus = self.corpus
        let logger = self.logger
        let promise = eventLoop.makePromise(of: Response.self)
        switch request {
        case .put(let id, let text):
            // Compressed on a worker, committed in this connection's order, answered once the write
            // is as durable as --appendfsync promises; pipelined PUTs compress on the pool while
            // earlier ones commit, and share fsyncs (group commit).
            let bytes = Array(text.readableBytesView)
            let prepared = workers.runIfActive(eventLoop: eventLoop) { corpus.prepareWrite(id: id, text: bytes) }
            let commit: @Sendable () -> EventLoopFuture<Void> = {
                prepared.map { result in
                    switch result {
                    case .success(let write):
                        corpus.commit(write) { promise.succeed(Self.response(to: $0.map { true })) }
                    case .failure(let error):
                        promise.succeed(Self.response(to: .failure(error)))
                    }
                }.recover { _ in promise.succeed(.failure(.shuttingDown, "reportd is stopping")) }
            }
            if let writes { writes.enqueue(commit) } else { _ = commit() }
        case .delete(let id):
            let delete: @Sendable () -> EventLoopFuture<Void> = {
                corpus.delete(id: id) { result in
                    if case .success(false) = result {
                        promise.succeed(.failure(.notFound, "report \(id) not found"))
                    } else {
                        promise.succeed(Self.response(to: result))
                    }
                }
                return eventLoop.makeSucceededVoidFuture()
            }
            if let writes { writes.enqueue(delete) } else { _ = delete() }
        case .snapshot:
            promise.completeWithTask {
                do throws(EngineError) {
                    let summary = try await corpus.snapshotInBackground()
                    logger.notice("\(summary) (requested over the socket)")
                    return .done
                } catch {
                    logger.error("\(error)")
                    return .failure(error.code == .noDataDirectory ? .badRequest : .internalError, error.message)
                }
            }
        case .reload:
            guard let actions else { return Self.notServed(request, promise) }
            promise.completeWithTask {
                do {
                    let summary = try await actions.reload()
                    logger.notice("reload requested over the socket: \(summary)")
                    return .done
                } catch {
                    return .failure(.internalError, "reload failed, still serving the previous corpus: \(error)")
                }
            }
        case .shutdown:
            guard let actions else { return Self.notServed(request, promise) }
            // Answer first; the stop begins once the answer is on its way.
            promise.succeed(.done)
            promise.futureResult.whenComplete { _ in actions.shutdown() }
        default:
            return Self.notServed(request, promise)
        }
        return promise.futureResult
    }

    /// Completes `promise` with UNKNOWN_OPCODE: this reportd has no actions for `request`.
    private static func notServed(_ request: Request, _ promise: EventLoopPromise<Response>) -> EventLoopFuture<Response> {
        promise.succeed(.failure(.unknownOpcode, "\(request.opcode) is not served by this reportd"))
        return promise.futureResult
    }

    /// OK for a done write; BAD_REQUEST for a report the store refuses; INTERNAL_ERROR when the
    /// write could not be made durable.
    private static func response(to result: Result<Bool, EngineError>) -> Response {
        switch result {
        case .success: return .done
        case .failure(let error) where error.code == .invalidReport: return .failure(.badRequest, error.message)
        case .failure(let error): return .failure(.internalError, error.message)
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
        // One version for the whole answer (a search's ranking and its texts, a STATS table).
        let store = corpus.reader()
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
        case .get, .mget:
            // Answered by writeReports(); this arm is not reached.
            return .failure(.internalError, "\(request.opcode) was not dispatched")
        case .stats:
            return .stats(statisticsEntries(store))
        case .dictionary:
            var bytes = ByteBuffer()
            bytes.writeBytes(store.dictionary)
            return .dictionary(DictionaryResponse(dictionaryID: store.dictionaryID, bytes: bytes))
        case .search(let search):
            return answerSearch(search, in: store)
        case .count(let query, let fold):
            do throws(EngineError) {
                return .count(UInt32(clamping: try store.count(query, fold: fold)))
            } catch {
                return Self.failure(reading: error)
            }
        case .put, .delete, .snapshot, .reload, .shutdown:
            // Privileged requests are answered in respond(); this arm is not reached.
            return .failure(.internalError, "\(request.opcode) was not dispatched")
        }
    }

    private func answerSearch(_ request: SearchRequest, in store: CorpusReader) -> Response {
        // PROTOCOL.md §7: a page larger than maxBatchItems is clamped, not refused.
        let limit = Int(min(request.limit, configuration.maxBatchItems))
        do throws(EngineError) {
            let page = try store.search(
                request.query, limit: limit, offset: Int(request.offset), fold: request.fold, withTexts: !request.idsOnly,
                allWords: request.allWords, suggest: request.details)
            let hits = page.hits.map { hit in
                SearchHit(
                    id: hit.id.rawValue, title: hit.title, score: hit.score, snippet: hit.snippet.text,
                    matches: hit.snippet.matches.map { UInt32($0.lowerBound)..<UInt32($0.upperBound) })
            }
            let details = request.details
                ? SearchDetails(
                    queryWords: UInt16(clamping: page.queryWords), matchedWords: page.hits.map { UInt16(clamping: $0.matchedWords) },
                    suggestions: page.suggestions.map { ($0.word, $0.suggestion) })
                : nil
            return .search(SearchResponse(totalHits: UInt32(clamping: page.total), hits: hits, details: details))
        } catch {
            return Self.failure(reading: error)
        }
    }

    /// BAD_QUERY for a query the engine refuses, DATA_CORRUPT for damaged data.
    private static func failure(reading error: EngineError) -> Response {
        switch error.code {
        case .badQuery: .failure(.badQuery, error.message)
        case .noSearchIndex: .failure(.badRequest, error.message)
        default: .failure(.dataCorrupt, error.message)
        }
    }

    private func statisticsEntries(_ store: CorpusReader) -> [StatsEntry] {
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
            entry("dictionaries", s.dictionaries),
            entry("garbage_bytes", s.garbageBytes),
            entry("index_bytes", s.indexBytes),
            entry("index_terms", s.indexTerms),
            entry("index_segments", s.indexSegments),
            entry("index_pending_docs", s.indexPendingDocs),
            entry("rss_bytes", ProcessMemory.residentBytes()),
            entry("uptime_seconds", uptime.components.seconds),
            entry("connections_open", statistics.openConnections.load(ordering: .relaxed)),
            entry("connections_accepted", statistics.acceptedConnections.load(ordering: .relaxed)),
            entry("connections_refused", statistics.refusedConnections.load(ordering: .relaxed)),
            entry("connections_dropped", statistics.droppedConnections.load(ordering: .relaxed)),
            entry("requests", statistics.requests.load(ordering: .relaxed)),
            entry("request_errors", statistics.errors.load(ordering: .relaxed)),
            entry("limit_max_connections", configuration.maxConnections),
            entry("limit_reserved_connections", configuration.maxConnections - configuration.unprivilegedConnections),
            entry("limit_max_frame_bytes", configuration.maxFrameBytes),
            entry("limit_max_batch_items", configuration.maxBatchItems),
            entry("limit_max_queued_responses", configuration.maxQueuedResponses),
            entry("limit_max_queued_bytes", configuration.maxQueuedBytes),
            entry("limit_max_queued_bytes_total", configuration.maxQueuedBytesTotal),
            entry("queued_bytes", outputBudget.total),
            entry("limit_idle_timeout_ms", Int((configuration.idleTimeoutSeconds ?? 0) * 1000)),
        ] + persistenceEntries()
    }

    /// The data directory's state, when reportd has one (`persistent` = 0 otherwise).
    private func persistenceEntries() -> [StatsEntry] {
        guard let p = corpus.persistenceStatistics else { return [StatsEntry(key: "persistent", value: 0)] }
        let policy: UInt64 = switch p.appendfsync {
        case .always: 2
        case .everysec: 1
        case .no: 0
        }
        return [
            StatsEntry(key: "persistent", value: 1),
            StatsEntry(key: "snapshot_generation", value: p.snapshotGeneration),
            StatsEntry(key: "log_bytes", value: p.logBytes),
            StatsEntry(key: "appendfsync", value: policy),
            StatsEntry(key: "writes_stopped", value: p.writesStopped ? 1 : 0),
            StatsEntry(key: "write_failures", value: UInt64(p.writeFailures)),
        ]
    }
}
