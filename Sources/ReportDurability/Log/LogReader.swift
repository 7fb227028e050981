// LogReader: reads a whole log file with one large read and replays it: every verified record
// in order, a torn tail cut off, damage anywhere else refused with file and offset. Also the
// salvage scan `--repair` uses. Stateless; safe to call concurrently on different files.
//
// The rule (docs/DURABILITY.md, "Recovery"): when the record at offset o does not verify, look
// for any verifiable record starting after o. None: the bytes from o on are a torn tail (a
// write cut short by a crash). One: the log is damaged at o, because a crash can only tear the
// end of an append-only file.

/// Replays and salvages write-ahead log files.
public enum LogReader {
    /// Reads the log at `path`.
    /// - Parameter allowTornTail: false for a log that was followed by a newer one, whose end
    ///   was synced before the next began: there any bad tail is damage.
    /// - Throws: `.damaged`, `.truncated`, `.unsupportedVersion` with path and offset, or `.io`.
    public static func read(path: String, allowTornTail: Bool = true) throws -> LogReplay {
        let bytes = try readAll(path)
        return try bytes.withUnsafeBytes { try replay($0, path: path, allowTornTail: allowTornTail) }
    }

    /// Replays log bytes already in memory (`path` is for messages).
    public static func replay(_ bytes: UnsafeRawBufferPointer, path: String, allowTornTail: Bool = true) throws
        -> LogReplay
    {
        let fileLength = UInt64(bytes.count)
        guard bytes.count >= LogFileHeader.size else {
            // Created but the header never fully reached the disk: no record can follow it.
            let tail = LogReplay.TornTail(offset: 0, length: fileLength, reason: "log header cut short")
            guard allowTornTail else {
                throw DurabilityError(
                    .truncated, "log header is \(bytes.count) of \(LogFileHeader.size) bytes; \(repairHint)",
                    path: path, offset: 0)
            }
            return LogReplay(
                path: path, header: nil, records: [], validLength: 0, fileLength: fileLength, tornTail: tail)
        }
        let header = try LogFileHeader.decode(
            UnsafeRawBufferPointer(rebasing: bytes[0..<LogFileHeader.size]), path: path)
        var records: [LogRecord] = []
        var offset = LogFileHeader.size
        while offset < bytes.count {
            let reason: String
            switch LogRecordFrame.parse(bytes, at: offset) {
            case .record(let record, let end):
                records.append(record)
                offset = end
                continue
            case .incomplete(let why), .invalid(let why):
                reason = why
            }
            if nextValidFrame(in: bytes, after: offset) != nil {
                throw DurabilityError(
                    .damaged, "\(reason), and valid records follow it; \(repairHint)", path: path,
                    offset: UInt64(offset))
            }
            guard allowTornTail else {
                throw DurabilityError(
                    .damaged, "\(reason) at the end of a log that a newer log follows; \(repairHint)", path: path,
                    offset: UInt64(offset))
            }
            let tail = LogReplay.TornTail(offset: UInt64(offset), length: fileLength - UInt64(offset), reason: reason)
            return LogReplay(
                path: path, header: header, records: records, validLength: UInt64(offset), fileLength: fileLength,
                tornTail: tail)
        }
        return LogReplay(
            path: path, header: header, records: records, validLength: fileLength, fileLength: fileLength, tornTail: nil
        )
    }

    /// What `salvage` kept and skipped.
    public struct Salvage: Sendable {
        /// The header, when it verified.
        public let header: LogFileHeader?
        /// Every record that verified, in file order, wherever it was found.
        public let records: [LogRecord]
        /// Byte ranges that were not part of any verified record (and not the header).
        public let skipped: [Range<UInt64>]
    }

    /// Keeps every verifiable record in the file, resynchronising on record markers after bad
    /// bytes. Never throws for damage, only for I/O.
    public static func salvage(path: String) throws -> Salvage {
        let bytes = try readAll(path)
        return bytes.withUnsafeBytes { raw in
            var header: LogFileHeader?
            var offset = 0
            if raw.count >= LogFileHeader.size,
                let parsed = try? LogFileHeader.decode(
                    UnsafeRawBufferPointer(rebasing: raw[0..<LogFileHeader.size]), path: path)
            {
                header = parsed
                offset = LogFileHeader.size
            }
            var records: [LogRecord] = []
            var skipped: [Range<UInt64>] = []
            while offset < raw.count {
                if case .record(let record, let end) = LogRecordFrame.parse(raw, at: offset) {
                    records.append(record)
                    offset = end
                    continue
                }
                let resume = nextValidFrame(in: raw, after: offset) ?? raw.count
                // Bytes before the first marker of a file whose header failed are header bytes.
                if !(header == nil && offset == 0 && resume <= LogFileHeader.size) {
                    skipped.append(UInt64(offset)..<UInt64(resume))
                }
                offset = resume
            }
            return Salvage(header: header, records: records, skipped: skipped)
        }
    }

    static let repairHint = "start reportd with --repair to keep every valid record and move the damaged file aside"

    /// The first offset after `offset` where a complete, verified record starts.
    static func nextValidFrame(in bytes: UnsafeRawBufferPointer, after offset: Int) -> Int? {
        var candidate = offset + 1
        while candidate + LogRecordFrame.headerSize <= bytes.count {
            // Marker bytes FF 52 44 FE; 0xFF never occurs in UTF-8 text, so hits are rare.
            if bytes[candidate] == 0xFF, bytes[candidate + 1] == 0x52, bytes[candidate + 2] == 0x44,
                bytes[candidate + 3] == 0xFE, case .record = LogRecordFrame.parse(bytes, at: candidate)
            {
                return candidate
            }
            candidate += 1
        }
        return nil
    }

    /// The whole file in one read.
    static func readAll(_ path: String) throws -> [UInt8] {
        let file = try PosixFile.openForReading(path)
        defer { file.close() }
        return try file.read(count: Int(try file.size()), at: 0)
    }
}
