// CorpusState: the tables one corpus version consists of — id table, doc-number table,
// live-docs bitmap, arena entries, codecs, index segments and the writes not yet indexed —
// as one value. The store's writer copies the published version's state (O(1): every field is
// a copy-on-write value or a persistent structure), changes the copy and publishes it as the
// next CorpusVersion; the published state is never changed. `docs` is a TreeDictionary (a hash
// trie: an insert copies one path) and the per-doc tables are ChunkedArrays (a change copies
// one chunk), so publishing after a PUT costs O(log n + chunk), not O(n).
//
// Invariants (kept by ReportStore's writer):
// - `ids[d] == id` exactly when `docs[id] == d`, and then `live` has bit d and `arena` a live
//   entry for d; a retired doc number has `ids[d] == nil`, no bit, a retired entry.
// - Every live entry names a codec slot that is present; `current` is present.
// - Pending docs are consecutive writes above every segment's doc range.
// A value type; Sendable.
import HashTreeCollections
import ReportIndex

/// Everything a corpus version holds, as one copy-on-write value.
struct CorpusState: Sendable {
    var arena: CompressedArena
    var docs: TreeDictionary<ReportID, UInt32>
    var ids: ChunkedArray<ReportID?>
    /// Bit d set while doc d is live: `ids[d] != nil`.
    var live: LiveDocs
    var index: StoreIndexState
    /// Codec slots (a unit's `Entry.codec`); nil once no unit uses it. Slots are never reused.
    var codecs: [Codec?]
    /// The slot new writes compress with.
    var current: UInt8
    /// Bumped when the whole contents are replaced (a reload): background work built on an
    /// earlier lineage is dropped instead of merged in, since doc numbers start over.
    var lineage: UInt64 = 0

    init(arena: CompressedArena, ids: [ReportID?], index: StoreIndexState, codecs: [Codec?], current: UInt8) {
        var docs = TreeDictionary<ReportID, UInt32>()
        for (doc, id) in ids.enumerated() { if let id { docs[id] = UInt32(doc) } }
        self.arena = arena
        self.docs = docs
        self.ids = ChunkedArray(ids)
        live = LiveDocs(ids: ids)
        self.index = index
        self.codecs = codecs
        self.current = current
    }

    /// The codec new writes use.
    var currentCodec: Codec { codecs[Int(current)]! }

    /// Retires `doc` (a replaced or removed report) in every table.
    mutating func retire(_ doc: UInt32) {
        arena.retire(doc)
        ids[Int(doc)] = nil
        live.retire(doc)
    }
}
