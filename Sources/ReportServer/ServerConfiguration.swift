// ServerConfiguration: every knob of the listening side in one value, with the
// defaults PROTOCOL.md §7 documents. Immutable once the server starts; Sendable.

/// Where and how the server listens, and the limits that keep one client from hurting others.
public struct ServerConfiguration: Sendable {
    /// How the server gets its listening socket.
    public enum Listener: Sendable, Equatable {
        /// Bind a new socket at this path (a stale socket file there is replaced; a live one is refused).
        case path(String)
        /// Serve an already-listening socket, e.g. fd 3 from systemd socket activation.
        case inherited(fileDescriptor: Int32, path: String?)
    }

    /// The listening socket.
    public var listener: Listener
    /// File mode of a socket the server binds itself (ignored for an inherited socket).
    public var socketMode: UInt32 = 0o660
    /// Group of a socket the server binds itself, by name or number; nil keeps the default.
    public var socketGroup: String? = nil
    /// Connections served at once; a connection past the limit gets BUSY and is closed, with a log line.
    public var maxConnections: Int = 1024
    /// Of `maxConnections`, slots only privileged peers (root, reportd's user, the write users and
    /// groups) may take, so an operator can always connect. At most `maxConnections - 1`.
    public var reservedConnections: Int = 8
    /// Largest request body accepted (PROTOCOL.md §7); larger frames get FRAME_TOO_LARGE.
    public var maxFrameBytes: UInt32 = 16 << 20
    /// Largest report text accepted (stated in HELLO; enforced by import and PUT).
    public var maxReportBytes: Int = 8 << 20
    /// Most ids in one MGET.
    public var maxBatchItems: UInt32 = 1_000
    /// A connection that sends nothing for this long is closed (nil: never).
    public var idleTimeoutSeconds: Double? = 300
    /// Responses a connection may have queued unsent before the server stops reading from it.
    public var maxQueuedResponses: Int = 1024
    /// Bytes of answers a connection may have queued unsent before the server stops starting its
    /// requests and reading from it (PROTOCOL.md §7); one answer may overshoot it.
    public var maxQueuedBytes: Int = 64 << 20
    /// Bytes of answers all connections together may have queued; past it the unprivileged
    /// connection holding the most is closed (PROTOCOL.md §7, OutputBudget).
    public var maxQueuedBytesTotal: Int = 256 << 20
    /// Threads of the pool that runs SEARCH, COUNT, MGET and PUT compression (nil: one per core).
    public var workerThreads: Int? = nil
    /// Seconds to wait for connections to drain at shutdown before closing them anyway.
    public var shutdownGraceSeconds: Double = 10

    /// Connections unprivileged peers may hold: `maxConnections` less the reserve (at least one).
    public var unprivilegedConnections: Int { max(1, maxConnections - reservedConnections) }

    /// Creates a configuration listening on `listener` with default limits.
    public init(listener: Listener) {
        self.listener = listener
    }
}
