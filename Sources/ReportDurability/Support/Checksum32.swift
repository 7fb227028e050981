// Checksum32: the CRC-32 every record, section and header carries: zlib's `crc32` (polynomial
// 0xEDB88320, the same function ReportStore's `Checksum` calls for report texts), called
// directly so this module needs nothing but the system zlib. Stateless; safe anywhere.
import CZlib

/// CRC-32 of on-disk structures.
enum Checksum32 {
    static func of(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { of($0) } }

    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
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
}
