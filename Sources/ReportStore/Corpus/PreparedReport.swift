// PreparedReport: a write made ready outside the store's write lock — the text validated and
// compressed with the store's current dictionary — so that applying it is a short table
// update. It carries its codec, so it stays valid even if the store has switched dictionaries
// since (the store then recompresses the unit in the background).
// Immutable value; safe anywhere.

/// A validated, compressed report waiting to be applied with `ReportStore.apply(_:)`.
public struct PreparedReport: Sendable {
    /// The report's ID.
    public let id: ReportID
    /// The raw text (kept for the search index, which tokenizes it when the write is flushed).
    public let text: [UInt8]
    let unit: [UInt8]
    let crc: UInt32
    /// The codec that made `unit`, and its slot in the store.
    let codec: Codec
    let slot: UInt8
}
