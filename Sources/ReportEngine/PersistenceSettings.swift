// PersistenceSettings: how reportd keeps its data directory — where, the fsync policy, when to
// snapshot on its own, and whether to repair damage at start. Immutable value.
import ReportDurability

/// Settings for `ServedCorpus.open(persistence:...)`.
public struct PersistenceSettings: Sendable {
    /// The data directory (created if missing).
    public var directory: String
    /// When a logged write reaches the disk (docs/DURABILITY.md §1).
    public var appendfsync: FsyncPolicy
    /// Snapshot automatically once the log exceeds this share of the snapshot's size.
    public var autoSnapshotShare: Double
    /// ... and at least this many bytes.
    public var autoSnapshotMinimumLogBytes: UInt64
    /// Run `--repair` before recovery: keep every valid record, move damaged files aside.
    public var repair: Bool
    /// Testing only: extra seconds added to every log sync, to widen the window in which a
    /// write is queued but not yet on disk (crash tests use it to prove nothing is acknowledged
    /// early). 0 in production.
    public var testingSyncDelay: Double = 0
    /// Testing only: replaces `fdatasync` for the log (to make syncs fail). nil in production.
    public var testingSyncFunction: (@Sendable (Int32) -> Int32)?

    /// - Parameters: see the properties; the defaults are reportd's.
    public init(
        directory: String, appendfsync: FsyncPolicy = .always, autoSnapshotShare: Double = 1.0,
        autoSnapshotMinimumLogBytes: UInt64 = 4 << 20, repair: Bool = false
    ) {
        self.directory = directory
        self.appendfsync = appendfsync
        self.autoSnapshotShare = autoSnapshotShare
        self.autoSnapshotMinimumLogBytes = autoSnapshotMinimumLogBytes
        self.repair = repair
    }
}
