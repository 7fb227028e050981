// PersistenceStatistics: the data directory's state for STATS and `systemctl status` — the
// snapshot generation, the log bytes recovery would replay, the fsync policy, and whether the last log
// write failed (writes are retried as they come). Immutable value.
import ReportDurability

/// A moment's view of the data directory.
public struct PersistenceStatistics: Sendable {
    /// Generation of the current snapshot (0: none yet).
    public var snapshotGeneration: UInt64
    /// Bytes of log a recovery would replay: every log file since the last snapshot that was
    /// completed (after a failed snapshot, the log before its switch too), headers included.
    public var logBytes: UInt64
    /// The fsync policy.
    public var appendfsync: FsyncPolicy
    /// True while the last log write or sync failed and none has succeeded since (a full
    /// disk): writes are refused meanwhile, and each new one tries again.
    public var writesStopped: Bool
    /// Batches of log writes (or background syncs) that failed since reportd started.
    public var writeFailures: Int
    /// The last log failure while `writesStopped`; nil otherwise.
    public var lastWriteError: String?
}
