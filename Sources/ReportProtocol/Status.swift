// Status: the u16 that opens every response body (PROTOCOL.md §4.2).
//
// A struct over the raw value, not a closed enum: a client must be able to hold and print a
// status a newer server sends. Invariant: none beyond the value. Safe to use from any thread.

/// The result code at the start of every response body (PROTOCOL.md §4.2).
///
/// Ranges: 0x00xx success-like, 0x01xx the request was wrong, 0x02xx the peer may not do it,
/// 0x03xx the server failed. Unknown values are kept as they are.
public struct Status: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The u16 on the wire.
    public let rawValue: UInt16

    /// Wraps any value, known or not.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `OK` 0x0000: the body that follows is the command's result.
    public static let ok = Status(rawValue: 0x0000)
    /// `NOT_FOUND` 0x0001: no report with that id (GET, DEL).
    public static let notFound = Status(rawValue: 0x0001)
    /// `BAD_REQUEST` 0x0100: the request body is malformed.
    public static let badRequest = Status(rawValue: 0x0100)
    /// `UNKNOWN_OPCODE` 0x0101: the server does not know the opcode.
    public static let unknownOpcode = Status(rawValue: 0x0101)
    /// `FRAME_TOO_LARGE` 0x0102: body length above the server's maxFrameBytes; the body was skipped.
    public static let frameTooLarge = Status(rawValue: 0x0102)
    /// `UNSUPPORTED_VERSION` 0x0103: header version is not 1; the body was skipped.
    public static let unsupportedVersion = Status(rawValue: 0x0103)
    /// `BAD_QUERY` 0x0104: SEARCH/COUNT query does not parse.
    public static let badQuery = Status(rawValue: 0x0104)
    /// `TOO_MANY_ITEMS` 0x0105: MGET count above maxBatchItems.
    public static let tooManyItems = Status(rawValue: 0x0105)
    /// `PERMISSION_DENIED` 0x0200: the peer's uid/gid may not run this command.
    public static let permissionDenied = Status(rawValue: 0x0200)
    /// `INTERNAL_ERROR` 0x0300: the server failed.
    public static let internalError = Status(rawValue: 0x0300)
    /// `DATA_CORRUPT` 0x0301: stored data failed to decompress or verify.
    public static let dataCorrupt = Status(rawValue: 0x0301)
    /// `BUSY` 0x0302: the server is overloaded; retry later.
    public static let busy = Status(rawValue: 0x0302)
    /// `SHUTTING_DOWN` 0x0303: the server is stopping and takes no new work.
    public static let shuttingDown = Status(rawValue: 0x0303)

    /// Every status defined by protocol version 1, in table order.
    public static let allKnown: [Status] = [
        .ok, .notFound, .badRequest, .unknownOpcode, .frameTooLarge, .unsupportedVersion, .badQuery,
        .tooManyItems, .permissionDenied, .internalError, .dataCorrupt, .busy, .shuttingDown,
    ]

    /// The PROTOCOL.md name, e.g. `NOT_FOUND`, or nil for a value this build does not know.
    public var name: String? {
        switch self {
        case .ok: "OK"
        case .notFound: "NOT_FOUND"
        case .badRequest: "BAD_REQUEST"
        case .unknownOpcode: "UNKNOWN_OPCODE"
        case .frameTooLarge: "FRAME_TOO_LARGE"
        case .unsupportedVersion: "UNSUPPORTED_VERSION"
        case .badQuery: "BAD_QUERY"
        case .tooManyItems: "TOO_MANY_ITEMS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .internalError: "INTERNAL_ERROR"
        case .dataCorrupt: "DATA_CORRUPT"
        case .busy: "BUSY"
        case .shuttingDown: "SHUTTING_DOWN"
        default: nil
        }
    }

    /// The PROTOCOL.md name, or `0x....` for an unknown value.
    public var description: String {
        name ?? "0x" + String(rawValue, radix: 16, uppercase: false).leftPadded(to: 4)
    }
}
