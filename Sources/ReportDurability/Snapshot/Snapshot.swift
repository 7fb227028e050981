// Snapshot: the verified contents of one snapshot file. A value type; safe anywhere.

/// A snapshot as read back from disk, every checksum verified.
public struct Snapshot: Sendable {
    /// The generation in the file header (and file name).
    public let generation: UInt64
    /// LSN of the first write not in the snapshot: the first record of log `generation`.
    public let nextLSN: UInt64
    /// The sections, in file order. Empty for the placeholder `--repair` writes when a damaged
    /// snapshot had no older replacement (the store then starts from the logs alone).
    public let sections: [SnapshotSection]
    /// The file's size in bytes (for the auto-snapshot rule).
    public let fileLength: UInt64

    /// The section called `name`, if present.
    public func section(_ name: String) -> SnapshotSection? {
        sections.first { $0.name == name }
    }
}
