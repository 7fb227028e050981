// ReportStore: the corpus in memory, one raw-deflate unit per report, made with a preset
// dictionary trained at import (or, for a store filled by writes, trained once enough reports
// have arrived; units made with the previous dictionary are recompressed in the background).
// The one owner of the corpus state: it publishes the state as immutable CorpusVersions
// through one atomic reference, and every read answers from the version it loaded.
//
// Invariants:
// - Each live report has a dense UInt32 doc number; numbers 0..<n go to the imported reports
//   in import order; put() of a new text (new ID or replacement) takes the next number; a
//   retired number is never reused during the store's lifetime.
// - `published` is the only mutable corpus state. It changes only under `writeLock`, by
//   publishing a new version built from the one it replaces (`withWriter`); so versions are
//   totally ordered, each a consistent whole: a reader sees a report — its text and its index
//   entry — either wholly before or wholly after a write.
// - Unit bytes are written before the version naming them is published and never change.
// - Every live entry names a codec slot that is present (slots are dropped only when unused).
// Thread-safe: any number of readers and writers may call concurrently. Reads load the
// current version once (an atomic load) and take no lock; writes and background publications
// are serialised by `writeLock`, which no reader waits for. The ordering rules are written
// down in CorpusVersion's header and docs/ARCHITECTURE.md ("Corpus versions").
import Atomics
import Dispatch
import ReportIndex
import Synchronization
import ReportChecksum

/// Compressed, in-memory report corpus.
public final class ReportStore: Sendable {
    /// The current version: the one atomic reference every read loads.
    private let published: ManagedAtomic<CorpusVersion>
    /// Serialises everything that publishes a version (writes, flushes, merges, compaction,
    /// retraining). Readers never take it.
    private let writeLock = Mutex<Void>(())

    /// The version a request reads from: load it once and answer from it alone.
    public var current: CorpusVersion { published.load(ordering: .acquiring) }

    /// The preset dictionary new writes are compressed with (raw deflate needs it to inflate).
    public var dictionary: [UInt8] { current.dictionary }
    /// CRC-32 of `dictionary`: lets a client check it holds the right dictionary.
    public var dictionaryID: UInt32 { current.dictionaryID }
    /// A dictionary retraining is queued or running.
    let retraining = Atomic<Bool>(false)
    /// Runs background work (flushes, merges, compaction, retraining) one job at a time, off
    /// the request threads.
    let maintenance = DispatchQueue(label: "reportd.index-maintenance", qos: .utility)
    let mergeScheduled = Atomic<Bool>(false)
    /// The last version a query tokenized pending writes for: the background flush publishes that
    /// segment rather than tokenizing the same writes again from a newer version.
    let tokenizedTail = ManagedAtomic<CorpusVersion?>(nil)
    private let maxReportBytes: Int
    let level: Int
    let memLevel: Int
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
        var slots = [Codec?](repeating: nil, count: Int(codecs.map(\.slot).max() ?? 0) + 1)
        for c in codecs {
            slots[Int(c.slot)] = Codec(dictionary: c.dictionary, trainedOn: c.trainedOn, level: options.level, memLevel: options.memLevel)
        }
        let state = CorpusState(arena: arena, ids: ids, index: index, codecs: slots, current: codecs.last?.slot ?? 0)
        published = ManagedAtomic(CorpusVersion(number: 0, state: state))
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
        self.init(
            dictionary: dictionary, trainedOn: dictionary.isEmpty ? 0 : Int.max, options: options, arena: CompressedArena(), ids: [],
            index: StoreIndexState(enabled: options.buildsSearchIndex))
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
    /// compressing or tokenizing — except for a snapshot written without a search index
    /// (--no-search-index) restored with `options.buildsSearchIndex`: its texts are indexed
    /// here, after `indexing(reports)` is called, so SEARCH and COUNT find them. `options`
    /// supplies the limits (`maxReportBytes`); the zlib settings are the snapshot's.
    /// - Throws: `.corrupt` naming the section when the bytes are inconsistent, or the report
    ///   whose unit does not inflate while indexing.
    public static func restore(
        sections: [String: [UInt8]], options: ImportOptions = ImportOptions(), indexing: ((Int) -> Void)? = nil
    ) throws(StoreError) -> ReportStore {
        let image = try StoreImage.decode(sections)
        var settings = options
        settings.level = image.level
        settings.memLevel = image.memLevel
        // Asked for no index, the snapshot's is dropped (SEARCH and COUNT are then refused).
        let index = options.buildsSearchIndex ? image.index : StoreIndexState(enabled: false)
        let store = ReportStore(codecs: image.codecs, options: settings, arena: image.arena, ids: image.ids, index: index)
        if options.buildsSearchIndex && !image.index.enabled {
            // Indexed from the store's own version and published as its next one (nothing else
            // holds the store yet).
            indexing?(store.count)
            let version = store.current
            let failure = Mutex<StoreError?>(nil)
            let segment = IndexBuilder.buildSegment(base: 0, docCount: image.ids.count) { doc in
                do throws(StoreError) {
                    return try version.text(forDoc: UInt32(doc))
                } catch {
                    let id = version.id(forDoc: UInt32(doc)).map { "report \($0.rawValue)" } ?? "doc \(doc)"
                    failure.withLock { if $0 == nil { $0 = StoreError(error.code, "\(id): \(error.message)") } }
                    return nil
                }
            }
            if let error = failure.withLock({ $0 }) { throw error }
            store.update { $0.index = StoreIndexState(segments: [segment]) }
        }
        // Units still made with an older dictionary are recompressed in the background.
        if image.codecs.count > 1 { store.scheduleRetraining() }
        return store
    }

