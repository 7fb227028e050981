// CompressedReport: one report as stored: a complete raw-deflate unit (windowBits -15) made
// with the store's preset dictionary, plus the inflated length and CRC-32. Immutable value.

/// One report's stored bytes, for clients that inflate themselves.
public struct CompressedReport: Sendable, Equatable {
    /// Raw deflate bytes; inflate with `inflateInit2(-15)` then `inflateSetDictionary(store.dictionary)`.
    public let bytes: [UInt8]
    /// Length of the inflated text in bytes.
    public let textLength: Int
    /// CRC-32 (zlib) of the inflated text.
    public let crc32: UInt32
    /// `ReportStore.dictionaryID` of the dictionary the unit needs.
    public let dictionaryID: UInt32
}
