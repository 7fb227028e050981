// Opcode: the one-byte command code at offset 2 of every frame header (PROTOCOL.md §4.1).
//
// A struct over the raw byte rather than a closed enum, so a frame carrying an opcode this
// build does not know still decodes into a header and can be answered with UNKNOWN_OPCODE.
// Invariant: none beyond the byte itself. A value type; safe to use from any thread.

/// The command code carried in byte 2 of a frame header (PROTOCOL.md §4.1).
///
/// A response echoes the opcode of the request it answers.
public struct Opcode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The byte on the wire.
    public let rawValue: UInt8

    /// Wraps any byte, known or not.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `HELLO` 0x01: version and limits handshake (PROTOCOL.md §5.1).
    public static let hello = Opcode(rawValue: 0x01)
    /// `PING` 0x02: echo (PROTOCOL.md §5.2).
    public static let ping = Opcode(rawValue: 0x02)
    /// `GET` 0x10: one report by id (PROTOCOL.md §5.3).
    public static let get = Opcode(rawValue: 0x10)
    /// `MGET` 0x11: many reports by id (PROTOCOL.md §5.4).
    public static let mget = Opcode(rawValue: 0x11)
    /// `STATS` 0x12: server counters (PROTOCOL.md §5.5).
    public static let stats = Opcode(rawValue: 0x12)
    /// `DICTIONARY` 0x13: the preset deflate dictionary (PROTOCOL.md §5.6).
    public static let dictionary = Opcode(rawValue: 0x13)
    /// `SEARCH` 0x20: ranked full-text search (PROTOCOL.md §5.7).
    public static let search = Opcode(rawValue: 0x20)
    /// `COUNT` 0x21: number of matching reports (PROTOCOL.md §5.8).
    public static let count = Opcode(rawValue: 0x21)
    /// `PUT` 0x30: add or replace a report (PROTOCOL.md §5.9).
    public static let put = Opcode(rawValue: 0x30)
    /// `DEL` 0x31: delete a report (PROTOCOL.md §5.10).
    public static let delete = Opcode(rawValue: 0x31)
    /// `SNAPSHOT` 0x40: persist the corpus (PROTOCOL.md §5.11).
    public static let snapshot = Opcode(rawValue: 0x40)
    /// `RELOAD` 0x41: reload the corpus (PROTOCOL.md §5.12).
    public static let reload = Opcode(rawValue: 0x41)
    /// `SHUTDOWN` 0x42: stop the server (PROTOCOL.md §5.13).
    public static let shutdown = Opcode(rawValue: 0x42)

    /// Every opcode defined by protocol version 1, in table order.
    public static let allKnown: [Opcode] = [
        .hello, .ping, .get, .mget, .stats, .dictionary, .search, .count, .put, .delete, .snapshot, .reload,
        .shutdown,
    ]

    /// Whether version 1 of the protocol defines this opcode.
    public var isKnown: Bool { Opcode.allKnown.contains(self) }

    /// Whether the opcode changes server state and so needs a privileged peer (PROTOCOL.md §10).
    public var isPrivileged: Bool {
        self == .put || self == .delete || self == .snapshot || self == .reload || self == .shutdown
    }

    /// The PROTOCOL.md name, e.g. `GET`, or nil for an opcode version 1 does not define.
    public var name: String? {
        switch self {
        case .hello: "HELLO"
        case .ping: "PING"
        case .get: "GET"
        case .mget: "MGET"
        case .stats: "STATS"
        case .dictionary: "DICTIONARY"
        case .search: "SEARCH"
        case .count: "COUNT"
        case .put: "PUT"
        case .delete: "DEL"
        case .snapshot: "SNAPSHOT"
        case .reload: "RELOAD"
        case .shutdown: "SHUTDOWN"
        default: nil
        }
    }

    /// The PROTOCOL.md name, or the hex byte for an unknown opcode.
    public var description: String {
        name ?? "0x" + String(rawValue, radix: 16, uppercase: false).leftPadded(to: 2)
    }
}

extension String {
    /// Left-pads with zeros; used for hex dumps in descriptions.
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
