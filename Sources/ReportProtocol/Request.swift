// Request: a decoded client command (PROTOCOL.md §5), one case per version-1 opcode.
//
// `decode` turns a Frame into a Request or throws a ProtocolError whose `status` is the answer
// the server sends (UNKNOWN_OPCODE, BAD_REQUEST, TOO_MANY_ITEMS, UNSUPPORTED_VERSION). Every
// count is checked against the bytes that remain before an array is reserved, and a body with
// bytes left over is BAD_REQUEST. Value type; thread-safe. Encoding: ByteBuffer+Request.swift.

import NIOCore

/// A client command (PROTOCOL.md §5).
public enum Request: Sendable, Hashable {
    /// HELLO (§5.1): the client's version and name.
    case hello(clientVersion: UInt16, clientName: String)
    /// PING (§5.2): any bytes, echoed back.
    case ping(ByteBuffer)
    /// GET (§5.3): one report; `raw` is flag 0x01 (stored deflate bytes, no inflate).
    case get(id: String, raw: Bool)
    /// MGET (§5.4): many reports, answered in request order.
    case mget(ids: [String], raw: Bool)
    /// STATS (§5.5).
    case stats
    /// DICTIONARY (§5.6).
    case dictionary
    /// SEARCH (§5.7).
    case search(SearchRequest)
    /// COUNT (§5.8): number of matches; `fold` is flag 0x01.
    case count(query: String, fold: Bool)
    /// PUT (§5.9): add or replace a report.
    case put(id: String, text: ByteBuffer)
    /// DEL (§5.10): delete a report.
    case delete(id: String)
    /// SNAPSHOT (§5.11).
    case snapshot
    /// RELOAD (§5.12).
    case reload
    /// SHUTDOWN (§5.13).
    case shutdown

    /// The opcode this request travels under.
    public var opcode: Opcode {
        switch self {
        case .hello: .hello
        case .ping: .ping
        case .get: .get
        case .mget: .mget
        case .stats: .stats
        case .dictionary: .dictionary
        case .search: .search
        case .count: .count
        case .put: .put
        case .delete: .delete
        case .snapshot: .snapshot
        case .reload: .reload
        case .shutdown: .shutdown
        }
    }

    /// The header flags this request is sent with (RAW or FOLD, never RESPONSE).
    public var flags: FrameFlags {
        switch self {
        case .get(_, let raw), .mget(_, let raw): raw ? .raw : []
        case .search(let search):
            (search.fold ? FrameFlags.fold : []).union(search.idsOnly ? .idsOnly : [])
                .union(search.allWords ? .allWords : []).union(search.details ? .details : [])
        case .count(_, let fold): fold ? .fold : []
        default: []
        }
    }

    /// Checks that every `str` field fits in 65,535 UTF-8 bytes, so encoding will not cut it.
    /// - Throws: `.fieldTooLong` naming the field.
    public func validate() throws(ProtocolError) {
        func check(_ string: String, _ field: String) throws(ProtocolError) {
            guard string.utf8.count <= ByteBuffer.maxWireStringBytes else {
                throw ProtocolError(
                    .fieldTooLong, "\(field) is \(string.utf8.count) bytes; the limit is 65535", opcode: opcode)
            }
        }
        switch self {
        case .hello(_, let name): try check(name, "clientName")
        case .get(let id, _), .delete(let id), .put(let id, _): try check(id, "id")
        case .mget(let ids, _): for id in ids { try check(id, "id") }
        case .search(let search): try check(search.query, "query")
        case .count(let query, _): try check(query, "query")
        case .ping, .stats, .dictionary, .snapshot, .reload, .shutdown: break
        }
    }

    /// Decodes a request frame (PROTOCOL.md §5).
    ///
    /// - Parameters:
    ///   - frame: a complete frame from `FrameParser`.
    ///   - maxBatchItems: MGET counts above this are refused with TOO_MANY_ITEMS.
    /// - Throws: a `ProtocolError` whose `status` is the answer to send; the connection stays usable.
    public static func decode(_ frame: Frame, maxBatchItems: Int) throws(ProtocolError) -> Request {
        let opcode = frame.header.opcode
        do {
            return try decodeBody(frame, maxBatchItems: maxBatchItems)
        } catch var error {
            error.opcode = opcode
            throw error
        }
    }

