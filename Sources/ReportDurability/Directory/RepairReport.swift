// RepairReport: what `--repair` did: files moved aside, records kept, bytes skipped, data that
// could not be saved. A value type; safe anywhere.

/// The outcome of `DataDirectory.repair()`.
public struct RepairReport: Sendable {
    /// One line per action, in order, for the log and the terminal.
    public var actions: [String] = []
    /// Paths the damaged files were moved to (never deleted).
    public var movedAside: [String] = []
    /// Records kept from damaged logs.
    public var recordsKept = 0
    /// Bytes of damaged logs that held no verifiable record.
    public var bytesSkipped: UInt64 = 0
    /// True when a snapshot was damaged with no older snapshot to fall back on: the reports it
    /// held are lost and only the logged writes after it remain.
    public var snapshotLost = false

    /// True when nothing needed repair.
    public var isClean: Bool { movedAside.isEmpty }
}
