// SnapshotFile: writes and reads snapshot files (docs/DURABILITY.md, "Snapshot file"): a header,
// the sections back to back, a section table, and a footer whose end magic proves the file was
// written to the end. Every byte is covered by a checksum or checked against a fixed value, so
// any flipped byte or cut is detected. Stateless; safe to call concurrently on different paths.
//
//     0         header (40 bytes): "RDSNAP\0\0", u32 version, u32 section count,
//               u64 generation, u64 next LSN, u32 crc32(0..<32), u32 reserved (0)
//     40        section 0 bytes | section 1 bytes | ...         (no padding)
//     T         table: per section: u8 name length, name, u64 offset, u64 length, u32 crc32
//     end - 32  footer: u64 table offset T, u32 table length, u32 crc32(table),
//               u64 file length, "RDSNAPOK"
import ReportChecksum

/// Reads and writes snapshot files.
public enum SnapshotFile {
    static let magic: [UInt8] = Array("RDSNAP".utf8) + [0, 0]
    static let endMagic: [UInt8] = Array("RDSNAPOK".utf8)
    /// The format version this build writes and reads.
    public static let currentVersion: UInt32 = 1
    static let headerSize = 40
    static let footerSize = 32

    /// Writes `sections` atomically to `path`: a temporary file `path.tmp` in the same
    /// directory is written, fsynced, renamed over `path`, and the directory fsynced. On
    /// return the snapshot is durable. Returns the file's size.
    /// - Throws: `.invalidArgument` for a bad section name, `.io` on any failed call (the
    ///   temporary file is removed; `path` is untouched).
    @discardableResult
    public static func write(_ sections: [SnapshotSection], generation: UInt64, nextLSN: UInt64, to path: String) throws
        -> UInt64
    {
        var table = ByteWriter(capacity: sections.count * 32)
        var offset = UInt64(headerSize)
        var names = Set<String>()
        for section in sections {
            let name = Array(section.name.utf8)
            guard !name.isEmpty, name.count <= 255, names.insert(section.name).inserted else {
                throw DurabilityError(
                    .invalidArgument, "section name \"\(section.name)\" is empty, too long or repeated")
            }
            table.u8(UInt8(name.count))
            table.raw(name)
            table.u64(offset)
            table.u64(UInt64(section.bytes.count))
            table.u32(Checksum.crc32(section.bytes))
            offset += UInt64(section.bytes.count)
        }
        var header = ByteWriter(capacity: headerSize)
        header.raw(magic)
        header.u32(currentVersion)
        header.u32(UInt32(sections.count))
        header.u64(generation)
        header.u64(nextLSN)
        header.u32(Checksum.crc32(header.bytes))
        header.u32(0)
        let fileLength = offset + UInt64(table.bytes.count) + UInt64(footerSize)
        var footer = ByteWriter(capacity: footerSize)
        footer.u64(offset)
        footer.u32(UInt32(table.bytes.count))
        footer.u32(Checksum.crc32(table.bytes))
        footer.u64(fileLength)
        footer.raw(endMagic)

        let temporary = path + ".tmp"
        try FileSystem.remove(temporary)
        let file = try PosixFile.openForWriting(temporary, create: true, exclusive: true)
        do {
            // One write per section straight from the caller's buffer: no concatenated copy.
            try file.write(header.bytes, at: 0)
            var at = UInt64(headerSize)
            for section in sections {
                try file.write(section.bytes, at: at)
                at += UInt64(section.bytes.count)
            }
            try file.write(table.bytes, at: at)
            try file.write(footer.bytes, at: at + UInt64(table.bytes.count))
            try file.sync()
            file.close()
            try FileSystem.rename(temporary, to: path)
            try FileSystem.syncDirectory(WriteAheadLog.directoryOf(path))
        } catch {
            file.close()
            try? FileSystem.remove(temporary)
            throw error
        }
        return fileLength
    }

    /// Reads and verifies the snapshot at `path`: header, footer, table, then each section
    /// with one read straight into its own array.
    /// - Throws: `.truncated` (file shorter than its structure), `.damaged` (magic, checksum,
    ///   layout), `.unsupportedVersion`, each with path and offset; `.io`.
    public static func read(path: String) throws -> Snapshot {
        let file = try PosixFile.openForReading(path)
        defer { file.close() }
        let fileLength = try file.size()
        guard fileLength >= UInt64(headerSize + footerSize) else {
            if fileLength >= 8, try file.read(count: 8, at: 0) != magic {
                throw DurabilityError(.damaged, "not a reportd snapshot (bad magic); \(hint)", path: path, offset: 0)
            }
            throw DurabilityError(
                .truncated, "snapshot is \(fileLength) bytes, shorter than header and footer; \(hint)", path: path,
                offset: fileLength)
        }
        let header = try file.read(count: headerSize, at: 0)
        let (sectionCount, generation, nextLSN) = try header.withUnsafeBytes { raw in
            try decodeHeader(ByteReader(raw), path: path)
        }
        let footer = try file.read(count: footerSize, at: fileLength - UInt64(footerSize))
        let (tableOffset, tableLength, tableCRC) = try footer.withUnsafeBytes { raw in
            try decodeFooter(ByteReader(raw), fileLength: fileLength, path: path)
        }
        let table = try file.read(count: Int(tableLength), at: tableOffset)
        guard Checksum.crc32(table) == tableCRC else {
            throw DurabilityError(.damaged, "section table checksum mismatch; \(hint)", path: path, offset: tableOffset)
        }
        let entries = try table.withUnsafeBytes { raw in
            try decodeTable(
                ByteReader(raw), count: sectionCount, tableOffset: tableOffset, path: path)
        }
        var sections: [SnapshotSection] = []
        sections.reserveCapacity(entries.count)
        for entry in entries {
            let bytes = try file.read(count: Int(entry.length), at: entry.offset)
            guard Checksum.crc32(bytes) == entry.crc else {
                throw DurabilityError(
                    .damaged, "section \"\(entry.name)\" checksum mismatch; \(hint)", path: path, offset: entry.offset)
            }
            sections.append(SnapshotSection(name: entry.name, bytes: bytes))
        }
        return Snapshot(generation: generation, nextLSN: nextLSN, sections: sections, fileLength: fileLength)
    }