    /// A consistent copy of the whole store at this instant (the current version), O(1); the
    /// caller turns it into snapshot sections on another thread while writes go on.
    public func freeze() -> FrozenStore {
        let s = current.state
        return FrozenStore(
            codecs: s.codecs.enumerated().compactMap { slot, codec in codec.map { (UInt8(slot), $0) } },
            current: s.current, level: level, memLevel: memLevel, arena: s.arena, ids: s.ids, index: s.index)
    }

    // MARK: Reading (each loads the current version once; see `current` to read several things
    // from one version)

    /// The text of `id`, byte for byte as imported or put; nil when there is no such report.
    /// - Throws: `.corrupt` when the stored unit is damaged.
    public func text(for id: ReportID) throws(StoreError) -> [UInt8]? {
        try current.text(for: id)
    }

    /// The text of doc number `doc`; nil when it is not live.
    /// - Throws: `.corrupt` when the stored unit is damaged.
    public func text(forDoc doc: UInt32) throws(StoreError) -> [UInt8]? {
        try current.text(forDoc: doc)
    }

    /// The stored unit of `id` (raw deflate with the dictionary `dictionaryID` names), for
    /// clients that inflate. Its dictionary is not the current one only for a moment after the
    /// store retrained its dictionary; callers then serve the text instead.
    public func compressedText(for id: ReportID) -> CompressedReport? {
        current.compressedText(for: id)
    }

    /// The doc number of `id`, if live.
    public func docNumber(for id: ReportID) -> UInt32? { current.docNumber(for: id) }

    /// The ID of doc number `doc`, if live.
    public func id(forDoc doc: UInt32) -> ReportID? { current.id(forDoc: doc) }

    /// Number of live reports.
    public var count: Int { current.count }

    /// IDs of all live reports, sorted.
    public func reportIDs() -> [ReportID] { current.reportIDs() }

    /// Length and CRC-32 of every live report, as recorded at write time (no inflating).
    public func fingerprints() -> [ReportID: ReportFingerprint] { current.fingerprints() }

    /// Sizes at this moment.
    public var statistics: StoreStatistics { current.statistics }

    // MARK: Publishing

