// ImportIssue: one input that was skipped (or one line of it), with the reason.
// Immutable value.

/// A report or line that the import skipped.
public struct ImportIssue: Sendable, Equatable, CustomStringConvertible {
    /// File path (or the JSON Lines source name, "<stdin>" for stdin).
    public let path: String
    /// 1-based line for JSON Lines input.
    public let line: Int?
    /// The kind of problem.
    public let code: StoreError.Code
    /// Why it was skipped.
    public let reason: String

    /// Creates an issue.
    public init(path: String, line: Int? = nil, code: StoreError.Code, reason: String) {
        self.path = path
        self.line = line
        self.code = code
        self.reason = reason
    }

    /// "path:line: reason" (or "path: reason").
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}
