// ResponseCodecTests: Response encode/decode round trips, the server's hot-path writers, and
// damaged response bodies a client must refuse (PROTOCOL.md §4.2, §5, §6).

import NIOCore
import ReportProtocol
import Testing

func responseFrame(_ opcode: Opcode, flags: FrameFlags = .response, body: [UInt8]) -> Frame {
    Frame(
        header: FrameHeader(opcode: opcode, flags: flags, requestID: 1, bodyLength: UInt32(body.count)),
        body: ByteBuffer(bytes: body))
}

func responseError(_ frame: Frame) -> ProtocolError? {
    do {
        _ = try Response.decode(frame)
        return nil
    } catch {
        return error
    }
}

struct ResponseCase: Sendable, CustomTestStringConvertible {
    var opcode: Opcode
    var response: Response
    var testDescription: String { "\(opcode) \(response.status)" }
}

@Suite("Response codec")
struct ResponseCodecTests {
    static let all: [ResponseCase] = [
        ResponseCase(
            opcode: .hello,
            response: .hello(
                HelloResponse(maxFrameBytes: 1, maxBatchItems: 2, maxReportBytes: 3, serverName: "reportd test"))),
        ResponseCase(opcode: .ping, response: .pong(ByteBuffer())),
        ResponseCase(opcode: .ping, response: .pong(ByteBuffer(bytes: [0, 1, 2]))),
        ResponseCase(opcode: .get, response: .report(.plain(ByteBuffer(string: "Đà Nẵng")))),
        ResponseCase(
            opcode: .get,
            response: .report(.deflate(dictionaryID: 9, textLength: 100, bytes: ByteBuffer(bytes: [1, 2, 3])))),
        ResponseCase(opcode: .mget, response: .reports([])),
        ResponseCase(opcode: .mget, response: .reports([.missing, .plain(ByteBuffer()), .missing])),
        ResponseCase(opcode: .stats, response: .stats([StatsEntry(key: "k", value: .max)])),
        ResponseCase(
            opcode: .dictionary, response: .dictionary(DictionaryResponse(dictionaryID: 0, bytes: ByteBuffer()))),
        ResponseCase(
            opcode: .search,
            response: .search(
                SearchResponse(
                    totalHits: 99,
                    hits: [
                        SearchHit(id: "1", title: "T", score: -0.0, snippet: "abc", matches: [0..<1, 3..<3]),
                        SearchHit(id: "2", title: "", score: .infinity, snippet: ""),
                    ]))),
        ResponseCase(
            opcode: .search,
            response: .search(
                SearchResponse(
                    totalHits: 0,
                    hits: [SearchHit(id: "1", title: "", score: 2, snippet: ""), SearchHit(id: "2", title: "", score: 1, snippet: "")],
                    details: SearchDetails(queryWords: 300, matchedWords: [299, 1], suggestions: [("mesi", "messi"), ("thươgn", "thương")])))),
        ResponseCase(
            opcode: .search, response: .search(SearchResponse(totalHits: 0, hits: [], details: SearchDetails(queryWords: 3, matchedWords: [])))),
        ResponseCase(opcode: .count, response: .count(.max)),
        ResponseCase(opcode: .put, response: .done),
        ResponseCase(opcode: .delete, response: .failure(.notFound, "gone")),
        ResponseCase(opcode: Opcode(rawValue: 0x99), response: .failure(Status(rawValue: 0x8001), "extension")),
    ]

    @Test("every response kind survives encode, parse and decode", arguments: ResponseCodecTests.all)
    func roundTrip(_ testCase: ResponseCase) throws {
        var bytes = ByteBuffer()
        bytes.writeResponse(testCase.response, to: testCase.opcode, requestID: 42)
        var parser = FrameParser(maxBodyBytes: 1 << 20)
        guard case .frame(let frame) = try parser.next(&bytes) else {
            Issue.record("no frame")
            return
        }
        #expect(frame.header.isResponse)
        #expect(frame.header.opcode == testCase.opcode && frame.header.requestID == 42)
        #expect(try Response.decode(frame) == testCase.response)
    }

    @Test("hot-path writers produce the same bytes as writeResponse")
    func hotPathMatches() {
        let text: [UInt8] = Array("Hà Nội".utf8)
        var fast = ByteBuffer()
        var index = fast.writeResponseHeader(opcode: .mget, requestID: 3)
        fast.writeStatus(.ok)
        fast.writeInteger(UInt32(3))
        fast.writeReportItemPlain(length: text.count) { $0.copyBytes(from: text) }
        text.withUnsafeBytes { _ = fast.writeReportItemDeflate(dictionaryID: 2, textLength: 8, bytes: $0) }
        fast.writeReportItemMissing()
        fast.patchBodyLength(at: index)
        index = fast.writeResponseHeader(opcode: .get, requestID: 4)
        fast.writeStatus(.ok)
        fast.writeReportItemPlain(length: text.count, slack: 5) { $0.copyBytes(from: text + [9, 9, 9, 9, 9]) }
        fast.patchBodyLength(at: index)

        var slow = ByteBuffer()
        slow.writeResponse(
            .reports([
                .plain(ByteBuffer(bytes: text)),
                .deflate(dictionaryID: 2, textLength: 8, bytes: ByteBuffer(bytes: text)),
                .missing,
            ]), to: .mget, requestID: 3)
        slow.writeResponse(.report(.plain(ByteBuffer(bytes: text))), to: .get, requestID: 4)
        #expect(fast == slow)
    }