    private static func decodeBody(_ frame: Frame, maxBatchItems: Int) throws(ProtocolError) -> Request {
        let header = frame.header
        guard header.version == FrameHeader.currentVersion else {
            throw ProtocolError(.unsupportedVersion, "protocol version \(header.version) is not supported; use 1")
        }
        // §4.3: a request with RESPONSE set is malformed.
        guard !header.flags.contains(.response) else {
            throw ProtocolError(.malformedBody, "RESPONSE flag (0x80) set on a request")
        }
        let flag01 = header.flags.contains(.raw)  // RAW on GET/MGET, FOLD on SEARCH/COUNT
        var body = frame.body
        let request: Request
        switch header.opcode {
        case .hello:  // §5.1
            let version = try body.readWireInteger(UInt16.self, field: "clientVersion")
            request = .hello(clientVersion: version, clientName: try body.readWireString(field: "clientName"))
        case .ping:  // §5.2: the whole body, possibly empty
            request = .ping(body.readSlice(length: body.readableBytes)!)
        case .get:  // §5.3
            request = .get(id: try body.readWireString(field: "id"), raw: flag01)
        case .mget:  // §5.4
            request = .mget(ids: try readIDs(&body, maxBatchItems: maxBatchItems), raw: flag01)
        case .stats, .dictionary, .snapshot, .reload, .shutdown:  // §5.5, §5.6, §5.11-5.13: empty
            request = emptyBodied(header.opcode)
        case .search:  // §5.7
            let limit = try body.readWireInteger(UInt32.self, field: "limit")
            let offset = try body.readWireInteger(UInt32.self, field: "offset")
            let query = try body.readWireString(field: "query")
            request = .search(
                SearchRequest(
                    query: query, limit: limit, offset: offset, fold: flag01, idsOnly: header.flags.contains(.idsOnly),
                    allWords: header.flags.contains(.allWords), details: header.flags.contains(.details)))
        case .count:  // §5.8
            request = .count(query: try body.readWireString(field: "query"), fold: flag01)
        case .put:  // §5.9
            let id = try body.readWireString(field: "id")
            request = .put(id: id, text: try body.readWireBlob(field: "text"))
        case .delete:  // §5.10
            request = .delete(id: try body.readWireString(field: "id"))
        default:
            throw ProtocolError(.unknownOpcode, "opcode \(header.opcode) is not defined in protocol version 1")
        }
        try body.requireFullyRead()
        return request
    }

    private static func emptyBodied(_ opcode: Opcode) -> Request {
        switch opcode {
        case .stats: .stats
        case .dictionary: .dictionary
        case .snapshot: .snapshot
        case .reload: .reload
        default: .shutdown
        }
    }

    private static func readIDs(_ body: inout ByteBuffer, maxBatchItems: Int) throws(ProtocolError) -> [String] {
        let start = body.readerIndex
        let count = try body.readWireInteger(UInt32.self, field: "count")
        // The limit first: it is the more useful answer, and it bounds the array below.
        guard UInt64(count) <= UInt64(max(maxBatchItems, 0)) else {
            throw ProtocolError(
                .tooManyItems, "MGET count \(count) exceeds maxBatchItems \(maxBatchItems)", offset: start)
        }
        // Each id takes at least its 2-byte length: refuse counts the body cannot hold.
        guard Int(count) <= body.readableBytes / 2 else {
            throw ProtocolError(
                .malformedBody, "MGET count \(count) cannot fit in the \(body.readableBytes) bytes left", offset: start)
        }
        var ids: [String] = []
        ids.reserveCapacity(Int(count))
        for _ in 0..<count {
            ids.append(try body.readWireString(field: "id"))
        }
        return ids
    }
}
