// ReportStore: the corpus in memory, one raw-deflate unit per report, made with a preset
// dictionary trained at import (or, for a store filled by writes, trained once enough reports
// have arrived; units made with the previous dictionary are recompressed in the background).
// The entry point the server calls.
//
// Invariants:
// - Each live report has a dense UInt32 doc number; numbers 0..<n go to the imported reports
//   in import order; put() of a new text (new ID or replacement) takes the next number; a
//   retired number is never reused during the store's lifetime.
// - `state` (ID table, arena entry table, codecs, index segments and pending writes) changes
//   only under its Mutex, and every change is a single step there: a reader sees a report —
//   its text and its index entry — either wholly before or wholly after a write.
//   Unit bytes are written before their entry is published and never change afterwards.
// - Every live entry names a codec slot that is present (slots are dropped only when unused).
// Thread-safe: any number of readers and writers may call concurrently. Reads hold the lock
// only for a dictionary lookup; inflating runs outside it with a pooled Inflater.
import Dispatch
import ReportIndex
import Synchronization
import ReportChecksum

/// Compressed, in-memory report corpus.
public final class ReportStore: Sendable {
    struct State {
        var arena: CompressedArena
        var docs: [ReportID: UInt32]
        var ids: [ReportID?]
        /// Bit d set while doc d is live: `ids[d] != nil`, copied O(1) by queries and merges.
        var live: LiveDocs
        var index: StoreIndexState
        /// Codec slots (a unit's `Entry.codec`); nil once no unit uses it. Slots are never reused.
        var codecs: [Codec?]
        /// The slot new writes compress with.
        var current: UInt8
    }

    /// The preset dictionary new writes are compressed with (raw deflate needs it to inflate).
    public var dictionary: [UInt8] { currentCodec.dictionary }
    /// CRC-32 of `dictionary`: lets a client check it holds the right dictionary.
    public var dictionaryID: UInt32 { currentCodec.id }
    var currentCodec: Codec { state.withLock { $0.codecs[Int($0.current)]! } }
    /// A dictionary retraining is queued or running.
    let retraining = Atomic<Bool>(false)
    /// Serialises index flushes (tokenizing pending writes into a segment).
    let flushLock = Mutex<Void>(())
    /// Runs segment merges one at a time, off the request threads.
    let maintenance = DispatchQueue(label: "reportd.index-maintenance", qos: .utility)
    let mergeScheduled = Atomic<Bool>(false)
    private let maxReportBytes: Int
    let level: Int
    let memLevel: Int
    let state: Mutex<State>
    let trainer: DictionaryTrainer
    let dictionarySize: Int

    /// - Parameter codecs: (slot, dictionary, reports it was trained on); the last is current.
    init(
        codecs: [(slot: UInt8, dictionary: [UInt8], trainedOn: Int)], options: ImportOptions, arena: CompressedArena,
        ids: [ReportID?], index: StoreIndexState = StoreIndexState()
    ) {
        maxReportBytes = min(max(options.maxReportBytes, 0), Int(UInt32.max))
        level = options.level
        memLevel = options.memLevel
        trainer = options.trainer
        dictionarySize = options.dictionarySize
        var docs: [ReportID: UInt32] = [:]
        docs.reserveCapacity(ids.count)
        for (doc, id) in ids.enumerated() { if let id { docs[id] = UInt32(doc) } }
        var slots = [Codec?](repeating: nil, count: Int(codecs.map(\.slot).max() ?? 0) + 1)
        for c in codecs {
            slots[Int(c.slot)] = Codec(dictionary: c.dictionary, trainedOn: c.trainedOn, level: options.level, memLevel: options.memLevel)
        }
        state = Mutex(
            State(
                arena: arena, docs: docs, ids: ids, live: LiveDocs(ids: ids), index: index, codecs: slots,
                current: codecs.last?.slot ?? 0))
    }

    private convenience init(
        dictionary: [UInt8], trainedOn: Int, options: ImportOptions, arena: CompressedArena, ids: [ReportID?],
        index: StoreIndexState = StoreIndexState()
    ) {
        self.init(codecs: [(0, dictionary, trainedOn)], options: options, arena: arena, ids: ids, index: index)
    }

