// Record encoding and log replay round trips.
import Testing

@testable import ReportDurability
import ReportChecksum

@Suite("Log records")
struct LogRecordTests {
    @Test("put and delete records round-trip through their frame")
    func roundTrip() throws {
        for record in Fixture.records(count: 12) + [
            .put(id: "", text: []), .put(id: "x", text: [0xFF, 0x52, 0x44, 0xFE]),
        ] {
            let frame = LogRecordFrame.encode(body: try record.encodeBody())
            let parsed = frame.withUnsafeBytes { LogRecordFrame.parse($0, at: 0) }
            guard case .record(let decoded, let end) = parsed else {
                Issue.record("frame did not parse: \(parsed)")
                continue
            }
            #expect(decoded == record)
            #expect(end == frame.count)
        }
    }

    @Test("the frame starts with the marker, length and CRC the format describes")
    func frameLayout() throws {
        let frame = LogRecordFrame.encode(body: try LogRecord.delete(id: "a").encodeBody())
        // marker FF 52 44 FE | length 4 (kind + u16 + "a") | crc | 02 01 00 61
        #expect(Array(frame[0..<8]) == [0xFF, 0x52, 0x44, 0xFE, 4, 0, 0, 0])
        #expect(Array(frame[12...]) == [2, 1, 0, 0x61])
        #expect(frame.withUnsafeBytes { ByteReader($0).u32(at: 8) } == Checksum.crc32([2, 1, 0, 0x61]))
    }

    @Test("an ID longer than 65535 bytes is refused, not truncated")
    func longIDRefused() {
        let error = durabilityError {
            try LogRecord.put(id: String(repeating: "a", count: 70_000), text: []).encodeBody()
        }
        #expect(error?.code == .invalidArgument)
    }

    @Test("a checksummed body with an unknown kind is invalid")
    func unknownKind() {
        let frame = LogRecordFrame.encode(body: [9, 0, 0])
        let parsed = frame.withUnsafeBytes { LogRecordFrame.parse($0, at: 0) }
        guard case .invalid(let reason) = parsed else {
            Issue.record("expected invalid, got \(parsed)")
            return
        }
        #expect(reason.contains("unknown record kind 9"))
    }

    @Test("a log written by the write-ahead log replays every record in order with LSNs")
    func logRoundTrip() throws {
        let dir = TestDirectory()
        let path = dir.file("log-test.rdlog")
        let wal = try WriteAheadLog.create(path: path, header: LogFileHeader(generation: 3, firstLSN: 100))
        let records = Fixture.records(count: 40)
        var lsns: [UInt64] = []
        for record in records { lsns.append(try wal.append(record)) }
        wal.close()
        #expect(lsns == Array(100..<140))
        let replay = try LogReader.read(path: path)
        #expect(replay.records == records)
        #expect(replay.header == LogFileHeader(generation: 3, firstLSN: 100))
        #expect(replay.nextLSN == 140)
        #expect(replay.tornTail == nil)
        #expect(replay.validLength == replay.fileLength)
    }

    @Test("a log reopened after replay continues after its last record")
    func reopenAppends() throws {
        let dir = TestDirectory()
        let path = dir.file("log.rdlog")
        let first = try WriteAheadLog.create(path: path, header: LogFileHeader(generation: 0, firstLSN: 0))
        try first.append(.put(id: "a", text: [1]))
        first.close()
        let again = try WriteAheadLog.open(replay: try LogReader.read(path: path))
        #expect(try again.append(.delete(id: "a")) == 1)
        again.close()
        #expect(try LogReader.read(path: path).records == [.put(id: "a", text: [1]), .delete(id: "a")])
    }
}
