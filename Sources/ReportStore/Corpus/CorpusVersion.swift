// CorpusVersion: one immutable, complete state of the corpus — id tables, live docs, arena
// entries, codecs, index segments and not-yet-indexed writes — as ReportStore publishes it
// through its one atomic reference (a ManagedAtomic<CorpusVersion>). A request loads the
// current version once and answers from it alone: every report it reads, every query it ranks
// and every hit it resolves belong to the same instant, and it never takes a lock (LevelDB's
// Version, Lucene's point-in-time searcher).
//
// Ownership and ordering (docs/ARCHITECTURE.md, "Corpus versions"):
// - Only the store's writer makes versions: it holds the store's write lock, copies the current
//   version's state, changes the copy and publishes it as `number + 1`. Writes are applied in
//   the order the writer is called (ServedCorpus calls it in log order, after logging).
// - Background work (flushes, merges, compaction, recompression) builds its result from a
//   version it loaded, off the lock, then takes the write lock and checks the version it is
//   about to replace: unchanged inputs (same segments by identity, same pending docs, same
//   units) are swapped in; inputs a write changed meanwhile are re-applied (compaction copies
//   the few new units) or the work is dropped (a merge whose segments moved).
// - Unit bytes in arena chunks are written before the version naming them is published and
//   never change afterwards, so a reader holding a version can inflate any unit it names.
// Invariant: `state` never changes after publication (see CorpusState for the table rules).
// Thread-safe: immutable; the lazily built pending-writes segment is set at most once, atomically.
import Atomics
import ReportIndex

/// One published state of the corpus; read it without locks.
public final class CorpusVersion: Sendable {
    /// Counts publications of this store: each version is its predecessor's number + 1.
    public let number: UInt64
    let state: CorpusState
    /// The pending writes tokenized into a segment, built by the first query that needs it.
    private let pendingTail = ManagedAtomicLazyReference<PendingSegment>()

    init(number: UInt64, state: CorpusState) {
        self.number = number
        self.state = state
    }

    // MARK: Reports

    /// Number of live reports.
    public var count: Int { state.docs.count }

    /// The preset dictionary new writes are compressed with (raw deflate needs it to inflate).
    public var dictionary: [UInt8] { state.currentCodec.dictionary }
    /// CRC-32 of `dictionary`: lets a client check it holds the right dictionary.
    public var dictionaryID: UInt32 { state.currentCodec.id }

    /// The doc number of `id`, if live.
    public func docNumber(for id: ReportID) -> UInt32? { state.docs[id] }

    /// The ID of doc number `doc`, if live.
    public func id(forDoc doc: UInt32) -> ReportID? {
        Int(doc) < state.ids.count ? state.ids[Int(doc)] : nil
    }

    /// The stored unit of `id`, to inflate or send as it is; nil when there is no such report.
    public func unit(of id: ReportID) -> ReportUnit? {
        state.docs[id].flatMap(unit(ofDoc:))
    }

    /// The stored unit of doc number `doc`; nil when it is not live.
    func unit(ofDoc doc: UInt32) -> ReportUnit? {
        guard let e = state.arena.entry(doc) else { return nil }
        return ReportUnit(chunk: state.arena.chunk(of: e), entry: e, codec: state.codecs[Int(e.codec)]!)
    }

    /// The text of `id`, byte for byte as imported or put; nil when there is no such report.
    /// - Throws: `.corrupt` when the stored unit is damaged.
    public func text(for id: ReportID) throws(StoreError) -> [UInt8]? {
        try unit(of: id)?.text()
    }

    /// The text of doc number `doc`; nil when it is not live.
    /// - Throws: `.corrupt` when the stored unit is damaged.
    public func text(forDoc doc: UInt32) throws(StoreError) -> [UInt8]? {
        try unit(ofDoc: doc)?.text()
    }

    /// The stored unit of `id` as a value (raw deflate with the dictionary `dictionaryID` names).
    public func compressedText(for id: ReportID) -> CompressedReport? {
        unit(of: id).map { u in
            CompressedReport(
                bytes: u.withCompressedBytes { Array($0) }, textLength: u.textLength, crc32: u.crc32, dictionaryID: u.dictionaryID)
        }
    }

    /// IDs of all live reports, sorted.
    public func reportIDs() -> [ReportID] { Array(state.docs.keys).sorted() }

    /// Length and CRC-32 of every live report, as recorded at write time (no inflating).
    public func fingerprints() -> [ReportID: ReportFingerprint] {
        var all: [ReportID: ReportFingerprint] = [:]
        all.reserveCapacity(state.docs.count)
        for (id, doc) in state.docs {
            if let e = state.arena.entry(doc) { all[id] = ReportFingerprint(length: Int(e.textLength), crc: e.crc) }
        }
        return all
    }

    /// Sizes of this version.
    public var statistics: StoreStatistics {
        let s = state
        return StoreStatistics(
            reportCount: s.arena.liveCount, rawBytes: s.arena.liveRawBytes, compressedBytes: s.arena.liveCompressedBytes,
            dictionaryBytes: s.codecs.reduce(0) { $0 + ($1?.dictionary.count ?? 0) },
            garbageBytes: s.arena.garbageBytes, arenaCapacityBytes: s.arena.capacityBytes,
            docNumberLimit: s.arena.entries.count, indexBytes: s.index.byteCount,
            indexTerms: s.index.termCount, indexSegments: s.index.segments.count, indexPendingDocs: s.index.pending.count,
            dictionaries: s.codecs.reduce(0) { $0 + ($1 == nil ? 0 : 1) })
    }

    // MARK: Index

    /// Whether writes of this version wait to be tokenized into a segment.
    var hasPendingWrites: Bool { !state.index.pending.isEmpty }

    /// The pending writes as one segment, tokenized once per version (by whichever caller
    /// comes first; a second caller racing it may tokenize too, and the first stored wins).
    var pendingSegment: IndexSegment? {
        guard hasPendingWrites else { return nil }
        if let built = pendingTail.load() { return built.segment }
        return pendingTail.storeIfNilThenLoad(PendingSegment(StoreIndexState.segment(of: state.index.pending))).segment
    }

    /// Whether `pendingSegment` has been built for this version.
    var hasBuiltPendingSegment: Bool { pendingTail.load() != nil }

    /// The index of every write in this version: the segments, plus the pending writes.
    var searchIndex: SegmentedIndex {
        var segments = state.index.segments
        if let tail = pendingSegment { segments.append(tail) }
        return SegmentedIndex(segments: segments)
    }
}

extension CorpusVersion: AtomicReference {}
