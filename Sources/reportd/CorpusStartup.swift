// CorpusStartup: makes the corpus reportd starts serving, and tells the operator how. Without
// a data directory: import the sources into memory. With one: recover the snapshot and log
// (repairing first if asked); then, if the directory held no reports and never imported, import
// the sources in full and snapshot them at once; otherwise apply only the source reports that are
// new or changed since they were last imported (the directory's import ledger), as logged writes —
// the data directory is the source of truth: PUTs and DELs are never reverted by an import.
// Stateless apart from its logger.
import Foundation
import Logging
import ReportEngine
import ReportStore

/// Builds the served corpus at start and applies import sources on reload.
struct CorpusStartup {
    let logger: Logger

    /// The corpus to serve.
    /// - Throws: `EngineError` when the data directory cannot be recovered (the message names the
    ///   file, offset and `--repair`).
    func open(_ settings: DaemonSettings, repair: Bool) throws(EngineError) -> ServedCorpus {
        guard let directory = settings.dataDirectory else {
            let outcome = CorpusLoader(logger: logger).load(settings.imports, options: settings.importOptions)
            return ServedCorpus(store: outcome.store, logger: logger)
        }
        let options = settings.importOptions
        // auto-snapshot-share 0 turns automatic snapshots off: an unreachable log size.
        let automatic = settings.autoSnapshotShare > 0
        var persistence = PersistenceSettings(
            directory: directory, appendfsync: settings.appendfsync,
            autoSnapshotShare: automatic ? settings.autoSnapshotShare : 1,
            autoSnapshotMinimumLogBytes: automatic ? 4 << 20 : UInt64.max, repair: repair)
        // Crash tests slow every fsync down to widen the window between queueing and syncing.
        if let delay = ProcessInfo.processInfo.environment["REPORTD_TESTING_SYNC_DELAY_MS"].flatMap(Double.init), delay > 0 {
            persistence.testingSyncDelay = delay / 1000
            logger.warning("REPORTD_TESTING_SYNC_DELAY_MS: every log sync is slowed by \(delay) ms (testing only)")
        }
        let (corpus, report) = try ServedCorpus.open(persistence: persistence, storeOptions: options, logger: logger)
        for action in report.repairActions { logger.warning("repair: \(action)") }
        for warning in report.warnings { logger.warning("recovery: \(warning)") }
        if report.indexedReports > 0 {
            logger.notice(
                "data directory \(directory) was written without a search index (--no-search-index): indexed its \(report.indexedReports) report\(report.indexedReports == 1 ? "" : "s") for SEARCH and COUNT")
        }
        logger.notice(
            "data directory \(directory): \(corpus.store.count) reports (snapshot \(report.snapshotGeneration) with \(report.snapshotReports), \(report.replayedRecords) logged writes replayed) in \(round(report.seconds)) s, appendfsync \(settings.appendfsync.rawValue)"
        )
        if !settings.imports.isEmpty {
            do throws(EngineError) {
                try applyImports(settings, to: corpus)
            } catch {
                corpus.close()
                throw error
            }
        }
        return corpus
    }

    /// Brings the sources into a data-directory corpus: a full import into an empty one, else
    /// the new and changed reports as logged writes.
    /// - Returns: one line saying what changed.
    @discardableResult
    func applyImports(_ settings: DaemonSettings, to corpus: ServedCorpus) throws(EngineError) -> String {
        if corpus.store.count == 0 {
            let outcome = CorpusLoader(logger: logger).load(settings.imports, options: settings.importOptions)
            if outcome.summary.loaded > 0, try corpus.adoptInitialImport(outcome.store) {
                let message = "import: \(outcome.summary.loaded) reports stored and snapshotted in the data directory"
                logger.notice("\(message)")
                return message
            }
        }
        let options = settings.importOptions
        let changes = try corpus.importChanges(from: settings.imports.map { ImportSource.path($0) }, options: options)
        for issue in changes.summary.issues { logger.warning("skipped \(issue)") }
        let written = try corpus.apply(changes)
        let message = "import: \(written) new or changed reports written, \(changes.unchanged) unchanged, \(changes.summary.skipped) skipped"
        logger.notice("\(message)")
        return message
    }

    private func round(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }
}
