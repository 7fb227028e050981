// LiveDocs: one bit per doc number, set while the doc is live. Each corpus version holds one
// beside its id table, changed by the writer in the same step; a query or a merge reads the
// version's copy without any lock. The words are a ChunkedArray, so a version published after
// a write copies one chunk of 512 words (32,768 doc numbers), not the whole bitmap.
// Invariant: bit d is set exactly when doc number d is live. A value type; Sendable.

/// The set of live doc numbers, as a bitmap.
struct LiveDocs: Sendable {
    private var words = ChunkedArray<UInt64>()
    /// Doc numbers covered (live or not): the next doc number is `slots`.
    private(set) var slots = 0

    init() {}

    /// The bitmap of an id table (nil = retired).
    init(ids: some Collection<ReportID?>) {
        words = ChunkedArray(repeating: 0, count: (ids.count + 63) / 64)
        slots = ids.count
        for (doc, id) in ids.enumerated() where id != nil { words[doc >> 6] |= 1 << UInt64(doc & 63) }
    }

    /// Whether `doc` is live.
    func contains(_ doc: UInt32) -> Bool {
        let d = Int(doc)
        return d < slots && words[d >> 6] & (1 << UInt64(d & 63)) != 0
    }

    /// A membership test over a flat copy of the bitmap, for a query's many tests (one array
    /// index instead of a chunk lookup per test; the copy is one bit per doc: 16 KiB for 131,072
    /// doc numbers).
    func flatTest() -> @Sendable (UInt32) -> Bool {
        let flat = Array(words)
        let slots = slots
        return { doc in
            let d = Int(doc)
            return d < slots && flat[d >> 6] & (1 << UInt64(d & 63)) != 0
        }
    }

    /// Adds the next doc number, live.
    mutating func appendLive() {
        if slots >> 6 == words.count { words.append(0) }
        words[slots >> 6] |= 1 << UInt64(slots & 63)
        slots += 1
    }

    /// Marks `doc` no longer live.
    mutating func retire(_ doc: UInt32) {
        let d = Int(doc)
        guard d < slots else { return }
        words[d >> 6] &= ~(1 << UInt64(d & 63))
    }

    /// Live docs in `range`.
    func count(in range: Range<UInt32>) -> Int {
        var n = 0
        for doc in range where contains(doc) { n += 1 }
        return n
    }
}
