// CorpusLoader: runs an import for the daemon and reports it the way an operator
// wants to read it: one line per rejected input, a progress line while a large import
// runs, and a summary. Stateless apart from its logger.
import Logging
import ReportStore

/// Loads the corpus named by `import` settings.
struct CorpusLoader {
    let logger: Logger

    /// The outcome of one import.
    struct Outcome {
        let store: ReportStore
        let summary: ImportSummary
        /// Import roots that could not be read at all (missing, unreadable): a reload refuses
        /// to swap in a corpus that silently lost a whole directory.
        let unreadableRoots: [String]
    }

    /// Imports every source. Bad inputs are logged and skipped; the import as a whole never fails.
    func load(_ paths: [String], options base: ImportOptions) -> Outcome {
        var options = base
        options.progressInterval = 1
        let logger = self.logger
        let (store, summary) = ReportStore.load(paths.map { ImportSource.path($0) }, options: options) { progress in
            logger.info("importing: \(progress.phase), \(progress.filesDone) files, \(progress.bytesDone / 1_000_000) MB")
        }
        for issue in summary.issues {
            logger.warning("skipped \(issue)")
        }
        func round(_ seconds: Double) -> Double { (seconds * 100).rounded() / 100 }
        logger.notice(
            "imported \(summary.loaded) reports (\(summary.rawBytes) bytes), skipped \(summary.skipped), in \(round(summary.seconds)) s (reading \(round(summary.readingSeconds)), training \(round(summary.trainingSeconds)), compressing \(round(summary.compressingSeconds)), indexing \(round(summary.indexingSeconds)))"
        )
        let roots = Set(paths)
        let unreadable = summary.issues.filter { roots.contains($0.path) && $0.code == .io }.map(\.path)
        return Outcome(store: store, summary: summary, unreadableRoots: unreadable)
    }
}
