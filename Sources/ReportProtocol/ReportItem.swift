// ReportItem: one report slot in a GET or MGET response (PROTOCOL.md §5.3, "item").
//
//   u8 kind = 0   missing: nothing follows
//   u8 kind = 1   plain:   blob text (UTF-8)
//   u8 kind = 2   deflate: u32 dictionaryID, u32 textLength, blob rawDeflateBytes
//
// Byte buffers are slices of the received frame (no copy). Value type; thread-safe.

import NIOCore

/// One report in a GET/MGET response (PROTOCOL.md §5.3).
public enum ReportItem: Sendable, Hashable {
    /// Kind 0: no report with that id.
    case missing
    /// Kind 1: the report text, UTF-8.
    case plain(ByteBuffer)
    /// Kind 2: raw deflate (RFC 1951) bytes of the text, compressed with preset dictionary
    /// `dictionaryID` (see DICTIONARY); `textLength` is the inflated size in bytes.
    case deflate(dictionaryID: UInt32, textLength: UInt32, bytes: ByteBuffer)

    /// The `kind` byte on the wire.
    public var kind: UInt8 {
        switch self {
        case .missing: 0
        case .plain: 1
        case .deflate: 2
        }
    }

    /// Smallest encoding of an item (a lone kind byte); bounds MGET counts before allocation.
    static let minimumWireBytes = 1
}

extension ByteBuffer {
    /// Reads an `item` (PROTOCOL.md §5.3).
    public mutating func readReportItem() throws(ProtocolError) -> ReportItem {
        let start = readerIndex
        let kind = try readWireInteger(UInt8.self, field: "item kind")
        switch kind {
        case 0:
            return .missing
        case 1:
            return .plain(try readWireBlob(field: "item text"))
        case 2:
            let dictionaryID = try readWireInteger(UInt32.self, field: "item dictionaryID")
            let textLength = try readWireInteger(UInt32.self, field: "item textLength")
            let bytes = try readWireBlob(field: "item rawDeflateBytes")
            return .deflate(dictionaryID: dictionaryID, textLength: textLength, bytes: bytes)
        default:
            throw ProtocolError(.malformedBody, "unknown item kind \(kind)", offset: start)
        }
    }

    /// Writes an `item` (PROTOCOL.md §5.3).
    @discardableResult
    public mutating func writeReportItem(_ item: ReportItem) -> Int {
        switch item {
        case .missing:
            return writeReportItemMissing()
        case .plain(let text):
            return writeInteger(UInt8(1)) + writeWireBlob(text)
        case .deflate(let dictionaryID, let textLength, let bytes):
            return writeReportItemDeflate(
                dictionaryID: dictionaryID, textLength: textLength, bytes: bytes.readableBytesView)
        }
    }

    /// Hot path: writes item kind 0 (missing).
    @discardableResult
    public mutating func writeReportItemMissing() -> Int {
        writeInteger(UInt8(0))
    }

    /// Hot path: writes item kind 1 (plain) of `length` bytes that `fill` writes in place (a
    /// server inflates a stored unit straight into its answer). `fill` gets `length + slack`
    /// bytes of room and may scribble past `length`: only `length` bytes are kept. If `fill`
    /// throws, the buffer holds a partial item: the caller rewinds it.
    @discardableResult
    public mutating func writeReportItemPlain(
        length: Int, slack: Int = 0, fill: (UnsafeMutableRawBufferPointer) throws -> Void
    ) rethrows -> Int {
        let head = writeInteger(UInt8(1)) + writeInteger(UInt32(length), endianness: .big)
        return try head + writeWithUnsafeMutableBytes(minimumWritableBytes: length + slack) { space in
            try fill(UnsafeMutableRawBufferPointer(rebasing: space[0..<(length + slack)]))
            return length
        }
    }

    /// Hot path: writes item kind 2 (deflate) straight from the stored compressed bytes.
    @discardableResult
    public mutating func writeReportItemDeflate(
        dictionaryID: UInt32, textLength: UInt32, bytes: some Collection<UInt8>
    ) -> Int {
        writeInteger(UInt8(2)) + writeMultipleIntegers(dictionaryID, textLength, endianness: .big)
            + writeWireBlob(bytes: bytes)
    }

    /// Hot path: writes item kind 2 (deflate) straight from raw memory.
    @discardableResult
    public mutating func writeReportItemDeflate(
        dictionaryID: UInt32, textLength: UInt32, bytes: UnsafeRawBufferPointer
    ) -> Int {
        writeInteger(UInt8(2)) + writeMultipleIntegers(dictionaryID, textLength, endianness: .big)
            + writeWireBlob(bytes: bytes)
    }
}
