// ServerError: why the server could not start or keep listening, worded for the
// operator reading the journal. Immutable; Sendable.

/// A failure of the listening side.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    /// The failure class.
    public enum Code: Sendable, Equatable {
        /// A live process already listens on the socket path.
        case socketInUse
        /// The path cannot be used (not a socket, no permission, too long).
        case socketPath
        /// bind/listen or adopting an inherited socket failed.
        case listen
    }

    /// The failure class.
    public let code: Code
    /// What happened, naming the path.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
