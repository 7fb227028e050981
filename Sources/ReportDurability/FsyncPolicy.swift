// FsyncPolicy: when the write-ahead log forces appended records to stable storage, like Redis's
// appendfsync. A value type; safe anywhere. docs/DURABILITY.md states what each case promises.

/// When the write-ahead log calls `fdatasync` (see docs/DURABILITY.md, "Fsync policies").
public enum FsyncPolicy: String, Sendable, Equatable, CaseIterable {
    /// An append completes only after its record is on stable storage. Concurrent appends are
    /// group-committed: one `write` and one `fdatasync` cover every record queued meanwhile.
    case always
    /// An append completes once its record is written to the kernel; a background `fdatasync`
    /// runs about once a second while there are unsynced bytes.
    case everysec
    /// An append completes once its record is written to the kernel; flushing is left to the OS.
    case no
}
