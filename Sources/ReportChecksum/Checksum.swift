// Checksum: CRC-32 (zlib's polynomial 0xEDB88320, the value zlib's `crc32` gives) over byte
// buffers: per report text, to name a dictionary, and over every on-disk record, section and
// header. Computed by ISA-L's carry-less-multiply code. Its own module so that the store and the
// durability layer share one function without depending on each other. Pure; any thread.
import CIsal

/// CRC-32 with zlib's definition (`crc32(0, bytes, count)`).
public enum Checksum {
    /// CRC-32 of `bytes`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return 0 }
        return reportd_crc32(0, p, UInt64(bytes.count))
    }

    /// CRC-32 of `bytes`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0) }
    }
}
