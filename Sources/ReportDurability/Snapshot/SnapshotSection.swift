// SnapshotSection: one named blob in a snapshot file ("meta", "dictionary", "arena", "entries",
// "ids", "index"...). Its bytes are whatever the owner keeps in memory; the snapshot file only
// frames and checksums them. A value type; safe anywhere.

/// A named section of a snapshot.
public struct SnapshotSection: Sendable, Equatable {
    /// The section's name, unique within a snapshot; at most 255 UTF-8 bytes.
    public let name: String
    /// The section's contents.
    public let bytes: [UInt8]

    /// Creates a section.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