    static let hint =
        "start reportd with --repair to move the damaged snapshot aside and recover from an older snapshot or the logs"

    private static func decodeHeader(_ reader: ByteReader, path: String) throws -> (UInt32, UInt64, UInt64) {
        guard Array(reader.slice(0..<8)!) == magic else {
            throw DurabilityError(.damaged, "not a reportd snapshot (bad magic); \(hint)", path: path, offset: 0)
        }
        let version = reader.u32(at: 8)!
        guard version == currentVersion else {
            throw DurabilityError(
                .unsupportedVersion,
                "snapshot format version \(version); this build reads version \(currentVersion): run a newer reportd",
                path: path, offset: 8)
        }
        guard reader.u32(at: 32)! == Checksum.crc32(reader.slice(0..<32)!), reader.u32(at: 36)! == 0 else {
            throw DurabilityError(.damaged, "snapshot header checksum mismatch; \(hint)", path: path, offset: 32)
        }
        return (reader.u32(at: 12)!, reader.u64(at: 16)!, reader.u64(at: 24)!)
    }

    private static func decodeFooter(_ reader: ByteReader, fileLength: UInt64, path: String) throws
        -> (UInt64, UInt32, UInt32)
    {
        let footerOffset = fileLength - UInt64(footerSize)
        guard Array(reader.slice(24..<32)!) == endMagic else {
            throw DurabilityError(
                .truncated, "snapshot footer missing: the file was cut short or not written to the end; \(hint)",
                path: path, offset: footerOffset)
        }
        let recordedLength = reader.u64(at: 16)!
        guard recordedLength == fileLength else {
            let code: DurabilityError.Code = recordedLength > fileLength ? .truncated : .damaged
            throw DurabilityError(
                code, "snapshot records \(recordedLength) bytes but the file has \(fileLength); \(hint)", path: path,
                offset: footerOffset + 16)
        }
        let tableOffset = reader.u64(at: 0)!
        let tableLength = reader.u32(at: 8)!
        guard tableOffset >= UInt64(headerSize), tableOffset + UInt64(tableLength) == footerOffset else {
            throw DurabilityError(
                .damaged, "snapshot footer points outside the file; \(hint)", path: path, offset: footerOffset)
        }
        return (tableOffset, tableLength, reader.u32(at: 12)!)
    }

    private struct Entry {
        let name: String
        let offset: UInt64
        let length: UInt64
        let crc: UInt32
    }

    /// Parses the table and checks that the sections tile bytes 40..<tableOffset exactly.
    private static func decodeTable(_ reader: ByteReader, count: UInt32, tableOffset: UInt64, path: String) throws
        -> [Entry]
    {
        var entries: [Entry] = []
        var at = 0
        var expected = UInt64(headerSize)
        for _ in 0..<count {
            guard let nameLength = reader.u8(at: at),
                let nameBytes = reader.slice((at + 1)..<(at + 1 + Int(nameLength))),
                let name = String(validating: nameBytes, as: UTF8.self),
                let offset = reader.u64(at: at + 1 + Int(nameLength)),
                let length = reader.u64(at: at + 9 + Int(nameLength)),
                let crc = reader.u32(at: at + 17 + Int(nameLength))
            else {
                throw DurabilityError(
                    .damaged, "section table is malformed; \(hint)", path: path, offset: tableOffset + UInt64(at))
            }
            guard offset == expected, length <= tableOffset - offset else {
                throw DurabilityError(
                    .damaged, "section \"\(name)\" lies outside its place; \(hint)", path: path,
                    offset: tableOffset + UInt64(at))
            }
            entries.append(Entry(name: name, offset: offset, length: length, crc: crc))
            expected = offset + length
            at += 21 + Int(nameLength)
        }
        guard at == reader.count, expected == tableOffset else {
            throw DurabilityError(
                .damaged, "section table does not match the file layout; \(hint)", path: path, offset: tableOffset)
        }
        return entries
    }
}
