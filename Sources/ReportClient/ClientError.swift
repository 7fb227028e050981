// ClientError: everything that can go wrong between reportctl (or any caller of
// ReportClient) and the daemon, with the context a person needs to act on it.
// Immutable value; safe to pass between threads.
import ReportProtocol

/// An error raised by ``ReportConnection`` or ``ReportClient``.
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; callers map it to an exit code.
    public enum Code: Sendable, Equatable {
        /// The socket could not be opened or connected (no daemon, wrong path, no permission).
        case cannotConnect
        /// The connection broke while a request was outstanding.
        case connectionClosed
        /// The daemon sent bytes that do not follow PROTOCOL.md.
        case protocolViolation
        /// The daemon answered with a non-OK status.
        case server(Status)
        /// No answer (or no room to send) within the connection's timeout.
        case timedOut
        /// The caller asked for something the protocol cannot carry (e.g. an id over 65,535 bytes).
        case invalidArgument
    }

    /// The failure class.
    public let code: Code
    /// A sentence for people: what failed and, where known, on which path or id.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
