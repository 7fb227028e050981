// IndexSegment: one immutable piece of a segmented index: a SearchIndex over LOCAL doc numbers
// 0..<docSlots that stand for the global doc numbers base..<base+docSlots. The imported corpus is
// one segment with base 0; recent puts are flushed into small segments, which SegmentMerger joins.
// Invariant: base + docSlots <= UInt32.max, so `docRange` is representable. Immutable; Sendable.

/// A SearchIndex covering the contiguous global doc range `docRange`.
public struct IndexSegment: Sendable {
    /// Global doc number of local doc 0.
    public let base: UInt32
    /// The index, over local doc numbers (global = base + local).
    public let index: SearchIndex

    /// Wraps `index` (local docs 0..<docSlots) as the segment of global docs base..<base+docSlots.
    public init(base: UInt32, index: SearchIndex) {
        precondition(UInt64(base) + UInt64(index.docSlots) <= UInt64(UInt32.max), "segment range exceeds UInt32")
        self.base = base
        self.index = index
    }

    /// Global doc numbers this segment covers (live, deleted or dead).
    public var docRange: Range<UInt32> { base..<(base + UInt32(index.docSlots)) }
}
