// SnapshotSummary: what one snapshot wrote, for the log and the SNAPSHOT answer. Immutable.
import Foundation

/// The outcome of a snapshot.
public struct SnapshotSummary: Sendable, CustomStringConvertible {
    /// The snapshot's generation (its file name's number).
    public var generation: UInt64
    /// Reports it holds.
    public var reports: Int
    /// Bytes of the snapshot file's sections.
    public var bytes: Int
    /// Wall-clock seconds from the switch of logs to the renamed, synced file.
    public var seconds: Double

    /// One line for the log.
    public var description: String {
        "snapshot \(generation): \(reports) reports, \(bytes) bytes, in \(String(format: "%.3f", seconds)) s"
    }
}
