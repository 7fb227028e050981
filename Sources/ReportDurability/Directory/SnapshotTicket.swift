// SnapshotTicket: a snapshot in progress, from `DataDirectory.beginSnapshot()` (log switched to
// the new generation) to `finishSnapshot` (snapshot durable, old files gone). A reference to a
// one-shot result; safe to pass between threads.

/// A snapshot that has been started: writes already go to log `generation`.
public struct SnapshotTicket: Sendable {
    /// The generation the snapshot will carry; log `generation` holds every write after it.
    public let generation: UInt64
    /// LSN of the first write the snapshot must NOT contain.
    public let nextLSN: UInt64
    /// Completed by the log's writer once the new log file is durable.
    let rotation: OneShot<Result<Void, DurabilityError>>
}
