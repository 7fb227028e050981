// OpenReport: what opening a data directory found and did — snapshot loaded, log records
// replayed, reports indexed because the snapshot had no index, warnings (torn tail cut off,
// leftovers removed), repair actions. Immutable.

/// The outcome of `ServedCorpus.open(persistence:...)`.
public struct OpenReport: Sendable {
    /// Generation of the snapshot loaded (0: none).
    public var snapshotGeneration: UInt64 = 0
    /// Reports the snapshot held.
    public var snapshotReports = 0
    /// Log records replayed on top of it.
    public var replayedRecords = 0
    /// Reports indexed while opening: the snapshot was written without a search index
    /// (--no-search-index) and the corpus keeps one now; 0 otherwise.
    public var indexedReports = 0
    /// Recovery warnings, one line each (file and offset named).
    public var warnings: [String] = []
    /// `--repair` actions, one line each; empty when nothing needed repair or it was not asked for.
    public var repairActions: [String] = []
    /// Seconds from opening the directory to ready for writes.
    public var seconds = 0.0
}
