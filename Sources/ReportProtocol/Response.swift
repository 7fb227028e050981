// Response: a decoded server answer (PROTOCOL.md §5), shaped by the opcode it echoes.
//
// Every response body starts with `u16 status`. OK bodies are decoded by the request opcode
// (echoed in the header); any other status is `.failure(status, message)` with `str message`
// (a body that ends right after a non-OK status is accepted with an empty message). Counts are
// bounded by the remaining bytes before arrays are reserved. Value type; thread-safe.
// Encoding: ByteBuffer+Response.swift.

import NIOCore

/// A server answer (PROTOCOL.md §5).
public enum Response: Sendable, Hashable {
    /// HELLO OK (§5.1).
    case hello(HelloResponse)
    /// PING OK (§5.2): the request's bytes, echoed.
    case pong(ByteBuffer)
    /// GET OK (§5.3).
    case report(ReportItem)
    /// MGET OK (§5.4): one item per requested id, in request order.
    case reports([ReportItem])
    /// STATS OK (§5.5).
    case stats([StatsEntry])
    /// DICTIONARY OK (§5.6).
    case dictionary(DictionaryResponse)
    /// SEARCH OK (§5.7).
    case search(SearchResponse)
    /// COUNT OK (§5.8).
    case count(UInt32)
    /// OK with an empty body: PUT, DEL, SNAPSHOT, RELOAD, SHUTDOWN (§5.9-5.13).
    case done
    /// Any status other than OK, with its message (§6).
    case failure(Status, String)

    /// The status on the wire.
    public var status: Status {
        if case .failure(let status, _) = self { return status }
        return .ok
    }

    /// Decodes a response frame, using `frame.header.opcode` to pick the OK body shape.
    /// - Throws: `.malformedBody` for a frame without the RESPONSE flag or a damaged body,
    ///   `.unknownOpcode` for an OK answer to an opcode this build does not know.
    public static func decode(_ frame: Frame) throws(ProtocolError) -> Response {
        do {
            return try decodeBody(frame)
        } catch var error {
            error.opcode = frame.header.opcode
            throw error
        }
    }

    private static func decodeBody(_ frame: Frame) throws(ProtocolError) -> Response {
        guard frame.header.flags.contains(.response) else {
            throw ProtocolError(.malformedBody, "frame without the RESPONSE flag (0x80) where a response was expected")
        }
        var body = frame.body
        let status = Status(rawValue: try body.readWireInteger(UInt16.self, field: "status"))
        let response: Response
        if status != .ok {
            let message = body.readableBytes == 0 ? "" : try body.readWireString(field: "message")
            response = .failure(status, message)
        } else {
            response = try decodeOK(frame.header.opcode, &body)
        }
        try body.requireFullyRead()
        return response
    }

    private static func decodeOK(_ opcode: Opcode, _ body: inout ByteBuffer) throws(ProtocolError) -> Response {
        switch opcode {
        case .hello:  // §5.1
            let version = try body.readWireInteger(UInt16.self, field: "serverVersion")
            let maxFrame = try body.readWireInteger(UInt32.self, field: "maxFrameBytes")
            let maxBatch = try body.readWireInteger(UInt32.self, field: "maxBatchItems")
            let maxReport = try body.readWireInteger(UInt32.self, field: "maxReportBytes")
            let name = try body.readWireString(field: "serverName")
            return .hello(
                HelloResponse(
                    serverVersion: version, maxFrameBytes: maxFrame, maxBatchItems: maxBatch,
                    maxReportBytes: maxReport, serverName: name))
        case .ping:  // §5.2
            return .pong(body.readSlice(length: body.readableBytes)!)
        case .get:  // §5.3
            return .report(try body.readReportItem())
        case .mget:  // §5.4
            let count = try body.readWireCount(
                UInt32.self, field: "count", minimumElementBytes: ReportItem.minimumWireBytes)
            var items: [ReportItem] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try body.readReportItem()) }
            return .reports(items)
        case .stats:  // §5.5
            let count = try body.readWireCount(
                UInt16.self, field: "count", minimumElementBytes: StatsEntry.minimumWireBytes)
            var entries: [StatsEntry] = []
            entries.reserveCapacity(count)
            for _ in 0..<count {
                let key = try body.readWireString(field: "key")
                entries.append(StatsEntry(key: key, value: try body.readWireInteger(UInt64.self, field: "value")))
            }
            return .stats(entries)
        case .dictionary:  // §5.6
            let id = try body.readWireInteger(UInt32.self, field: "dictionaryID")
            return .dictionary(
                DictionaryResponse(dictionaryID: id, bytes: try body.readWireBlob(field: "dictionaryBytes")))
        case .search:  // §5.7
            let total = try body.readWireInteger(UInt32.self, field: "totalHits")
            let count = try body.readWireCount(
                UInt32.self, field: "count", minimumElementBytes: SearchHit.minimumWireBytes)
            var hits: [SearchHit] = []
            hits.reserveCapacity(count)
            for _ in 0..<count { hits.append(try body.readSearchHit()) }
            var details: SearchDetails?
            if body.readableBytes > 0 {
                let queryWords = try body.readWireInteger(UInt16.self, field: "queryWords")
                var matched: [UInt16] = []
                matched.reserveCapacity(count)
                for _ in 0..<count { matched.append(try body.readWireInteger(UInt16.self, field: "matchedWords")) }
                let suggestionCount = try body.readWireCount(UInt16.self, field: "suggestionCount", minimumElementBytes: 4)
                var suggestions: [(word: String, suggestion: String)] = []
                for _ in 0..<suggestionCount {
                    let word = try body.readWireString(field: "suggestion word")
                    suggestions.append((word, try body.readWireString(field: "suggestion")))
                }
                details = SearchDetails(queryWords: queryWords, matchedWords: matched, suggestions: suggestions)
            }
            return .search(SearchResponse(totalHits: total, hits: hits, details: details))
        case .count:  // §5.8
            return .count(try body.readWireInteger(UInt32.self, field: "count"))
        case .put, .delete, .snapshot, .reload, .shutdown:  // §5.9-5.13: empty
            return .done
        default:
            throw ProtocolError(
                .unknownOpcode, "OK answer to opcode \(opcode), which protocol version 1 does not define")
        }
    }
}
