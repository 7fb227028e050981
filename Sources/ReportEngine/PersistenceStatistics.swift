// PersistenceStatistics: the data directory's state for STATS and `systemctl status` — the
// snapshot generation, the log bytes since it, the fsync policy, and whether writes were
// stopped by a failed log write. Immutable value.
import ReportDurability

/// A moment's view of the data directory.
public struct PersistenceStatistics: Sendable {
    /// Generation of the current snapshot (0: none yet).
    public var snapshotGeneration: UInt64
    /// Bytes in the current log file (appends since the last snapshot, header included).
    public var logBytes: UInt64
    /// The fsync policy.
    public var appendfsync: FsyncPolicy
    /// True after a failed log write: every later write is refused until a restart.
    public var writesStopped: Bool
}
