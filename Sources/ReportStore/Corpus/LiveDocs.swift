// LiveDocs: one bit per doc number, set while the doc is live. The store keeps it beside its id
// table, changed in the same lock hold; a query or a merge copies it once (O(1): the words are
// copy-on-write) and then tests liveness without any lock. A writer that changes it while a
// copy is held copies the words — one bit per doc, 16 KiB for 131,072 doc numbers.
// Invariant: bit d is set exactly when doc number d is live. A value type; Sendable.

/// The set of live doc numbers, as a bitmap.
struct LiveDocs: Sendable {
    private var words: [UInt64] = []
    /// Doc numbers covered (live or not): the next doc number is `slots`.
    private(set) var slots = 0

    init() {}

    /// The bitmap of an id table (nil = retired).
    init(ids: [ReportID?]) {
        words = [UInt64](repeating: 0, count: (ids.count + 63) / 64)
        slots = ids.count
        for (doc, id) in ids.enumerated() where id != nil { words[doc >> 6] |= 1 << UInt64(doc & 63) }
    }

    /// Whether `doc` is live.
    func contains(_ doc: UInt32) -> Bool {
        let d = Int(doc)
        return d < slots && words[d >> 6] & (1 << UInt64(d & 63)) != 0
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
