// Checksum: CRC-32 (zlib's polynomial 0xEDB88320) over byte buffers: per report text, to name a
// dictionary, and over every on-disk record, section and header. Its own module so that the store
// and the durability layer share one function without depending on each other. Pure; any thread.
import CZlib

/// CRC-32 as computed by zlib's `crc32`.
public enum Checksum {
    /// CRC-32 of `bytes`.
    public static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        var crc = CZlib.crc32(0, nil, 0)
        var p = base.assumingMemoryBound(to: Bytef.self)
        var left = bytes.count
        // zlib takes a uInt length; feed huge buffers in pieces.
        while left > 0 {
            let n = min(left, 1 << 30)
            crc = CZlib.crc32(crc, p, uInt(n))
            p += n
            left -= n
        }
        return UInt32(truncatingIfNeeded: crc)
    }

    /// CRC-32 of `bytes`.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32($0) }
    }
}
