// DurabilityError: the one error type of ReportDurability: a code plus the file and byte offset
// the problem was found at, and a message that names the way out. A value type; safe anywhere.

/// An error from the write-ahead log, the snapshot files or the data directory.
public struct DurabilityError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, independent of the context.
    public enum Code: Sendable, Equatable {
        /// Bytes on disk fail their checksum or cannot be valid (bad magic, impossible length,
        /// a record in the middle of a log that does not verify, a missing log in the chain).
        case damaged
        /// A file ends before its structure says it should (a snapshot without its footer).
        case truncated
        /// A file was written by a newer format version than this build understands.
        case unsupportedVersion
        /// Another process holds the data directory's lock.
        case locked
        /// A system call failed (open, write, fdatasync, rename...), or the log is closed.
        case io
        /// The caller asked for something the API does not allow (an ID over 65535 bytes...).
        case invalidArgument
    }

    /// What went wrong.
    public let code: Code
    /// The file involved, when there is one.
    public let path: String?
    /// The byte offset in `path` where the problem was found, when it is known.
    public let offset: UInt64?
    /// Human-readable context, including what the operator can do about it.
    public let message: String

    /// Creates an error with a code, context message, and optional file and offset.
    public init(_ code: Code, _ message: String, path: String? = nil, offset: UInt64? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.offset = offset
    }

    /// "code: path at offset N: message".
    public var description: String {
        var where_ = ""
        if let path { where_ += path }
        if let offset { where_ += (where_.isEmpty ? "" : " ") + "at offset \(offset)" }
        return where_.isEmpty ? "\(code): \(message)" : "\(code): \(where_): \(message)"
    }

    /// An `.io` error for a failed system call, with `strerror(errno)` in the message.
    static func system(_ call: String, path: String?, errno code: Int32) -> DurabilityError {
        DurabilityError(.io, "\(call) failed: \(SystemErrorText.describe(code)) (errno \(code))", path: path)
    }
}