    /// An empty store whose puts compress with `dictionary` (which may be empty: then the store
    /// trains one once enough reports have been written).
    public convenience init(dictionary: [UInt8] = [], options: ImportOptions = ImportOptions()) {
        self.init(dictionary: dictionary, trainedOn: dictionary.isEmpty ? 0 : Int.max, options: options, arena: CompressedArena(), ids: [])
    }

    /// Reads every source, trains the dictionary on a sample, compresses all reports in
    /// parallel, and returns the store with a summary. Bad input never stops the import: each
    /// skipped file or line is an issue in the summary.
    /// - Parameter progress: called at most every `options.progressInterval` seconds, from
    ///   the calling thread or a worker thread.
    public static func load(
        _ sources: [ImportSource], options: ImportOptions = ImportOptions(),
        progress: (@Sendable (ImportProgress) -> Void)? = nil
    ) -> (ReportStore, ImportSummary) {
        let started = ContinuousClock.now
        var importer = ReportImporter(options: options, progress: progress)
        importer.load(sources)
        var corpus = importer.corpus
        importer.corpus = RawCorpus()
        var issues = importer.issues
        let readingSeconds = (ContinuousClock.now - started).seconds

        progress?(ImportProgress(phase: .training, filesDone: corpus.count, bytesDone: corpus.bytes.count))
        let trainingStarted = ContinuousClock.now
        var trainer = options.trainer
        trainer.dictionarySize = options.dictionarySize
        let dictionary = corpus.bytes.withUnsafeBytes { all in
            trainer.train(count: corpus.count) { UnsafeRawBufferPointer(rebasing: all[corpus.range($0)]) }
        }
        let trainingSeconds = (ContinuousClock.now - trainingStarted).seconds

        let compressor = ParallelCompressor(dictionary: dictionary, options: options, progress: progress)
        var arena = CompressedArena()
        var ids = corpus.ids
        let compressingStarted = ContinuousClock.now
        do {
            arena = try compressor.compress(corpus)
        } catch {
            // Only a zlib set-up failure lands here (e.g. out of memory): nothing is stored.
            for id in ids {
                issues.append(ImportIssue(path: corpus.origins[id] ?? id.rawValue, code: error.code, reason: error.message))
            }
            ids = []
        }
        let compressingSeconds = (ContinuousClock.now - compressingStarted).seconds

        // Index while the texts are still uncompressed; doc number i is corpus text i.
        var searchIndex: SearchIndex?
        let indexingStarted = ContinuousClock.now
        if options.buildsSearchIndex && !ids.isEmpty {
            progress?(ImportProgress(phase: .indexing, filesDone: corpus.count, bytesDone: corpus.bytes.count))
            let texts = corpus
            searchIndex = IndexBuilder.build(docCount: texts.count) { Array(texts.bytes[texts.range($0)]) }
        }
        let indexingSeconds = (ContinuousClock.now - indexingStarted).seconds
        let rawBytes = corpus.bytes.count
        let loaded = ids.count
        corpus = RawCorpus()  // release the raw texts before trimming the heap
        let store = ReportStore(
            dictionary: dictionary, trainedOn: ids.count, options: options, arena: arena, ids: ids,
            index: StoreIndexState(segments: searchIndex.map { [IndexSegment(base: 0, index: $0)] } ?? [], enabled: options.buildsSearchIndex))
        HeapTrimmer.trim()
        let summary = ImportSummary(
            loaded: loaded, skipped: issues.count, rawBytes: loaded == 0 ? 0 : rawBytes, issues: issues,
            seconds: (ContinuousClock.now - started).seconds, readingSeconds: readingSeconds,
            trainingSeconds: trainingSeconds, compressingSeconds: compressingSeconds, indexingSeconds: indexingSeconds)
        return (store, summary)
    }

