// RequestCodecTests: Request encode/decode round trips and the BAD_REQUEST family of hostile
// bodies (PROTOCOL.md §2, §5, §6).

import NIOCore
import ReportProtocol
import Testing

/// A request frame with a hand-written body.
func requestFrame(_ opcode: Opcode, flags: FrameFlags = [], body: [UInt8]) -> Frame {
    Frame(
        header: FrameHeader(opcode: opcode, flags: flags, requestID: 1, bodyLength: UInt32(body.count)),
        body: ByteBuffer(bytes: body))
}

func decodeError(_ frame: Frame, maxBatchItems: Int = 1000) -> ProtocolError? {
    do {
        _ = try Request.decode(frame, maxBatchItems: maxBatchItems)
        return nil
    } catch {
        return error
    }
}

@Suite("Request codec")
struct RequestCodecTests {
    static let all: [Request] = [
        .hello(clientVersion: 1, clientName: "t"), .ping(ByteBuffer()), .ping(ByteBuffer(bytes: [0, 0xD5, 0xFF])),
        .get(id: "a", raw: false), .get(id: "ü", raw: true), .mget(ids: [], raw: false),
        .mget(ids: ["1", "", "3"], raw: true), .stats, .dictionary,
        .search(SearchRequest(query: "q", limit: .max, offset: 7, fold: true)), .count(query: "", fold: false),
        .search(SearchRequest(query: "a b", allWords: true)), .search(SearchRequest(query: "a b", idsOnly: true, details: true)),
        .put(id: "x", text: ByteBuffer(string: "Tiêu đề\nthân")), .delete(id: "x"), .snapshot, .reload, .shutdown,
    ]

    @Test("every request kind survives encode, parse and decode", arguments: RequestCodecTests.all)
    func roundTrip(_ request: Request) throws {
        var bytes = ByteBuffer()
        bytes.writeRequest(request, requestID: 0xDEAD_BEEF)
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        guard case .frame(let frame) = try parser.next(&bytes) else {
            Issue.record("no frame")
            return
        }
        #expect(frame.header.opcode == request.opcode)
        #expect(!frame.header.isResponse)
        #expect(frame.header.requestID == 0xDEAD_BEEF)
        #expect(try Request.decode(frame, maxBatchItems: 10) == request)
    }

    @Test("an unknown opcode is UNKNOWN_OPCODE, for every byte outside the table")
    func unknownOpcodes() {
        for byte in UInt8.min...UInt8.max where !Opcode(rawValue: byte).isKnown {
            let error = decodeError(requestFrame(Opcode(rawValue: byte), body: []))
            #expect(error?.code == .unknownOpcode && error?.status == .unknownOpcode, "opcode \(byte)")
        }
    }

    @Test("a str length past the end of the body is BAD_REQUEST")
    func strPastEnd() {
        let error = decodeError(requestFrame(.get, body: [0x00, 0x05, 0x41, 0x42]))
        #expect(error?.code == .malformedBody)
        #expect(error?.status == .badRequest)
        #expect(error?.offset == 0)
        #expect(error?.opcode == .get)
    }

    @Test("a body too short for its str length field is BAD_REQUEST")
    func strLengthCutShort() {
        #expect(decodeError(requestFrame(.delete, body: [0x00]))?.code == .malformedBody)
        #expect(decodeError(requestFrame(.search, body: [0, 0, 0, 1, 0, 0]))?.code == .malformedBody)
    }

    @Test("trailing bytes after the last field are BAD_REQUEST, also on empty-bodied commands")
    func trailingBytes() {
        #expect(decodeError(requestFrame(.get, body: [0x00, 0x01, 0x41, 0x00]))?.code == .malformedBody)
        for opcode in [Opcode.stats, .dictionary, .snapshot, .reload, .shutdown] {
            #expect(decodeError(requestFrame(opcode, body: [0x00]))?.code == .malformedBody, "\(opcode)")
        }
    }

    @Test("MGET with count above maxBatchItems is TOO_MANY_ITEMS before anything is read")
    func mgetOverLimit() {
        let error = decodeError(requestFrame(.mget, body: [0, 0, 0, 11]), maxBatchItems: 10)
        #expect(error?.code == .tooManyItems)
        #expect(error?.status == .tooManyItems)
    }

    @Test("MGET count larger than the body could hold is BAD_REQUEST, not a huge allocation")
    func mgetCountBeyondBytes() {
        // 0xFFFFFFFF ids would need 8 GiB of length fields; the body has 4 bytes after the count.
        let error = decodeError(
            requestFrame(.mget, body: [0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0x41, 0]), maxBatchItems: .max)
        #expect(error?.code == .malformedBody)
        // count 3 with room for exactly two empty ids
        #expect(decodeError(requestFrame(.mget, body: [0, 0, 0, 3, 0, 0, 0, 0]))?.code == .malformedBody)
    }

    @Test("a request with the RESPONSE flag is BAD_REQUEST")
    func responseFlagOnRequest() {
        #expect(decodeError(requestFrame(.stats, flags: .response, body: []))?.status == .badRequest)
    }

    @Test("invalid UTF-8 in a str is BAD_REQUEST")
    func invalidUTF8() {
        #expect(decodeError(requestFrame(.get, body: [0x00, 0x02, 0xC3, 0x28]))?.code == .malformedBody)
        #expect(decodeError(requestFrame(.count, body: [0x00, 0x01, 0xFF]))?.code == .malformedBody)
    }

    @Test("reserved flag bits are ignored, and RAW is read only where it means something")
    func reservedFlagsIgnored() throws {
        let flags = FrameFlags(rawValue: 0x7F)
        #expect(
            try Request.decode(requestFrame(.get, flags: flags, body: [0, 1, 0x41]), maxBatchItems: 1)
                == .get(id: "A", raw: true))
        #expect(try Request.decode(requestFrame(.stats, flags: flags, body: []), maxBatchItems: 1) == .stats)
    }

    @Test("a frame with a version other than 1 is UNSUPPORTED_VERSION when decoded directly")
    func versionChecked() {
        var frame = requestFrame(.stats, body: [])
        frame.header.version = 3
        #expect(decodeError(frame)?.status == .unsupportedVersion)
    }

    @Test("validate refuses a str over 65,535 bytes; the writer cuts it at a scalar boundary")
    func longStrings() throws {
        let long = String(repeating: "ế", count: 30_000)  // 3 bytes each: 90,000 bytes
        #expect(throws: ProtocolError.self) { try Request.get(id: long, raw: false).validate() }
        try Request.get(id: "ok", raw: false).validate()
        var bytes = ByteBuffer()
        bytes.writeRequest(.get(id: long, raw: false), requestID: 1)
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        guard case .frame(let frame) = try parser.next(&bytes) else {
            Issue.record("no frame")
            return
        }
        guard case .get(let id, _) = try Request.decode(frame, maxBatchItems: 1) else {
            Issue.record("not a GET")
            return
        }
        #expect(id.utf8.count == 65_535 - 65_535 % 3)
        #expect(id == String(repeating: "ế", count: 65_535 / 3))
    }

    @Test("RequestEncoder writes the same bytes as writeRequest")
    func requestEncoder() throws {
        var viaEncoder = ByteBuffer()
        try RequestEncoder().encode(
            data: RequestFrame(requestID: 4, request: .count(query: "a", fold: true)), out: &viaEncoder)
        #expect(viaEncoder == requestBytes(.count(query: "a", fold: true), id: 4))
    }
}
