// ProtocolDocumentTests: holds protocol/PROTOCOL.md and protocol/vectors/ to the codec.
//
// Every worked example in the document is decoded and compared with the value written out here
// (keyed by vector name), then re-encoded and compared byte for byte. The JSON vectors must be the
// same set with the same bytes, and the opcode and status tables must match the code.

import Foundation
import NIOCore
import ReportChecksum
import ReportProtocol
import Testing

/// What a vector must decode to.
enum Expectation {
    case request(id: UInt32, Request)
    case response(id: UInt32, Opcode, Response)
    /// FrameParser reports the header as oversized (limit 16 MiB).
    case oversized(id: UInt32, Opcode)
    /// FrameParser reports a wrong-version header.
    case unsupportedVersion(id: UInt32, Opcode, version: UInt8)
    /// The frame parses but Request.decode refuses it with this code.
    case rejected(id: UInt32, ProtocolError.Code)
}

func buffer(_ string: String) -> ByteBuffer { ByteBuffer(string: string) }
func buffer(hex: String) -> ByteBuffer { ByteBuffer(bytes: VectorDocument.bytes(hex: hex)!) }

let reportText = "Mưa lớn ở Huế\nNước sông dâng cao."
let dictionaryText = "của các và những người trong được cho "

let expectations: [String: Expectation] = [
    // §5.1
    "hello-request-5.1": .request(id: 1, .hello(clientVersion: 1, clientName: "reportctl")),
    "hello-response-5.1": .response(
        id: 1, .hello,
        .hello(
            HelloResponse(
                serverVersion: 1, maxFrameBytes: 16 << 20, maxBatchItems: 1000, maxReportBytes: 8 << 20,
                serverName: "reportd 0.1"))),
    // §5.2
    "ping-request-5.2": .request(id: 2, .ping(buffer("hi"))),
    "ping-response-5.2": .response(id: 2, .ping, .pong(buffer("hi"))),
    // §5.3
    "get-request-5.3": .request(id: 7, .get(id: "21395276", raw: false)),
    "get-response-5.3": .response(id: 7, .get, .report(.plain(buffer(reportText)))),
    "get-raw-request-5.3": .request(id: 8, .get(id: "21395276", raw: true)),
    "get-raw-response-5.3": .response(
        id: 8, .get,
        .report(
            .deflate(
                dictionaryID: 0x9667_539C, textLength: 45,
                bytes: buffer(
                    hex: "f33db6215121e7e1eed9790a0f77cf57f0287db86b3f971f48c1ec6485e2c35b80ea530e2f0292c989f97a00")
            ))),
    "get-missing-request-5.3": .request(id: 9, .get(id: "404", raw: false)),
    "get-missing-response-5.3": .response(id: 9, .get, .failure(.notFound, "no report with id 404")),
    // §5.4
    "mget-request-5.4": .request(id: 10, .mget(ids: ["21395276", "404"], raw: false)),
    "mget-response-5.4": .response(id: 10, .mget, .reports([.plain(buffer(reportText)), .missing])),
    // §5.5
    "stats-request-5.5": .request(id: 11, .stats),
    "stats-response-5.5": .response(
        id: 11, .stats, .stats([StatsEntry(key: "reports", value: 10_000), StatsEntry(key: "requests", value: 42)])),
    // §5.6
    "dictionary-request-5.6": .request(id: 12, .dictionary),
    "dictionary-response-5.6": .response(
        id: 12, .dictionary, .dictionary(DictionaryResponse(dictionaryID: 0x9667_539C, bytes: buffer(dictionaryText)))),
    // §5.7
    "search-request-5.7": .request(id: 13, .search(SearchRequest(query: "mưa lớn", limit: 10, offset: 0, fold: true))),
    "search-response-5.7": .response(
        id: 13, .search,
        .search(
            SearchResponse(
                totalHits: 1,
                hits: [
                    SearchHit(
                        id: "21395276", title: "Mưa lớn ở Huế", score: 1_000_020_002.5, snippet: "Mưa lớn kéo dài",
                        matches: [0..<4, 5..<10])
                ]))),
    "search-ids-only-request-5.7": .request(
        id: 31, .search(SearchRequest(query: "bitcoin", limit: 100, offset: 0, fold: false, idsOnly: true))),
    "search-ids-only-response-5.7": .response(
        id: 31, .search,
        .search(
            SearchResponse(
                totalHits: 2,
                hits: [
                    SearchHit(id: "21395276", title: "", score: 1.5, snippet: ""),
                    SearchHit(id: "21395277", title: "", score: 1.25, snippet: ""),
                ]))),
    "search-details-request-5.7": .request(
        id: 32, .search(SearchRequest(query: "giá vàng hôm nay", limit: 2, offset: 0, idsOnly: true, details: true))),
    "search-details-response-5.7": .response(
        id: 32, .search,
        .search(
            SearchResponse(
                totalHits: 1,
                hits: [
                    SearchHit(id: "21395276", title: "", score: 1_000_000_012.5, snippet: ""),
                    SearchHit(id: "21395277", title: "", score: 3.25, snippet: ""),
                ],
                details: SearchDetails(queryWords: 4, matchedWords: [4, 2])))),
    "search-suggest-request-5.7": .request(
        id: 33, .search(SearchRequest(query: "Mesi", limit: 10, offset: 0, idsOnly: true, details: true))),
    "search-suggest-response-5.7": .response(
        id: 33, .search,
        .search(
            SearchResponse(
                totalHits: 0, hits: [],
                details: SearchDetails(queryWords: 1, matchedWords: [], suggestions: [("mesi", "messi")])))),
    "search-bad-query-request-5.7": .request(id: 14, .search(SearchRequest(query: "\"mưa", limit: 10))),
    "search-bad-query-response-5.7": .response(id: 14, .search, .failure(.badQuery, "unterminated quote at 0")),
    // §5.8
    "count-request-5.8": .request(id: 15, .count(query: "huế", fold: true)),
    "count-response-5.8": .response(id: 15, .count, .count(3)),
    // §5.9 - §5.13
    "put-request-5.9": .request(id: 16, .put(id: "900001", text: buffer("Tin vắn\nTrời nắng."))),
    "put-response-5.9": .response(id: 16, .put, .done),
    "del-request-5.10": .request(id: 17, .delete(id: "900001")),
    "del-response-5.10": .response(id: 17, .delete, .done),
    "snapshot-request-5.11": .request(id: 18, .snapshot),
    "snapshot-response-5.11": .response(id: 18, .snapshot, .done),
    "reload-request-5.12": .request(id: 19, .reload),
    "reload-response-5.12": .response(id: 19, .reload, .done),
    "shutdown-request-5.13": .request(id: 20, .shutdown),
    "shutdown-response-5.13": .response(id: 20, .shutdown, .done),
    // §6
    "unknown-opcode-request-6": .rejected(id: 21, .unknownOpcode),
    "unknown-opcode-response-6": .response(
        id: 21, Opcode(rawValue: 0x14), .failure(.unknownOpcode, "unknown opcode 0x14")),
    "bad-request-request-6": .rejected(id: 22, .malformedBody),
    "bad-request-response-6": .response(id: 22, .get, .failure(.badRequest, "id runs past the end of the body")),
    "frame-too-large-request-6": .oversized(id: 23, .put),
    "frame-too-large-response-6": .response(
        id: 23, .put, .failure(.frameTooLarge, "body of 2147483647 bytes exceeds 16777216")),
    "unsupported-version-request-6": .unsupportedVersion(id: 24, .hello, version: 2),
    "unsupported-version-response-6": .response(
        id: 24, .hello, .failure(.unsupportedVersion, "version 2 not supported")),
    "too-many-items-request-6": .rejected(id: 25, .tooManyItems),
    "too-many-items-response-6": .response(
        id: 25, .mget, .failure(.tooManyItems, "5000 ids exceeds maxBatchItems 1000")),
    "permission-denied-response-6": .response(
        id: 26, .put, .failure(.permissionDenied, "PUT needs a privileged peer")),
]

