// ServedCorpus: the corpus reportd serves — its ReportStore (the one owner of the corpus
// state, published as immutable versions; requests read one through `reader()`, without a
// lock), and, with a data directory, the write-ahead log and snapshots that make its writes
// survive a crash. The ownership and ordering rules: docs/ARCHITECTURE.md.
//
// Invariants:
// - With a data directory, a write is queued to the log under one lock (`writer`) and applied
//   to memory only in the log's completion, on the log's writer thread, in LSN order, once the
//   record is as durable as the fsync policy promises (under `always`, synced). So nobody ever
//   reads a write that failed, and a write is readable before it is acknowledged: every request
//   that arrives after the acknowledgement, on any connection, sees it.
// - A snapshot's frozen copy is taken on the log's writer thread at the log switch (between
//   the completions before its ticket's LSN and those after), so it holds exactly the writes
//   before that LSN (docs/DURABILITY.md §6).
// - A failed log write or sync fails that write and those queued behind it; the log cuts them
//   off the file and the next write tries again, so writes resume once the disk accepts them.
//   Reads go on meanwhile.
// - `pending` (writer-side state; no read consults it) knows the writes queued but not applied
//   yet, so a DEL right after a PUT of a new id (pipelined) is logged, not answered "no such
//   report".
// - Without a data directory, writes are applied under `writer` and live in memory only; a
//   reload replaces the store's contents (one more version), not the store.
// Thread-safe: any number of readers and writers, from any thread; reads take no lock;
// snapshots run one at a time.
import Dispatch
import Foundation
import Logging
import ReportDurability
import ReportIndex
import ReportStore
import Synchronization

/// The served corpus, with optional durability.
public final class ServedCorpus: Sendable {
    private struct Persistence: Sendable {
        let directory: DataDirectory
        let log: WriteAheadLog
    }

    /// The corpus state's one owner (it publishes versions; see ReportStore). A reload
    /// replaces its contents, never the store itself, so this needs no lock.
    public let store: ReportStore
    /// Orders writes: apply + log append happen together under it.
    private let writer = Mutex<Void>(())
    /// Ids with writes queued to the log but not applied yet: how many, and whether the id
    /// exists once the last of them is applied.
    private let pending = Mutex<[ReportID: (count: Int, exists: Bool)]>([:])
    private let persistence: Persistence?
    /// Held for the whole of a snapshot, so snapshots run one at a time.
    private let snapshotGate = NSLock()
    private let autoSnapshotRunning = Atomic<Bool>(false)
    private let logger: Logger

    /// A corpus without a data directory: writes are kept in memory only.
    public init(store: ReportStore, logger: Logger = Logger(label: "reportd.corpus")) {
        self.store = store
        persistence = nil
        self.logger = logger
    }

    private init(store: ReportStore, persistence: Persistence, logger: Logger) {
        self.store = store
        self.persistence = persistence
        self.logger = logger
    }

    /// What a request reads through: the current version, loaded once (no lock); answer the
    /// whole request from it.
    public func reader() -> CorpusReader { CorpusReader(store) }

    /// The data directory, when writes are persisted.
    public var dataDirectory: String? { persistence?.directory.path }

    /// The data directory's state; nil without one.
    public var persistenceStatistics: PersistenceStatistics? {
        guard let persistence else { return nil }
        return PersistenceStatistics(
            snapshotGeneration: persistence.directory.currentSnapshotGeneration, logBytes: persistence.directory.logBytes,
            appendfsync: persistence.directory.options.log.policy, writesStopped: persistence.log.lastFailure != nil,
            writeFailures: persistence.log.failureCount, lastWriteError: persistence.log.lastFailure.map { "\($0)" })
    }

    // MARK: Opening

