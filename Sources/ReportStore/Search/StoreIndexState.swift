// StoreIndexState: the search index as a corpus version holds it — immutable
// segments (ReportIndex's IndexSegment: the imported corpus is one, recent writes are small
// ones that get merged) plus the texts of writes not yet tokenized.
//
// Invariants: segments cover ascending, disjoint doc ranges; pending docs are consecutive
// and above every segment (each put takes the next doc number). A doc replaced or removed
// stays in its segment until a merge drops it; queries filter it by liveness.
// A value type, copied (copy-on-write) for snapshots; Sendable.
import ReportIndex

/// A report written since the last flush: its doc number and text, waiting to be indexed.
struct PendingDoc: Sendable {
    let doc: UInt32
    let text: [UInt8]
}

/// The store's index: immutable segments plus writes not yet indexed.
struct StoreIndexState: Sendable {
    var segments: [IndexSegment] = []
    /// Chunks of 64: each write publishes a version whose pending list shares all but the last
    /// chunk with the previous one (a plain array would be copied whole, O(pending) per write).
    var pending = ChunkedArray<PendingDoc>(shift: 6)
    /// Bytes of pending texts (flushes are triggered by count or size).
    var pendingBytes = 0
    /// False for stores imported without an index: writes are not indexed either.
    var enabled = true

    /// Bytes held by the segments (pending texts not included).
    var byteCount: Int { segments.reduce(0) { $0 + $1.index.byteCount } }

    /// Distinct terms summed over segments.
    var termCount: Int { segments.reduce(0) { $0 + $1.index.termCount } }

    /// One segment built from pending docs (on the caller's thread).
    static func segment(of pending: some RandomAccessCollection<PendingDoc>) -> IndexSegment? {
        let pending = Array(pending)
        guard let first = pending.first, let last = pending.last else { return nil }
        let base = first.doc
        let slots = Int(last.doc - base) + 1
        var slotOf = [Int](repeating: -1, count: slots)
        for (i, doc) in zip(pending.indices, pending) { slotOf[Int(doc.doc - base)] = i }
        let byOffset = slotOf
        return IndexBuilder.buildSegment(base: base, docCount: slots) { offset in
            byOffset[offset] >= 0 ? pending[byOffset[offset]].text : nil
        }
    }

    /// Every segment, pending docs flushed into one more, as snapshot sections `index.<n>`.
    func sections() -> [(name: String, bytes: [UInt8])] {
        var all = segments
        if let tail = Self.segment(of: pending) { all.append(tail) }
        return all.enumerated().map { ("index.\($0.offset)", $0.element.serialized()) }
    }

    /// Reads the `index.<n>` sections back and checks they fit the store's doc slots. A store
    /// with live reports and no segment was kept without an index (an indexed one writes its
    /// pending docs as one more segment); one with no live report is indexed from here on.
    static func decode(_ sections: [String: [UInt8]], segmentCount: Int, slots: Int, liveDocs: Int) throws(StoreError) -> StoreIndexState {
        var segments: [IndexSegment] = []
        segments.reserveCapacity(segmentCount)
        var floor: UInt32 = 0
        for n in 0..<segmentCount {
            guard let bytes = sections["index.\(n)"] else { throw StoreImage.corrupt("section index.\(n) is missing") }
            let segment: IndexSegment
            do {
                segment = try IndexSegment(serialized: bytes)
            } catch {
                throw StoreImage.corrupt("index.\(n): \(error)")
            }
            let range = segment.docRange
            guard range.lowerBound >= floor, range.upperBound <= UInt32(slots) else {
                throw StoreImage.corrupt("index.\(n): doc range \(range) overlaps another segment or lies past the \(slots) doc slots")
            }
            floor = range.upperBound
            segments.append(segment)
        }
        return StoreIndexState(segments: segments, enabled: segmentCount > 0 || liveDocs == 0)
    }
}