    @Test("unknown status values are kept and printed by number")
    func unknownStatus() throws {
        let status = Status(rawValue: 0x0777)
        #expect(status.name == nil)
        #expect(status.description == "0x0777")
        #expect(Status.permissionDenied.description == "PERMISSION_DENIED")
        #expect(try Response.decode(responseFrame(.get, body: [0x07, 0x77, 0, 1, 0x78])) == .failure(status, "x"))
    }

    @Test("a failure body that ends after the status decodes with an empty message")
    func failureWithoutMessage() throws {
        #expect(try Response.decode(responseFrame(.get, body: [0x03, 0x02])) == .failure(.busy, ""))
    }

    @Test("a frame without the RESPONSE flag is refused as a response")
    func missingResponseFlag() {
        #expect(responseError(responseFrame(.count, flags: [], body: [0, 0, 0, 0, 0, 1]))?.code == .malformedBody)
    }

    @Test("an OK answer to an unknown opcode is refused")
    func okForUnknownOpcode() {
        #expect(responseError(responseFrame(Opcode(rawValue: 0x7E), body: [0, 0]))?.code == .unknownOpcode)
    }

    @Test("an unknown item kind is malformed")
    func unknownItemKind() {
        #expect(responseError(responseFrame(.get, body: [0, 0, 3]))?.code == .malformedBody)
    }

    @Test("a match range past the end of its snippet is malformed")
    func matchPastSnippet() {
        var body = ByteBuffer()
        body.writeInteger(UInt16(0))
        body.writeMultipleIntegers(UInt32(1), UInt32(1))
        body.writeSearchHit(SearchHit(id: "1", title: "t", score: 1, snippet: "abc", matches: [2..<4]))
        let error = responseError(responseFrame(.search, body: Array(body.readableBytesView)))
        #expect(error?.code == .malformedBody)
    }

    @Test("a match whose start plus length overflows u32 is malformed, not a crash")
    func matchOverflow() {
        var body = ByteBuffer()
        body.writeInteger(UInt16(0))
        body.writeMultipleIntegers(UInt32(1), UInt32(1))
        body.writeWireString("1")
        body.writeWireString("t")
        body.writeInteger(UInt64(0))
        body.writeWireString("abc")
        body.writeInteger(UInt16(1))
        body.writeMultipleIntegers(UInt32.max, UInt32.max)
        #expect(responseError(responseFrame(.search, body: Array(body.readableBytesView)))?.code == .malformedBody)
    }

    @Test("hostile counts in MGET, STATS and SEARCH answers are refused before allocation")
    func hostileCounts() {
        #expect(responseError(responseFrame(.mget, body: [0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0]))?.code == .malformedBody)
        #expect(responseError(responseFrame(.stats, body: [0, 0, 0xFF, 0xFF]))?.code == .malformedBody)
        #expect(
            responseError(responseFrame(.search, body: [0, 0, 0, 0, 0, 1, 0x10, 0, 0, 0]))?.code == .malformedBody)
        #expect(
            responseError(responseFrame(.dictionary, body: [0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF]))?.code
                == .malformedBody)
    }

    @Test("a SEARCH details block shorter than its hits, or followed by more bytes, is malformed")
    func searchDetails() throws {
        // OK, totalHits 0, count 1, hit "a" (empty title/snippet, score 0, no matches), then details.
        let hit: [UInt8] = [0, 1, 0x61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        let head: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1] + hit
        #expect(responseError(responseFrame(.search, body: head + [0, 2]))?.code == .malformedBody)
        #expect(responseError(responseFrame(.search, body: head + [0, 2, 0, 1]))?.code == .malformedBody)
        #expect(responseError(responseFrame(.search, body: head + [0, 2, 0, 1, 0, 9]))?.code == .malformedBody)
        #expect(responseError(responseFrame(.search, body: head + [0, 2, 0, 1, 0, 0, 0xAB]))?.code == .malformedBody)
        let later = try Response.decode(responseFrame(.search, body: head + [0, 2, 0, 1, 0, 0]))
        #expect(later == .search(SearchResponse(
            totalHits: 0, hits: [SearchHit(id: "a", title: "", score: 0, snippet: "")],
            details: SearchDetails(queryWords: 2, matchedWords: [1]))))
    }

    @Test("trailing bytes after a response body are malformed")
    func trailingResponseBytes() {
        #expect(responseError(responseFrame(.put, body: [0, 0, 0]))?.code == .malformedBody)
        #expect(responseError(responseFrame(.get, body: [0, 1, 0, 0, 9]))?.code == .malformedBody)
    }

    @Test("ResponseEncoder writes the same bytes as writeResponse")
    func responseEncoder() throws {
        var viaEncoder = ByteBuffer()
        try ResponseEncoder().encode(
            data: ResponseFrame(requestID: 5, opcode: .count, response: .count(7)), out: &viaEncoder)
        var direct = ByteBuffer()
        direct.writeResponse(.count(7), to: .count, requestID: 5)
        #expect(viaEncoder == direct)
    }

    @Test("ProtocolError maps each code to its wire status")
    func errorStatuses() {
        #expect(ProtocolError(.malformedBody, "").status == .badRequest)
        #expect(ProtocolError(.frameTooLarge, "").status == .frameTooLarge)
        #expect(ProtocolError(.unsupportedVersion, "").status == .unsupportedVersion)
        #expect(ProtocolError(.unknownOpcode, "").status == .unknownOpcode)
        #expect(ProtocolError(.tooManyItems, "").status == .tooManyItems)
        #expect(!ProtocolError(.malformedBody, "").closesConnection)
        #expect(
            ProtocolError(.badMagic, "x", opcode: .get, offset: 3).description
                == "badMagic: x (opcode GET, body offset 3)")
    }
}
