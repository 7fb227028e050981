// ReportFingerprint: a report text's length and CRC-32 — what an import remembers of each source
// report, to tell on the next import whether the source changed since. Immutable value.
import ReportChecksum

/// Length and CRC-32 of one report text.
public struct ReportFingerprint: Sendable, Hashable {
    /// Text length in bytes.
    public let length: Int
    /// CRC-32 of the text (`Checksum.crc32`).
    public let crc: UInt32

    /// The fingerprint of `length` bytes whose CRC-32 is `crc`.
    public init(length: Int, crc: UInt32) {
        self.length = length
        self.crc = crc
    }

    /// The fingerprint of `text`.
    public init(of text: ArraySlice<UInt8>) {
        length = text.count
        crc = text.withUnsafeBytes { Checksum.crc32($0) }
    }
}