/// Decodes `vector` as its expectation says, and re-encodes it where the codec can.
func check(_ vector: Vector, against expectation: Expectation) throws {
    var input = vector.buffer
    var parser = FrameParser(maxBodyBytes: 16 << 20)
    let event = try parser.next(&input)
    switch expectation {
    case .request(let id, let request):
        #expect(vector.direction == "request")
        guard case .frame(let frame) = event else {
            Issue.record("\(vector.name): expected a frame, got \(String(describing: event))")
            return
        }
        #expect(input.readableBytes == 0, "\(vector.name): bytes left after the frame")
        #expect(frame.header.requestID == id)
        #expect(try Request.decode(frame, maxBatchItems: 1000) == request, "\(vector.name)")
        var encoded = ByteBuffer()
        let written = encoded.writeRequest(request, requestID: id)
        #expect(written == vector.bytes.count)
        #expect(Array(encoded.readableBytesView) == vector.bytes, "\(vector.name) re-encodes differently")
    case .response(let id, let opcode, let response):
        #expect(vector.direction == "response")
        guard case .frame(let frame) = event else {
            Issue.record("\(vector.name): expected a frame, got \(String(describing: event))")
            return
        }
        #expect(input.readableBytes == 0, "\(vector.name): bytes left after the frame")
        #expect(frame.header.requestID == id)
        #expect(frame.header.opcode == opcode)
        #expect(try Response.decode(frame) == response, "\(vector.name)")
        var encoded = ByteBuffer()
        let written = encoded.writeResponse(response, to: opcode, requestID: id)
        #expect(written == vector.bytes.count)
        #expect(Array(encoded.readableBytesView) == vector.bytes, "\(vector.name) re-encodes differently")
    case .oversized(let id, let opcode):
        guard case .oversized(let header) = event else {
            Issue.record("\(vector.name): expected .oversized, got \(String(describing: event))")
            return
        }
        #expect(header.requestID == id && header.opcode == opcode)
        #expect(parser.isSkipping)
        var encoded = ByteBuffer()
        encoded.writeFrameHeader(header)
        #expect(Array(encoded.readableBytesView) == vector.bytes)
    case .unsupportedVersion(let id, let opcode, let version):
        guard case .unsupportedVersion(let header) = event else {
            Issue.record("\(vector.name): expected .unsupportedVersion, got \(String(describing: event))")
            return
        }
        #expect(header.requestID == id && header.opcode == opcode && header.version == version)
        #expect(input.readableBytes == 0, "the body is skipped")
        #expect(!parser.isSkipping)
    case .rejected(let id, let code):
        guard case .frame(let frame) = event else {
            Issue.record("\(vector.name): expected a frame, got \(String(describing: event))")
            return
        }
        #expect(frame.header.requestID == id)
        let error = #expect(throws: ProtocolError.self) { try Request.decode(frame, maxBatchItems: 1000) }
        #expect(error?.code == code, "\(vector.name)")
    }
}