    /// Opens the data directory: repairs it if asked, loads the newest snapshot, replays the
    /// log after it, and opens the log for appends. Blocks (seconds at most; a snapshot written
    /// without a search index, opened by a store that keeps one, is indexed and written again:
    /// about a second per 10,000 reports); call it before serving.
    /// - Throws: `.recoveryFailed` naming the file, offset and way out (`--repair`) when the
    ///   directory is damaged, locked by another reportd, or of a newer format.
    public static func open(
        persistence settings: PersistenceSettings, storeOptions: ImportOptions = ImportOptions(),
        logger: Logger = Logger(label: "reportd.corpus")
    ) throws(EngineError) -> (ServedCorpus, OpenReport) {
        let started = ContinuousClock.now
        var report = OpenReport()
        do {
            var logConfiguration = WriteAheadLog.Configuration(policy: settings.appendfsync)
            if let sync = settings.testingSyncFunction { logConfiguration.syncData = sync }
            if settings.testingSyncDelay > 0 {
                let delay = UInt32(settings.testingSyncDelay * 1_000_000)
                logConfiguration.syncData = { fd in
                    usleep(delay)
                    return fdatasync(fd)
                }
            }
            let options = DataDirectory.Options(
                log: logConfiguration, autoSnapshotShare: settings.autoSnapshotShare,
                autoSnapshotMinimumLogBytes: settings.autoSnapshotMinimumLogBytes)
            let directory = try DataDirectory(path: settings.directory, options: options)
            do {
                if settings.repair { report.repairActions = try directory.repair().actions }
                let recovery = try directory.recover()
                report.warnings = recovery.warnings.map(\.description)
                let store: ReportStore
                if let snapshot = recovery.snapshot, !snapshot.sections.isEmpty {
                    var sections: [String: [UInt8]] = [:]
                    for section in snapshot.sections { sections[section.name] = section.bytes }
                    do {
                        store = try ReportStore.restore(sections: sections, options: storeOptions) { reports in
                            report.indexedReports = reports
                            logger.notice(
                                "\(settings.directory) was written without a search index (--no-search-index): indexing its \(reports) report\(reports == 1 ? "" : "s")")
                        }
                    } catch where report.indexedReports > 0 {
                        throw EngineError(
                            .recoveryFailed,
                            "\(settings.directory): cannot index snapshot \(snapshot.generation), written without a search index (\(error.message)). Start with --no-search-index to serve its reports without one, or --repair if the snapshot is damaged")
                    } catch {
                        throw EngineError(
                            .recoveryFailed,
                            "\(settings.directory): snapshot \(snapshot.generation) passes its checksums but its contents do not load (\(error.message)): it was written by an incompatible reportd version. Start the reportd that wrote it; --repair cannot help, since the file is not damaged")
                    }
                    report.snapshotGeneration = snapshot.generation
                    report.snapshotReports = store.count
                } else {
                    store = ReportStore(dictionary: [], options: storeOptions)
                }
                try replay(recovery.records, into: store)
                report.replayedRecords = recovery.records.count
                let log = try directory.openLog(after: recovery)
                let corpus = ServedCorpus(store: store, persistence: Persistence(directory: directory, log: log), logger: logger)
                if report.indexedReports > 0 {
                    // Indexed once: the next start loads the index from this snapshot.
                    do throws(EngineError) {
                        _ = try corpus.snapshot()
                    } catch {
                        report.warnings.append("the index built at open is not saved (\(error.message)): the next start builds it again")
                    }
                }
                report.seconds = (ContinuousClock.now - started).seconds
                return (corpus, report)
            } catch {
                directory.close()
                throw error
            }
        } catch let error as EngineError {
            throw error
        } catch {
            throw EngineError(.recoveryFailed, "\(error)")
        }
    }

