// EngineError: the one error type of ReportEngine — why a read, a write, a snapshot or opening
// the data directory failed, with a message an operator or a client can act on. A value type.

/// A failure of the served corpus.
public struct EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, independent of the context.
    public enum Code: Sendable, Equatable {
        /// The report is not acceptable (bad id, empty, too large, not UTF-8): the client's fault.
        case invalidReport
        /// The write could not be made durable, or an earlier one failed and writes are stopped.
        case writeFailed
        /// SNAPSHOT without a data directory.
        case noDataDirectory
        /// Writing a snapshot failed; the data directory is still consistent.
        case snapshotFailed
        /// Opening or recovering the data directory failed (damage, lock, version, I/O).
        case recoveryFailed
        /// A reload or import could not be applied.
        case importFailed
        /// A query is malformed or needs more work than its budget: the client's fault.
        case badQuery
        /// SEARCH or COUNT on a corpus kept without a search index.
        case noSearchIndex
        /// A stored report or index part is damaged (the read is refused, nothing is changed).
        case dataCorrupt
    }

    /// What went wrong.
    public let code: Code
    /// Human-readable context.
    public let message: String

    /// Creates an error with a code and context message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message alone (it names the cause).
    public var description: String { message }
}