/// Checks every document vector of one section; fails if the section has none.
func checkSection(_ section: String) throws {
    let vectors = try VectorDocument.documentVectors().values.filter { $0.section == section }
    #expect(!vectors.isEmpty, "no vectors for §\(section)")
    for vector in vectors.sorted(by: { $0.name < $1.name }) {
        guard let expectation = expectations[vector.name] else {
            Issue.record("vector \(vector.name) has no expectation in ProtocolDocumentTests")
            continue
        }
        try check(vector, against: expectation)
    }
}

@Suite("PROTOCOL.md worked examples")
struct ProtocolDocumentTests {
    @Test("§5.1 HELLO example decodes and re-encodes") func hello() throws { try checkSection("5.1") }
    @Test("§5.2 PING example decodes and re-encodes") func ping() throws { try checkSection("5.2") }
    @Test("§5.3 GET examples (plain, RAW, missing) decode and re-encode") func get() throws { try checkSection("5.3") }
    @Test("§5.4 MGET example decodes and re-encodes") func mget() throws { try checkSection("5.4") }
    @Test("§5.5 STATS example decodes and re-encodes") func stats() throws { try checkSection("5.5") }
    @Test("§5.6 DICTIONARY example decodes and re-encodes") func dictionary() throws { try checkSection("5.6") }
    @Test("the examples' dictionary id (§5.3 RAW, §5.6) is the CRC-32 of the example's dictionary, as §5.6 requires")
    func dictionaryIDIsCRC() {
        #expect(Checksum.crc32(Array(dictionaryText.utf8)) == 0x9667_539C)
    }
    @Test("§5.7 SEARCH examples decode and re-encode") func search() throws { try checkSection("5.7") }
    @Test("§5.8 COUNT example decodes and re-encodes") func count() throws { try checkSection("5.8") }
    @Test("§5.9 PUT example decodes and re-encodes") func put() throws { try checkSection("5.9") }
    @Test("§5.10 DEL example decodes and re-encodes") func delete() throws { try checkSection("5.10") }
    @Test("§5.11 SNAPSHOT example decodes and re-encodes") func snapshot() throws { try checkSection("5.11") }
    @Test("§5.12 RELOAD example decodes and re-encodes") func reload() throws { try checkSection("5.12") }
    @Test("§5.13 SHUTDOWN example decodes and re-encodes") func shutdown() throws { try checkSection("5.13") }
    @Test("§6 error examples decode as the error table says") func errors() throws { try checkSection("6") }

