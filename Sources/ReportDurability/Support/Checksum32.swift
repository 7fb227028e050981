// Checksum32: the CRC-32 every record, section and header carries: ReportStore's `Checksum.crc32`
// (zlib's polynomial), so there is one CRC implementation in the package. Stateless; safe anywhere.
import ReportStore

/// CRC-32 of on-disk structures.
enum Checksum32 {
    static func of(_ bytes: [UInt8]) -> UInt32 { Checksum.crc32(bytes) }
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt32 { Checksum.crc32(bytes) }
}
