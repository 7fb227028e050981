// FrameHeader: the fixed 12-byte header in front of every frame, both directions (PROTOCOL.md §3).
//
//   offset  +0       +1        +2       +3
//      0    magic    version   opcode   flags
//      4    request id (u32 big-endian)
//      8    body length (u32 big-endian, bytes after the header)
//
// The layout is the same for every protocol version, so a peer can skip the body of a frame
// whose version it does not speak. The struct holds whatever was on the wire (magic and version
// included) and does no validation; FrameParser decides what is acceptable. Value type; thread-safe.

import NIOCore

/// The 12-byte header of a frame (PROTOCOL.md §3).
public struct FrameHeader: Hashable, Sendable {
    /// Size of the header on the wire, in bytes.
    public static let size = 12
    /// The first byte of every frame.
    public static let magicByte: UInt8 = 0xD5
    /// The protocol version this build speaks.
    public static let currentVersion: UInt8 = 1

    /// Byte 0; `magicByte` in every valid frame.
    public var magic: UInt8
    /// Byte 1; the protocol version of this frame.
    public var version: UInt8
    /// Byte 2; the command, echoed in the response.
    public var opcode: Opcode
    /// Byte 3; RESPONSE and per-command bits.
    public var flags: FrameFlags
    /// Bytes 4-7; chosen by the client, echoed by the server.
    public var requestID: UInt32
    /// Bytes 8-11; number of body bytes after the header.
    public var bodyLength: UInt32

    /// Creates a header; magic and version default to this build's values.
    public init(
        magic: UInt8 = FrameHeader.magicByte,
        version: UInt8 = FrameHeader.currentVersion,
        opcode: Opcode,
        flags: FrameFlags = [],
        requestID: UInt32,
        bodyLength: UInt32
    ) {
        self.magic = magic
        self.version = version
        self.opcode = opcode
        self.flags = flags
        self.requestID = requestID
        self.bodyLength = bodyLength
    }

    /// Whether this is a server frame (RESPONSE flag set).
    public var isResponse: Bool { flags.contains(.response) }
}

extension FrameHeader {
    /// Reads a header at the reader index without moving it; nil if fewer than 12 bytes are readable.
    public static func peek(in buffer: ByteBuffer) -> FrameHeader? {
        let base = buffer.readerIndex
        guard buffer.readableBytes >= size,
            let magic = buffer.getInteger(at: base, as: UInt8.self),
            let version = buffer.getInteger(at: base + 1, as: UInt8.self),
            let opcode = buffer.getInteger(at: base + 2, as: UInt8.self),
            let flags = buffer.getInteger(at: base + 3, as: UInt8.self),
            let requestID = buffer.getInteger(at: base + 4, endianness: .big, as: UInt32.self),
            let bodyLength = buffer.getInteger(at: base + 8, endianness: .big, as: UInt32.self)
        else { return nil }
        return FrameHeader(
            magic: magic,
            version: version,
            opcode: Opcode(rawValue: opcode),
            flags: FrameFlags(rawValue: flags),
            requestID: requestID,
            bodyLength: bodyLength
        )
    }
}

extension ByteBuffer {
    /// Writes the 12 header bytes as given (PROTOCOL.md §3); returns the number of bytes written.
    @discardableResult
    public mutating func writeFrameHeader(_ header: FrameHeader) -> Int {
        writeMultipleIntegers(
            header.magic,
            header.version,
            header.opcode.rawValue,
            header.flags.rawValue,
            header.requestID,
            header.bodyLength,
            endianness: .big
        )
    }
}