    /// Runs `body` as the writer: with the write lock held, on the current version, which
    /// `body` may replace by calling `publish` on the state it derived from it. Every change of
    /// the corpus goes through here, so versions form one sequence.
    func withWriter<R>(_ body: (CorpusVersion, (CorpusState) -> Void) -> R) -> R {
        writeLock.withLock { _ in
            let base = published.load(ordering: .relaxed)
            return body(base) { state in
                published.store(CorpusVersion(number: base.number &+ 1, state: state), ordering: .releasing)
            }
        }
    }

    /// Publishes `change` applied to a copy of the current state (in the write lock).
    @discardableResult
    func update<R>(_ change: (inout CorpusState) -> R) -> R {
        withWriter { base, publish in
            var state = base.state
            let result = change(&state)
            publish(state)
            return result
        }
    }

    /// Replaces the whole contents with `other`'s current version (a reload without a data
    /// directory). `other` must not be used afterwards; its background work is waited for first,
    /// so nothing else appends to the arena chunks the two now share.
    public func replaceContents(with other: ReportStore) {
        other.waitForIndexMaintenance()
        let adopted = other.current.state
        update { state in
            let lineage = state.lineage &+ 1
            state = adopted
            state.lineage = lineage
        }
        scheduleIndexMaintenance()
        if adopted.codecs.compactMap({ $0 }).count > 1 { scheduleRetraining() }
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
        let state = current.state
        let (slot, codec) = (state.current, state.currentCodec)
        return PreparedReport(
            id: id, text: text, unit: try codec.deflaters.compress(text), crc: Checksum.crc32(text), codec: codec,
            slot: slot)
    }

    /// Adds or replaces the prepared report and publishes the version holding it. The new text
    /// gets a new doc number (a replaced one's number is retired).
    /// - Returns: the report's new doc number.
    @discardableResult
    public func apply(_ report: PreparedReport) -> UInt32 {
        var report = report
        var needsRecompression = false
        let (doc, due, undertrained) = update { s -> (UInt32, Bool, Bool) in
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
            if let old = s.docs[report.id] { s.retire(old) }
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
        // Both checks were made on the published state; scheduling is a no-op while a job runs.
        if (undertrained && !retraining.load(ordering: .relaxed)) || needsRecompression { scheduleRetraining() }
        return doc
    }

    /// Removes `id`; its doc number is retired. Returns false when there was no such report
    /// (no version is published then).
    @discardableResult
    public func remove(id: ReportID) -> Bool {
        let (removed, wasteful) = withWriter { base, publish -> (Bool, Bool) in
            guard let doc = base.state.docs[id] else { return (false, false) }
            var s = base.state
            s.docs[id] = nil
            s.retire(doc)
            publish(s)
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
        if Self.isWasteful(current.state.arena) { compactOnMaintenanceQueue() }
    }

    /// Rewrites the arena with only live units, freeing the garbage of replaced and removed
    /// reports. Doc numbers do not change. The units are copied off the lock from the current
    /// version's arena; the writer then adopts the copy into the version current by then (the
    /// units of writes made meanwhile are copied after it). Readers in flight keep the old
    /// chunks alive. Runs on the maintenance queue (so one compaction at a time) and waits for it.
    public func compact() {
        maintenance.sync { compactOnMaintenanceQueue() }
    }

    /// `compact()`'s work, for a caller already on the maintenance queue.
    private func compactOnMaintenanceQueue() {
        compact(from: current)
    }

    /// Compacts the arena of `version` and adopts the copy into the version current by then,
    /// which may be a later one (tests make it so).
    func compact(from version: CorpusVersion) {
        let base = version.state
        let compacted = base.arena.compacted()
        withWriter { now, publish in
            // Version check: a reload since makes the copy another corpus's (dropped); otherwise
            // units still where `base` had them move to the copy, and those written since are
            // copied after it by `adopt`.
            guard now.state.lineage == base.lineage else { return }
            var s = now.state
            s.arena.adopt(compacted, basedOn: base.arena)
            publish(s)
        }
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
    /// Test hook: publishes `body`'s change of the state as the writer does (used to simulate
    /// damaged bytes or a dictionary switch).
    func updateForTesting(_ body: (inout CorpusState) -> Void) {
        update(body)
    }
}
