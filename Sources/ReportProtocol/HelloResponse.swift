// HelloResponse: the OK body of HELLO — the server's version and limits (PROTOCOL.md §5.1).
//
// Wire body after status: `u16 serverVersion, u32 maxFrameBytes, u32 maxBatchItems,
// u32 maxReportBytes, str serverName`. Value type; thread-safe.

/// The server's answer to HELLO (PROTOCOL.md §5.1).
public struct HelloResponse: Sendable, Hashable {
    /// Highest protocol version the server speaks (1).
    public var serverVersion: UInt16
    /// Largest frame body the server accepts and sends.
    public var maxFrameBytes: UInt32
    /// Largest MGET count the server accepts.
    public var maxBatchItems: UInt32
    /// Largest report text PUT accepts, in bytes.
    public var maxReportBytes: UInt32
    /// Free-form server name and build, e.g. "reportd 0.1".
    public var serverName: String

    /// Creates a HELLO answer.
    public init(
        serverVersion: UInt16 = UInt16(FrameHeader.currentVersion),
        maxFrameBytes: UInt32,
        maxBatchItems: UInt32,
        maxReportBytes: UInt32,
        serverName: String
    ) {
        self.serverVersion = serverVersion
        self.maxFrameBytes = maxFrameBytes
        self.maxBatchItems = maxBatchItems
        self.maxReportBytes = maxReportBytes
        self.serverName = serverName
    }
}