    /// Applies logged writes in order. Compression, the costly part, runs on all cores; the
    /// writes are applied one by one in log order afterwards.
    private static func replay(_ records: [LogRecord], into store: ReportStore) throws(EngineError) {
        let prepared = WorkerResults<PreparedReport?>(repeating: nil, count: records.count)
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: records.count) { i in
            guard case .put(let id, let text) = records[i] else { return }
            guard let reportID = ReportID(id) else {
                failures.withLock { $0.append("record \(i) has an invalid report id") }
                return
            }
            do throws(StoreError) {
                prepared.set(i, try store.prepare(id: reportID, text: text, validating: false))
            } catch {
                failures.withLock { $0.append("record \(i) (\(id)): \(error.message)") }
            }
        }
        if let first = failures.withLock({ $0.first }) {
            throw EngineError(.recoveryFailed, "cannot replay the log: \(first)")
        }
        for (i, record) in records.enumerated() {
            switch record {
            case .put:
                store.apply(prepared[i]!)
            case .delete(let id):
                if let reportID = ReportID(id) { store.remove(id: reportID) }
            }
        }
    }

    // MARK: Writes

    /// Adds or replaces report `id`: `prepareWrite` on the caller's thread, then `commit`.
    /// `completion` runs once, on an unspecified thread: with success when the write is
    /// applied and (with a data directory) as durable as the fsync policy promises; with
    /// `.invalidReport` (nothing changed) or `.writeFailed`.
    public func put(id: String, text: [UInt8], completion: @escaping @Sendable (Result<Void, EngineError>) -> Void) {
        switch prepareWrite(id: id, text: text) {
        case .success(let write): commit(write, completion: completion)
        case .failure(let error): completion(.failure(error))
        }
    }

    /// Validates and compresses a PUT without touching the corpus: the costly part, which
    /// callers run on any thread, in parallel, before committing writes in their order.
    public func prepareWrite(id: String, text: [UInt8]) -> Result<PreparedWrite, EngineError> {
        guard let reportID = ReportID(id) else {
            return .failure(EngineError(.invalidReport, ReportID.problem(with: id) ?? "invalid report id"))
        }
        do throws(StoreError) {
            return .success(PreparedWrite(report: try store.prepare(id: reportID, text: text)))
        } catch {
            return .failure(EngineError(.invalidReport, error.message))
        }
    }

    /// Queues a prepared PUT to the log under the write lock and applies it once logged;
    /// `completion` as for `put`. Writes are applied (and logged) in the order of the calls to
    /// `commit`.
    public func commit(_ write: PreparedWrite, completion: @escaping @Sendable (Result<Void, EngineError>) -> Void) {
        let prepared = write.report
        writer.withLock { _ in
            guard let log = persistence?.log else {
                // If a reload swapped the store in between, the unit still carries the dictionary
                // it was made with; the new store adopts it and recompresses later.
                store.apply(prepared)
                return
            }
            expect(prepared.id, exists: true)
            log.append(.put(id: prepared.id.rawValue, text: prepared.text)) { [self] result in
                if case .success = result { store.apply(prepared) }
                settle(prepared.id)
                finish(result, completion)
            }
        }
        if persistence == nil { completion(.success(())) } else { snapshotIfDue() }
    }

    /// Deletes report `id`. `completion` gets true when it existed (and its removal is
    /// durable), false when there was no such report (nothing is logged then).
    public func delete(id: String, completion: @escaping @Sendable (Result<Bool, EngineError>) -> Void) {
        guard let reportID = ReportID(id) else { return completion(.success(false)) }
        let outcome: Bool? = writer.withLock { _ -> Bool? in
            guard let log = persistence?.log else { return store.remove(id: reportID) }
            guard pending.withLock({ $0[reportID]?.exists }) ?? (store.docNumber(for: reportID) != nil) else { return false }
            expect(reportID, exists: false)
            log.append(.delete(id: id)) { [self] result in
                let removed = (try? result.get()).map { _ in store.remove(id: reportID) }
                settle(reportID)
                finish(result) { completion($0.map { removed ?? false }) }
            }
            return nil
        }
        if let outcome { return completion(.success(outcome)) }
        snapshotIfDue()
    }

    /// Notes a write of `id` queued to the log (caller holds `writer`).
    private func expect(_ id: ReportID, exists: Bool) {
        pending.withLock { table in
            let count = (table[id]?.count ?? 0) + 1
            table[id] = (count, exists)
        }
    }

    /// Notes a queued write of `id` completed (applied or failed), after the store changed.
    private func settle(_ id: ReportID) {
        pending.withLock { table in
            guard let entry = table[id] else { return }
            table[id] = entry.count > 1 ? (entry.count - 1, entry.exists) : nil
        }
    }

    /// Completes a logged write; a failed one was neither applied nor kept in the log.
    private func finish(
        _ result: Result<UInt64, DurabilityError>, _ completion: @Sendable (Result<Void, EngineError>) -> Void
    ) {
        switch result {
        case .success:
            completion(.success(()))
        case .failure(let error):
            logger.error("write refused: the write-ahead log failed (\(error)); the next write tries again")
            completion(
                .failure(
                    EngineError(
                        .writeFailed,
                        "the write-ahead log failed (\(error)): the write was not made; writes resume once the log can be written")))
        }
    }

    // MARK: Snapshots

    /// Writes a snapshot now, while writes go on: the switch to a new log is made under the
    /// write lock, the file is built and written outside it. Blocks for the whole write (call
    /// it off the event loops); a second caller waits for the first, then writes its own.
    /// - Throws: `.noDataDirectory`, or `.snapshotFailed` with the I/O error (the directory
    ///   stays consistent: the old snapshot and the logs still hold every write).
    public func snapshot() throws(EngineError) -> SnapshotSummary {
        guard let persistence else {
            throw EngineError(.noDataDirectory, "reportd runs without --data-dir: there is nowhere to write a snapshot")
        }
        snapshotGate.lock()
        defer { snapshotGate.unlock() }
        let started = ContinuousClock.now
        do {
            // The copy is taken at the log switch, on the log's thread: every write before the
            // ticket is applied by then, none after it (writes apply in their log completions).
            let frozen = Mutex<FrozenStore?>(nil)
            let ticket = try writer.withLock { _ in
                try persistence.directory.beginSnapshot { [self] in frozen.withLock { $0 = store.freeze() } }
            }
            var reports = 0
            var bytes = 0
            try persistence.directory.finishSnapshot(ticket) {
                let copy = frozen.withLock { $0 }!
                reports = copy.reportCount
                let sections = copy.sections().map { SnapshotSection(name: $0.name, bytes: $0.bytes) }
                bytes = sections.reduce(0) { $0 + $1.bytes.count }
                return sections
            }
            // The sections (a copy of the corpus) were freed: give their pages back.
            HeapTrimmer.trim()
            return SnapshotSummary(
                generation: ticket.generation, reports: reports, bytes: bytes,
                seconds: (ContinuousClock.now - started).seconds)
        } catch {
            throw EngineError(.snapshotFailed, "snapshot failed, the data directory still holds every write: \(error)")
        }
    }

    /// `snapshot()` on a background thread, for Swift concurrency callers.
    public func snapshotInBackground() async throws(EngineError) -> SnapshotSummary {
        let result = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: Result { () throws(EngineError) in try self.snapshot() })
            }
        }
        return try result.get()
    }

    /// Starts an automatic snapshot in the background when the log has outgrown the snapshot.
    private func snapshotIfDue() {
        guard let persistence, persistence.directory.shouldSnapshot,
            autoSnapshotRunning.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        DispatchQueue.global(qos: .utility).async { [self] in
            defer { autoSnapshotRunning.store(false, ordering: .releasing) }
            do {
                let summary = try snapshot()
                logger.notice("automatic \(summary)")
            } catch {
                logger.error("automatic snapshot: \(error)")
            }
        }
    }

    // MARK: Reload and import

    /// Replaces the whole corpus (reload without a data directory). Writes made since are lost,
    /// as the operator asked; with a data directory use `applyImport` instead.
    public func replace(with newStore: ReportStore) {
        writer.withLock { _ in store.replaceContents(with: newStore) }
    }

    /// Adopts an imported store when the data directory holds no reports yet, and writes a
    /// snapshot of it at once (so the import is not logged report by report and the trained
    /// dictionary and index are kept), then the import ledger. Returns false, changing
    /// nothing, if reports exist or the directory has imported before (its ledger is not
    /// empty: reports deleted since are not brought back).
    public func adoptInitialImport(_ imported: ReportStore) throws(EngineError) -> Bool {
        if let persistence, let ledger = try readLedger(persistence), !ledger.fingerprints.isEmpty { return false }
        let adopted = writer.withLock { _ -> Bool in
            guard store.count == 0, pending.withLock({ $0.isEmpty }) else { return false }
            store.replaceContents(with: imported)
            return true
        }
        if adopted, let persistence {
            _ = try snapshot()
            try writeLedger(ImportLedger(fingerprints: Self.ledgerEntries(imported.fingerprints())), persistence)
        }
        return adopted
    }

    /// Reads `sources` and returns what an import must apply. With a data directory, a source
    /// report is applied only when it is new or changed since the last import (the ledger in
    /// the data directory says), so PUTs and DELs made since stay; without one, when its text
    /// differs from the stored one.
    /// - Throws: `.importFailed` when the ledger is damaged (the message names the file).
    public func importChanges(from sources: [ImportSource], options: ImportOptions) throws(EngineError) -> ImportChanges {
        var last: [ReportID: ReportFingerprint]?
        if let persistence {
            // Read once: the changes carry it, and `apply` writes the next ledger from it. No
            // ledger yet is an empty one (the same outcome as none: nothing counts as unchanged
            // by fingerprint).
            var known: [ReportID: ReportFingerprint] = [:]
            if let ledger = try readLedger(persistence) {
                known.reserveCapacity(ledger.fingerprints.count)
                for (id, print) in ledger.fingerprints {
                    if let reportID = ReportID(String(decoding: id, as: UTF8.self)) {
                        known[reportID] = ReportFingerprint(length: Int(print.length), crc: print.crc)
                    }
                }
            }
            last = known
        }
        return store.changes(from: sources, options: options, since: last)
    }

    private func readLedger(_ persistence: Persistence) throws(EngineError) -> ImportLedger? {
        do {
            return try persistence.directory.readImportLedger()
        } catch {
            throw EngineError(.importFailed, "cannot read the import ledger: \(error)")
        }
    }

    private func writeLedger(_ ledger: ImportLedger, _ persistence: Persistence) throws(EngineError) {
        do {
            try persistence.directory.writeImportLedger(ledger)
        } catch {
            throw EngineError(.importFailed, "the import was applied but its ledger could not be written: \(error)")
        }
    }

    private static func ledgerEntries(_ prints: [ReportID: ReportFingerprint]) -> [[UInt8]: ImportLedger.Fingerprint] {
        var entries: [[UInt8]: ImportLedger.Fingerprint] = [:]
        entries.reserveCapacity(prints.count)
        for (id, print) in prints {
            entries[Array(id.rawValue.utf8)] = ImportLedger.Fingerprint(length: UInt32(clamping: print.length), crc: print.crc)
        }
        return entries
    }

    /// Puts every report of `changes` as a logged write, pipelined (group commit), and waits
    /// for all of them; then (with a data directory) records the fingerprints of every report
    /// read in the import ledger, so the next import skips those that did not change.
    /// - Returns: the number written.
    /// - Throws: `.importFailed` with the first failure; reports before it may be written, the
    ///   ledger is not updated.
    public func apply(_ changes: ImportChanges) throws(EngineError) -> Int {
        let group = DispatchGroup()
        let firstFailure = Mutex<EngineError?>(nil)
        for report in changes.reports {
            group.enter()
            put(id: report.id.rawValue, text: report.text) { result in
                if case .failure(let error) = result { firstFailure.withLock { $0 = $0 ?? error } }
                group.leave()
            }
        }
        group.wait()
        HeapTrimmer.trim()
        if let error = firstFailure.withLock({ $0 }) {
            throw EngineError(.importFailed, "import stopped: \(error.message)")
        }
        if let persistence {
            // The ledger as `importChanges` read it (read again only for changes made elsewhere).
            var ledger: ImportLedger
            if let last = changes.lastImport {
                ledger = ImportLedger(fingerprints: Self.ledgerEntries(last))
            } else {
                ledger = try readLedger(persistence) ?? ImportLedger()
            }
            for (id, print) in Self.ledgerEntries(changes.fingerprints) { ledger.fingerprints[id] = print }
            try writeLedger(ledger, persistence)
        }
        return changes.reports.count
    }

    /// Syncs and closes the log and releases the data directory (at shutdown).
    public func close() {
        persistence?.directory.close()
    }
}

extension Duration {
    fileprivate var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