    @Test("every vector in PROTOCOL.md has an expectation and every expectation a vector")
    func expectationsCoverTheDocument() throws {
        let names = Set(try VectorDocument.documentVectors().keys)
        #expect(names == Set(expectations.keys))
        #expect(names.count >= 40)
    }

    @Test("protocol/vectors holds the same vectors as PROTOCOL.md, byte for byte")
    func vectorFilesMatchTheDocument() throws {
        let document = try VectorDocument.documentVectors()
        let files = try VectorDocument.fileVectors()
        #expect(Set(document.keys) == Set(files.keys))
        for (name, vector) in document {
            #expect(files[name] == vector, "\(name) differs between PROTOCOL.md and protocol/vectors")
        }
    }

    @Test("§4.1 opcode table lists exactly the opcodes in code")
    func opcodeTableMatchesCode() throws {
        let rows = try tableRows(under: "### 4.1 Opcodes")
        let documented = rows.map { ($0[0], $0[1]) }
        let coded = Opcode.allKnown.map { ("0x" + hex($0.rawValue, width: 2), $0.name ?? "?") }
        #expect(documented.map(\.0) == coded.map(\.0))
        #expect(documented.map(\.1) == coded.map(\.1))
    }

    @Test("§4.2 status table lists exactly the statuses in code")
    func statusTableMatchesCode() throws {
        let rows = try tableRows(under: "### 4.2 Status codes")
        let documented = rows.map { ($0[0], $0[1]) }
        let coded = Status.allKnown.map { ("0x" + hex($0.rawValue, width: 4), $0.name ?? "?") }
        #expect(documented.map(\.0) == coded.map(\.0))
        #expect(documented.map(\.1) == coded.map(\.1))
    }

    @Test("vector reader refuses an ASCII column that does not match the bytes")
    func vectorReaderChecksASCII() {
        let markdown = "```vector name=x-request-1 direction=request\nd5 01  .x\n```\n"
        #expect(throws: VectorReadError.self) { try VectorDocument.parse(markdown: markdown) }
        let good = "```vector name=x-request-1 direction=request\nd5 41  .A\n```\n"
        #expect((try? VectorDocument.parse(markdown: good))?.first?.bytes == [0xD5, 0x41])
    }

    /// Cells of the first table after `heading`, header and separator rows dropped, backticks removed.
    func tableRows(under heading: String) throws -> [[String]] {
        let text = try VectorDocument.documentText()
        guard let start = text.range(of: heading) else { throw VectorReadError(description: "no \(heading)") }
        var rows: [[String]] = []
        var inTable = false
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("|") {
                inTable = true
                let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
                rows.append(cells.map { $0.replacingOccurrences(of: "`", with: "") })
            } else if inTable {
                break
            }
        }
        return Array(rows.dropFirst(2))
    }

    func hex(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
