// LogFileHeader: the 40-byte header at the start of every log file: magic "RDLOG", format
// version, the snapshot generation the log follows, and the LSN of its first record
// (docs/DURABILITY.md, "Log file"). A value type; safe anywhere.
import ReportChecksum

/// The fixed header of a write-ahead log file.
///
///     offset  0  "RDLOG\0\0\0"          8 bytes magic
///             8  u32 version (1)
///            12  u32 flags (0)
///            16  u64 generation         the snapshot this log follows
///            24  u64 first LSN          LSN of the first record in the file
///            32  u32 crc32(bytes 0..<32)
///            36  u32 reserved (0)
public struct LogFileHeader: Sendable, Equatable {
    /// "RDLOG" padded with NULs to 8 bytes.
    static let magic: [UInt8] = Array("RDLOG".utf8) + [0, 0, 0]
    /// The format version this build writes and reads.
    public static let currentVersion: UInt32 = 1
    /// Header size in bytes; records start here.
    public static let size = 40

    /// Snapshot generation this log follows.
    public var generation: UInt64
    /// LSN of the first record in the file.
    public var firstLSN: UInt64

    /// Creates a header for a log following snapshot `generation`.
    public init(generation: UInt64, firstLSN: UInt64) {
        self.generation = generation
        self.firstLSN = firstLSN
    }

    /// The 40 header bytes.
    func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: Self.size)
        writer.raw(Self.magic)
        writer.u32(Self.currentVersion)
        writer.u32(0)
        writer.u64(generation)
        writer.u64(firstLSN)
        writer.u32(Checksum.crc32(writer.bytes))
        writer.u32(0)
        return writer.bytes
    }

    /// Parses and verifies a header. Checks, in order: magic, version (so a newer format is
    /// reported as such even when its header differs), CRC, reserved fields.
    static func decode(_ bytes: UnsafeRawBufferPointer, path: String) throws -> LogFileHeader {
        let reader = ByteReader(bytes)
        guard bytes.count >= size else {
            throw DurabilityError(.truncated, "log header is \(bytes.count) of \(size) bytes", path: path, offset: 0)
        }
        guard Array(bytes[0..<8]) == magic else {
            throw DurabilityError(.damaged, "not a reportd log file (bad magic)", path: path, offset: 0)
        }
        let version = reader.u32(at: 8)!
        guard version == currentVersion else {
            throw DurabilityError(
                .unsupportedVersion,
                "log format version \(version); this build reads version \(currentVersion): run a newer reportd",
                path: path, offset: 8)
        }
        guard reader.u32(at: 32)! == Checksum.crc32(reader.slice(0..<32)!) else {
            throw DurabilityError(.damaged, "log header checksum mismatch", path: path, offset: 32)
        }
        guard reader.u32(at: 12)! == 0, reader.u32(at: 36)! == 0 else {
            throw DurabilityError(.damaged, "log header reserved fields are not zero", path: path, offset: 12)
        }
        return LogFileHeader(generation: reader.u64(at: 16)!, firstLSN: reader.u64(at: 24)!)
    }
}
