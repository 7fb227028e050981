// Damage to log files: every byte flipped, every length truncated, and repair.
import Testing

@testable import ReportDurability

@Suite("Log corruption")
struct LogCorruptionTests {
    /// A log of `count` records and the offset each record starts at (plus the file end).
    static func makeLog(in dir: TestDirectory, count: Int = 6) throws -> (
        path: String, records: [LogRecord], starts: [Int]
    ) {
        let path = dir.file("log.rdlog")
        let records = Fixture.records(count: count)
        let wal = try WriteAheadLog.create(path: path, header: LogFileHeader(generation: 0, firstLSN: 0))
        for record in records { try wal.append(record) }
        wal.close()
        var starts = [LogFileHeader.size]
        for record in records {
            starts.append(starts.last! + LogRecordFrame.encode(body: try record.encodeBody()).count)
        }
        return (path, records, starts)
    }

    @Test("a flipped byte anywhere is caught: damage with its offset before the last record, a torn tail in it")
    func everyByteFlipped() throws {
        let dir = TestDirectory()
        let (path, records, starts) = try Self.makeLog(in: dir)
        let original = Bytes.read(path)
        let lastStart = starts[records.count - 1]
        for offset in 0..<original.count {
            let damaged = Bytes.flipped(original, at: offset)
            let outcome = Result { try damaged.withUnsafeBytes { try LogReader.replay($0, path: path) } }
            switch outcome {
            case .success(let replay):
                #expect(offset >= lastStart, "flip at \(offset) accepted")
                #expect(replay.records == Array(records.dropLast()), "flip at \(offset)")
                #expect(replay.tornTail?.offset == UInt64(lastStart), "flip at \(offset)")
            case .failure(let failure):
                let error = try #require(failure as? DurabilityError)
                #expect(offset < lastStart, "flip at \(offset) in the last record refused: \(error)")
                #expect(error.path == path)
                if offset < LogFileHeader.size {
                    #expect(
                        error.code == ((8..<12).contains(offset) ? .unsupportedVersion : .damaged), "flip at \(offset)")
                } else {
                    let recordStart = starts.last { $0 <= offset }!
                    #expect(error.code == .damaged)
                    #expect(error.offset == UInt64(recordStart), "flip at \(offset)")
                    #expect(error.message.contains("--repair"))
                }
            }
        }
    }

    @Test("a log that a newer one follows may not end in a torn record")
    func tornTailOnlyInLastLog() throws {
        let dir = TestDirectory()
        let (path, _, starts) = try Self.makeLog(in: dir)
        let original = Bytes.read(path)
        let cut = Array(original[0..<(starts[starts.count - 2] + 5)])
        let error = durabilityError {
            try cut.withUnsafeBytes { try LogReader.replay($0, path: path, allowTornTail: false) }
        }
        #expect(error?.code == .damaged)
        #expect(error?.offset == UInt64(starts[starts.count - 2]))
    }

    @Test("truncation at every length: record boundaries are clean, anything else is a torn tail")
    func everyTruncation() throws {
        let dir = TestDirectory()
        let (path, records, starts) = try Self.makeLog(in: dir)
        let original = Bytes.read(path)
        for length in 0...original.count {
            let cut = Array(original[0..<length])
            let replay = try cut.withUnsafeBytes { try LogReader.replay($0, path: path) }
            if length < LogFileHeader.size {
                #expect(replay.header == nil && replay.records.isEmpty && replay.tornTail?.offset == 0)
                continue
            }
            let complete = starts.lastIndex { $0 <= length }!
            #expect(replay.records == Array(records.prefix(complete)), "cut at \(length)")
            if starts.contains(length) {
                #expect(replay.tornTail == nil, "cut at boundary \(length)")
            } else {
                #expect(replay.tornTail?.offset == UInt64(starts[complete]), "cut at \(length)")
                #expect(replay.tornTail?.length == UInt64(length - starts[complete]))
            }
        }
    }

    @Test("trailing zeros after the last record (an extended but unwritten block) are a torn tail")
    func zeroFilledTail() throws {
        let dir = TestDirectory()
        let (path, records, starts) = try Self.makeLog(in: dir)
        Bytes.write(Bytes.read(path) + [UInt8](repeating: 0, count: 4096), to: path)
        let replay = try LogReader.read(path: path)
        #expect(replay.records == records)
        #expect(replay.tornTail?.offset == UInt64(starts.last!))
    }

    @Test("salvage keeps every record that verifies, before and after damaged bytes")
    func salvageResynchronises() throws {
        let dir = TestDirectory()
        let (path, records, starts) = try Self.makeLog(in: dir)
        var bytes = Bytes.read(path)
        bytes[starts[1] + 4] ^= 0x77  // length of record 1
        bytes[starts[3] + 20] ^= 0x01  // body of record 3
        Bytes.write(bytes, to: path)
        let salvage = try LogReader.salvage(path: path)
        #expect(salvage.records == [records[0], records[2], records[4], records[5]])
        #expect(salvage.skipped == [UInt64(starts[1])..<UInt64(starts[2]), UInt64(starts[3])..<UInt64(starts[4])])
        #expect(salvage.header == LogFileHeader(generation: 0, firstLSN: 0))
    }

    @Test("a log of an unknown format version is refused as such")
    func unknownLogVersion() throws {
        let dir = TestDirectory()
        let (path, _, _) = try Self.makeLog(in: dir)
        var bytes = Bytes.read(path)
        bytes[8] = 2
        Bytes.write(bytes, to: path)
        let error = durabilityError { try LogReader.read(path: path) }
        #expect(error?.code == .unsupportedVersion)
        #expect(error?.offset == 8)
        #expect(error?.message.contains("version 2") == true)
    }
}
