// CorpusLoader: runs an import for the daemon and reports it the way an operator
// wants to read it: one line per rejected input, a progress line while a large import
// runs, and a summary. Stateless apart from its logger.
import Logging
import ReportStore

/// Loads the corpus named by --import options.
struct CorpusLoader {
    let logger: Logger

    /// Imports every source; never fails as a whole — bad inputs are logged and skipped.
    func load(_ paths: [String], maxReportBytes: Int) -> ReportStore {
        var options = ImportOptions()
        options.maxReportBytes = maxReportBytes
        let logger = self.logger
        let (store, summary) = ReportStore.load(paths.map { ImportSource.path($0) }, options: options) { progress in
            logger.info("importing: \(progress.phase), \(progress.filesDone) files, \(progress.bytesDone / 1_000_000) MB read")
        }
        for issue in summary.issues {
            logger.warning("skipped \(issue)")
        }
        logger.notice(
            "imported \(summary.loaded) reports (\(summary.rawBytes) bytes), skipped \(summary.skipped), in \(summary.seconds) s"
        )
        return store
    }
}
