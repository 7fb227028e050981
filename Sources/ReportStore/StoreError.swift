// StoreError: the one error type of ReportStore: a code plus a message carrying the context
// (report ID, path, line, byte counts). A value type; safe anywhere.

/// An error from the report store.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, independent of the context.
    public enum Code: Sendable, Equatable {
        /// No report with that ID.
        case notFound
        /// The ID is empty, too long, or contains '/' or control characters.
        case invalidID
        /// The text is over the size limit.
        case tooLarge
        /// The text is not valid UTF-8.
        case invalidUTF8
        /// The text is empty.
        case empty
        /// Stored bytes are damaged: they do not inflate to the recorded length and CRC-32.
        case corrupt
        /// Reading input or a zlib call failed.
        case io
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

    /// "code: message".
    public var description: String { "\(code): \(message)" }
}