    /// Rebuilds a store from the sections `FrozenStore.sections()` made: no inflating,
    /// compressing or tokenizing. `options` supplies the limits (`maxReportBytes`); the zlib
    /// settings are the snapshot's.
    /// - Throws: `.corrupt` naming the section when the bytes are inconsistent.
    public static func restore(sections: [String: [UInt8]], options: ImportOptions = ImportOptions()) throws(StoreError) -> ReportStore {
        let image = try StoreImage.decode(sections)
        var settings = options
        settings.level = image.level
        settings.memLevel = image.memLevel
        let store = ReportStore(codecs: image.codecs, options: settings, arena: image.arena, ids: image.ids, index: image.index)
        // Units still made with an older dictionary are recompressed in the background.
        if image.codecs.count > 1 { store.scheduleRetraining() }
        return store
    }

    /// A consistent copy of the whole store at this instant, O(1) under the lock; the caller
    /// turns it into snapshot sections on another thread while writes go on.
    public func freeze() -> FrozenStore {
        state.withLock { s in
            FrozenStore(
                codecs: s.codecs.enumerated().compactMap { slot, codec in codec.map { (UInt8(slot), $0) } },
                current: s.current, level: level, memLevel: memLevel, arena: s.arena, ids: s.ids, index: s.index)
        }
    }

    // MARK: Reading

    /// The text of `id`, byte for byte as imported or put; nil when there is no such report.
    /// - Throws: `.corrupt` when the stored unit is damaged.
    public func text(for id: ReportID) throws(StoreError) -> [UInt8]? {
        guard let (chunk, e, codec) = location(id) else { return nil }
        return try codec.inflaters.inflate(
            chunk.bytes(at: Int(e.offset), count: Int(e.length)), textLength: Int(e.textLength), crc: e.crc)
    }

    /// The text of doc number `doc`; nil when it is not live.
    /// - Throws: `.corrupt` when the stored unit is damaged.
    public func text(forDoc doc: UInt32) throws(StoreError) -> [UInt8]? {
        guard let (chunk, e, codec) = location(doc) else { return nil }
        return try codec.inflaters.inflate(
            chunk.bytes(at: Int(e.offset), count: Int(e.length)), textLength: Int(e.textLength), crc: e.crc)
    }

    /// The stored unit of `id` (raw deflate with the dictionary `dictionaryID` names), for
    /// clients that inflate. Its dictionary is not the current one only for a moment after the
    /// store retrained its dictionary; callers then serve the text instead.
    public func compressedText(for id: ReportID) -> CompressedReport? {
        guard let (chunk, e, codec) = location(id) else { return nil }
        return CompressedReport(
            bytes: Array(chunk.bytes(at: Int(e.offset), count: Int(e.length))), textLength: Int(e.textLength),
            crc32: e.crc, dictionaryID: codec.id)
    }

    /// Text length and CRC-32 of `id` as recorded at write time, without inflating.
    func storedLengthAndCRC(_ id: ReportID) -> (length: Int, crc: UInt32)? {
        location(id).map { (Int($0.1.textLength), $0.1.crc) }
    }

    /// The doc number of `id`, if live.
    public func docNumber(for id: ReportID) -> UInt32? {
        state.withLock { $0.docs[id] }
    }

    /// The ID of doc number `doc`, if live.
    public func id(forDoc doc: UInt32) -> ReportID? {
        state.withLock { s in Int(doc) < s.ids.count ? s.ids[Int(doc)] : nil }
    }

    /// Number of live reports.
    public var count: Int { state.withLock { $0.docs.count } }

    /// IDs of all live reports, sorted.
    public func reportIDs() -> [ReportID] {
        state.withLock { Array($0.docs.keys) }.sorted()
    }

    /// Length and CRC-32 of every live report, as recorded at write time (no inflating).
    public func fingerprints() -> [ReportID: ReportFingerprint] {
        state.withLock { s in
            var all: [ReportID: ReportFingerprint] = [:]
            all.reserveCapacity(s.docs.count)
            for (id, doc) in s.docs {
                if let e = s.arena.entry(doc) { all[id] = ReportFingerprint(length: Int(e.textLength), crc: e.crc) }
            }
            return all
        }
    }

