// ReportUnit: where one report's compressed unit lives in a corpus version — its arena chunk,
// entry and codec — so a reader can inflate it straight into its own buffer (an answer being
// written) or send the unit as it is, with no intermediate copy. It keeps the chunk alive, and
// the unit's bytes never change, so it stays valid however the store changes meanwhile.
// Immutable value; Sendable.

/// A stored report unit, ready to inflate or copy.
public struct ReportUnit: Sendable {
    let chunk: ArenaChunk
    let entry: Entry
    let codec: Codec

    /// Length of the inflated text in bytes.
    public var textLength: Int { Int(entry.textLength) }
    /// CRC-32 (zlib) of the inflated text.
    public var crc32: UInt32 { entry.crc }
    /// Length of the raw-deflate unit in bytes.
    public var compressedLength: Int { Int(entry.length) }
    /// `dictionaryID` of the dictionary the unit was made with.
    public var dictionaryID: UInt32 { codec.id }

    /// Runs `body` on the raw-deflate bytes (valid only inside `body`).
    public func withCompressedBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(chunk.bytes(at: Int(entry.offset), count: Int(entry.length)))
    }

    /// Spare output room past the text that lets the inflater stay on its fast path to the end of the
    /// unit (a GET then inflates measurably faster); `inflate(into:)` may overwrite it.
    public static let outputSlack = Inflater.outputSlack

    /// Inflates the unit into the first `textLength` bytes of `out`, checking length and CRC-32.
    /// `out` must hold at least `textLength` bytes, and should hold `outputSlack` more: bytes
    /// past the text may be overwritten.
    /// - Throws: `.corrupt` when the unit is damaged (then `out` holds unspecified bytes).
    public func inflate(into out: UnsafeMutableRawBufferPointer) throws(StoreError) {
        try codec.inflaters.inflate(
            chunk.bytes(at: Int(entry.offset), count: Int(entry.length)), into: out, textLength: textLength, crc: entry.crc)
    }

    /// The inflated text.
    /// - Throws: `.corrupt` when the unit is damaged.
    public func text() throws(StoreError) -> [UInt8] {
        try codec.inflaters.inflate(
            chunk.bytes(at: Int(entry.offset), count: Int(entry.length)), textLength: Int(entry.textLength), crc: entry.crc)
    }
}
