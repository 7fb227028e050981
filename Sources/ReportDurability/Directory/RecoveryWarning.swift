// RecoveryWarning: something recovery accepted but the operator should hear about (a torn tail
// cut off, a leftover temporary file, an interrupted snapshot handoff being completed).
// A value type; safe anywhere.

/// A non-fatal finding of recovery, with the file and offset it concerns.
public struct RecoveryWarning: Sendable, Equatable, CustomStringConvertible {
    /// The file concerned.
    public let path: String
    /// The byte offset concerned, when there is one.
    public let offset: UInt64?
    /// What was found and what will be done about it.
    public let message: String

    /// "path at offset N: message".
    public var description: String {
        offset.map { "\(path) at offset \($0): \(message)" } ?? "\(path): \(message)"
    }
}