    /// Sizes at this moment.
    public var statistics: StoreStatistics {
        state.withLock { s in
            StoreStatistics(
                reportCount: s.arena.liveCount, rawBytes: s.arena.liveRawBytes,
                compressedBytes: s.arena.liveCompressedBytes,
                dictionaryBytes: s.codecs.reduce(0) { $0 + ($1?.dictionary.count ?? 0) },
                garbageBytes: s.arena.garbageBytes, arenaCapacityBytes: s.arena.capacityBytes,
                docNumberLimit: s.arena.entries.count, indexBytes: s.index.byteCount,
                indexTerms: s.index.termCount, indexSegments: s.index.segments.count, indexPendingDocs: s.index.pending.count,
                dictionaries: s.codecs.reduce(0) { $0 + ($1 == nil ? 0 : 1) })
        }
    }

    /// ID to unit in one lock hold: a replacement between two lookups would otherwise make a
    /// live report look missing.
    private func location(_ id: ReportID) -> (ArenaChunk, Entry, Codec)? {
        state.withLock { s in s.docs[id].flatMap { s.arena.entry($0) }.map { (s.arena.chunk(of: $0), $0, s.codecs[Int($0.codec)]!) } }
    }

    /// The live doc numbers at this instant, copied in one lock hold: a query or a merge tests
    /// liveness on it without taking the lock again.
    func liveDocs() -> LiveDocs {
        state.withLock { $0.live }
    }

    /// Id and unit of each of `docs` (nil when not live), in one lock hold.
    func locations(ofDocs docs: [UInt32]) -> [(id: ReportID, chunk: ArenaChunk, entry: Entry, codec: Codec)?] {
        state.withLock { s in
            docs.map { doc in
                guard Int(doc) < s.ids.count, let id = s.ids[Int(doc)], let e = s.arena.entry(doc) else { return nil }
                return (id, s.arena.chunk(of: e), e, s.codecs[Int(e.codec)]!)
            }
        }
    }

    func location(_ doc: UInt32) -> (ArenaChunk, Entry, Codec)? {
        state.withLock { s in s.arena.entry(doc).map { (s.arena.chunk(of: $0), $0, s.codecs[Int($0.codec)]!) } }
    }

    // MARK: Writing

    /// Adds `id`, or replaces its text: `prepare` then `apply`.
    /// - Returns: the report's new doc number.
    /// - Throws: `.empty`, `.tooLarge` or `.invalidUTF8`; the store is unchanged then.
    @discardableResult
    public func put(id: ReportID, text: [UInt8]) throws(StoreError) -> UInt32 {
        apply(try prepare(id: id, text: text))
    }

    /// Validates and compresses a write without touching the store, so that callers can do
    /// the expensive part on their own thread, in parallel, and `apply` under their lock.
    /// - Parameter validating: false only when replaying writes that were accepted before (a
    ///   logged write is kept even if the size limit has since been lowered).
    /// - Throws: `.empty`, `.tooLarge`, `.invalidUTF8` (or `.io` if zlib fails).
    public func prepare(id: ReportID, text: [UInt8], validating: Bool = true) throws(StoreError) -> PreparedReport {
        if validating {
            guard !text.isEmpty else { throw StoreError(.empty, "report \(id): empty text") }
            guard text.count <= maxReportBytes else {
                throw StoreError(.tooLarge, "report \(id): \(text.count) bytes, over the limit of \(maxReportBytes)")
            }
            guard text.withUnsafeBufferPointer({ String(validating: $0, as: UTF8.self) }) != nil else {
                throw StoreError(.invalidUTF8, "report \(id): text is not valid UTF-8")
            }
        }
        let (slot, codec) = state.withLock { ($0.current, $0.codecs[Int($0.current)]!) }
        return PreparedReport(
            id: id, text: text, unit: try codec.deflaters.compress(text), crc: Checksum.crc32(text), codec: codec,
            slot: slot)
    }

