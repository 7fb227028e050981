// Recovery: what DataDirectory.recover() found: the snapshot to load, the log records to replay
// on top of it in order, and warnings. Produced read-only; `DataDirectory.openLog(after:)`
// then applies the file-level consequences. A value type; safe anywhere.

/// The state to rebuild at startup: load `snapshot`, then apply `records` in order.
public struct Recovery: Sendable {
    /// The newest snapshot; nil when the directory has none (start from an empty store). A
    /// snapshot with no sections is the placeholder `--repair` leaves: also an empty store.
    public let snapshot: Snapshot?
    /// Every logged write after the snapshot, oldest first.
    public let records: [LogRecord]
    /// LSN of `records[0]`.
    public let firstLSN: UInt64
    /// LSN the next write gets.
    public let nextLSN: UInt64
    /// Findings that did not stop recovery (each also names its file and offset).
    public let warnings: [RecoveryWarning]

    /// The snapshot generation recovered from (0 without a snapshot).
    let baseGeneration: UInt64
    /// The logs replayed, oldest first; the last is the one appends continue in.
    let logs: [LogReplay]
    /// Files an interrupted snapshot handoff left behind: older logs and snapshots the
    /// recovered snapshot covers, and temporary files. Removed by `openLog(after:)`.
    let obsolete: [String]
}
