// FrozenStore: a consistent copy of a ReportStore at one instant — its current corpus version,
// taken in O(1) (the tables are copy-on-write values; arena chunks never change below the
// offsets the copy refers to), and turned into snapshot sections later on another thread
// while the store keeps taking writes. Immutable; Sendable.

/// A point-in-time copy of a store, for writing a snapshot.
public struct FrozenStore: Sendable {
    /// Codecs in use, by slot; `current` is the one new writes used.
    let codecs: [(slot: UInt8, codec: Codec)]
    let current: UInt8
    let level: Int
    let memLevel: Int
    let arena: CompressedArena
    let ids: ChunkedArray<ReportID?>
    let index: StoreIndexState

    /// Live reports in the copy.
    public var reportCount: Int { arena.liveCount }

    /// The copy as named byte sections (`StoreImage` documents the layout): a few large
    /// buffers, written as they are, so that loading them is a few copies and no inflating,
    /// compressing or tokenizing. Garbage of replaced reports is left out.
    public func sections() -> [(name: String, bytes: [UInt8])] {
        StoreImage.encode(self)
    }
}