    /// Adds or replaces the prepared report in one step under the lock. The new text gets a
    /// new doc number (a replaced one's number is retired).
    /// - Returns: the report's new doc number.
    @discardableResult
    public func apply(_ report: PreparedReport) -> UInt32 {
        var report = report
        var needsRecompression = false
        let (doc, due, undertrained) = state.withLock { s -> (UInt32, Bool, Bool) in
            if !s.codecs.indices.contains(Int(report.slot)) || s.codecs[Int(report.slot)] !== report.codec {
                // Prepared with a codec this store has since dropped (or by another store): the
                // unit is valid for that codec, so register it again in a free slot; the
                // background recompression moves the unit to the current dictionary later.
                let slot = s.codecs.firstIndex { $0 == nil } ?? s.codecs.count
                precondition(slot <= Int(UInt8.max), "more than 256 dictionaries in one store")
                if slot == s.codecs.count { s.codecs.append(report.codec) } else { s.codecs[slot] = report.codec }
                report = PreparedReport(
                    id: report.id, text: report.text, unit: report.unit, crc: report.crc, codec: report.codec, slot: UInt8(slot))
                needsRecompression = true
            }
            if let old = s.docs[report.id] {
                s.arena.retire(old)
                s.ids[Int(old)] = nil
                s.live.retire(old)
            }
            let doc = s.arena.append(unit: report.unit, textLength: report.text.count, crc: report.crc, codec: report.slot)
            s.docs[report.id] = doc
            s.ids.append(report.id)
            s.live.appendLive()
            if s.index.enabled {
                s.index.pending.append(PendingDoc(doc: doc, text: report.text))
                s.index.pendingBytes += report.text.count
            }
            return (
                doc,
                s.index.pending.count >= Self.flushDocs || s.index.pendingBytes >= Self.flushBytes || Self.isWasteful(s.arena),
                Self.isUndertrained(s)
            )
        }
        if due { scheduleIndexMaintenance() }
        // Both checks were made in the lock hold above; scheduling is a no-op while a job runs.
        if (undertrained && !retraining.load(ordering: .relaxed)) || needsRecompression { scheduleRetraining() }
        return doc
    }

    /// Removes `id`; its doc number is retired. Returns false when there was no such report.
    @discardableResult
    public func remove(id: ReportID) -> Bool {
        let (removed, wasteful) = state.withLock { s -> (Bool, Bool) in
            guard let doc = s.docs.removeValue(forKey: id) else { return (false, false) }
            s.arena.retire(doc)
            s.ids[Int(doc)] = nil
            s.live.retire(doc)
            return (true, Self.isWasteful(s.arena))
        }
        if wasteful { scheduleIndexMaintenance() }
        return removed
    }

    /// Whether replaced and removed units hold enough memory to be worth a compaction: the same
    /// rule as the index's dead-document allowance — dead bytes over a twentieth of the live
    /// bytes (so the texts stay under 1.05 x their live size; units written with an older
    /// dictionary may already take a few percent more than a fresh import's) — and at least
    /// 16 KiB. A compaction copies the live units (a memcpy, off the lock), about twenty times
    /// the garbage it frees.
    static func isWasteful(_ arena: CompressedArena) -> Bool {
        arena.garbageBytes >= 16 << 10 && arena.garbageBytes * 20 > arena.liveCompressedBytes
    }

    /// Compacts the arena when `isWasteful` says so (on the maintenance queue).
    func compactIfWasteful() {
        if state.withLock({ Self.isWasteful($0.arena) }) { compactOnMaintenanceQueue() }
    }

    /// Rewrites the arena with only live units, freeing the garbage of replaced and removed
    /// reports. Doc numbers do not change. The units are copied off the lock from a copy of the
    /// arena; the lock is held only to take that copy and to swap the new entries in (writes made
    /// meanwhile keep their units). Readers in flight keep the old chunks alive. Runs on the
    /// maintenance queue (so one compaction at a time) and waits for it.
    public func compact() {
        maintenance.sync { compactOnMaintenanceQueue() }
    }

    /// `compact()`'s work, for a caller already on the maintenance queue.
    private func compactOnMaintenanceQueue() {
        let original = state.withLock { $0.arena }
        let compacted = original.compacted()
        state.withLock { $0.arena.adopt(compacted, basedOn: original) }
        HeapTrimmer.trim()
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

extension ReportStore {
    /// Test hook: runs `body` on the arena under the lock (used to simulate damaged bytes).
    func withArenaForTesting(_ body: (inout CompressedArena) -> Void) {
        state.withLock { body(&$0.arena) }
    }
}
