// ByteBuffer+Wire: the primitive field codecs of PROTOCOL.md §2 — big-endian integers,
// `str` (u16 length + UTF-8) and `blob` (u32 length + bytes).
//
// Readers check every length against the readable bytes BEFORE reading or allocating, and throw
// `.malformedBody` with the body offset on a short field, leaving the reader index where the
// field began. `blob` reads return a slice (no copy). Writers never fail: a `str` longer than
// 65,535 bytes is cut at the last whole UTF-8 scalar that fits (callers that care use
// `Request.validate()`). Extension on a value type; no shared state.

import NIOCore

extension ByteBuffer {
    /// Largest `str` payload on the wire: 65,535 UTF-8 bytes (PROTOCOL.md §2).
    public static let maxWireStringBytes = Int(UInt16.max)

    // MARK: reading (PROTOCOL.md §2)

    /// Reads a big-endian integer field, or throws `.malformedBody` naming `field`.
    @inlinable
    public mutating func readWireInteger<T: FixedWidthInteger>(
        _: T.Type = T.self, field: StaticString
    ) throws(ProtocolError) -> T {
        guard let value = readInteger(endianness: .big, as: T.self) else {
            throw ProtocolError(
                .malformedBody,
                "\(field) (\(MemoryLayout<T>.size) bytes) runs past the end of the body",
                offset: readerIndex
            )
        }
        return value
    }

    /// Reads a `str`: u16 length, then that many bytes of valid UTF-8.
    public mutating func readWireString(field: StaticString) throws(ProtocolError) -> String {
        let start = readerIndex
        guard let length = getInteger(at: start, endianness: .big, as: UInt16.self) else {
            throw ProtocolError(.malformedBody, "\(field) length runs past the end of the body", offset: start)
        }
        guard readableBytes - 2 >= Int(length) else {
            throw ProtocolError(
                .malformedBody,
                "\(field) claims \(length) bytes but only \(readableBytes - 2) remain",
                offset: start
            )
        }
        let string: String? = withUnsafeReadableBytes { raw in
            ByteBuffer.validUTF8String(raw[2..<(2 + Int(length))])
        }
        guard let string else {
            throw ProtocolError(.malformedBody, "\(field) is not valid UTF-8", offset: start + 2)
        }
        moveReaderIndex(forwardBy: 2 + Int(length))
        return string
    }

    /// Decodes bytes as UTF-8, or nil if they are not valid UTF-8 (no replacement characters).
    static func validUTF8String(_ bytes: Slice<UnsafeRawBufferPointer>) -> String? {
        if #available(macOS 15, iOS 18, tvOS 18, watchOS 11, *) {
            return String(validating: bytes, as: UTF8.self)
        }
        var iterator = bytes.makeIterator()
        var codec = UTF8()
        while true {
            switch codec.decode(&iterator) {
            case .scalarValue: continue
            case .emptyInput: return String(decoding: bytes, as: UTF8.self)
            case .error: return nil
            }
        }
    }

    /// Reads a `blob`: u32 length, then that many bytes, returned as a slice sharing storage.
    public mutating func readWireBlob(field: StaticString) throws(ProtocolError) -> ByteBuffer {
        let start = readerIndex
        guard let length = getInteger(at: start, endianness: .big, as: UInt32.self) else {
            throw ProtocolError(.malformedBody, "\(field) length runs past the end of the body", offset: start)
        }
        // Compare in UInt64-safe Int space: length may be up to 4 GiB, readableBytes is what we hold.
        guard readableBytes - 4 >= Int(length) else {
            throw ProtocolError(
                .malformedBody,
                "\(field) claims \(length) bytes but only \(readableBytes - 4) remain",
                offset: start
            )
        }
        moveReaderIndex(forwardBy: 4)
        return readSlice(length: Int(length))!  // length checked just above
    }

    /// Reads a count field and checks that `count * minimumElementBytes` could fit in what
    /// remains, so a hostile count never makes the caller reserve a huge array.
    public mutating func readWireCount<T: FixedWidthInteger & UnsignedInteger>(
        _: T.Type, field: StaticString, minimumElementBytes: Int
    ) throws(ProtocolError) -> Int {
        let start = readerIndex
        let count = Int(try readWireInteger(T.self, field: field))
        guard count <= readableBytes / max(minimumElementBytes, 1) else {
            moveReaderIndex(to: start)
            throw ProtocolError(
                .malformedBody,
                "\(field) \(count) needs at least \(count * minimumElementBytes) bytes but only \(readableBytes) remain",
                offset: start
            )
        }
        return count
    }

    /// Throws `.malformedBody` unless every byte of the body was consumed (PROTOCOL.md §2).
    public func requireFullyRead() throws(ProtocolError) {
        guard readableBytes == 0 else {
            throw ProtocolError(
                .malformedBody,
                "\(readableBytes) unexpected bytes after the last field",
                offset: readerIndex
            )
        }
    }

    // MARK: writing (PROTOCOL.md §2)

    /// Writes a `str`; cuts strings over 65,535 bytes at the last whole UTF-8 scalar that fits.
    @discardableResult
    public mutating func writeWireString(_ string: String) -> Int {
        var utf8 = Substring(string).utf8
        if utf8.count > ByteBuffer.maxWireStringBytes {
            var end = utf8.index(utf8.startIndex, offsetBy: ByteBuffer.maxWireStringBytes)
            // Back up over continuation bytes (10xxxxxx) so the cut lands on a scalar boundary.
            while end > utf8.startIndex, utf8[end] & 0xC0 == 0x80 { utf8.formIndex(before: &end) }
            utf8 = utf8[utf8.startIndex..<end]
        }
        var written = writeInteger(UInt16(utf8.count), endianness: .big)
        written += writeBytes(utf8)
        return written
    }

    /// Writes a `blob` from another buffer's readable bytes.
    @discardableResult
    public mutating func writeWireBlob(_ blob: ByteBuffer) -> Int {
        var copy = blob
        return writeInteger(UInt32(blob.readableBytes), endianness: .big) + writeBuffer(&copy)
    }

    /// Writes a `blob` from any byte collection.
    @discardableResult
    public mutating func writeWireBlob(bytes: some Collection<UInt8>) -> Int {
        writeInteger(UInt32(bytes.count), endianness: .big) + writeBytes(bytes)
    }

    /// Writes a `blob` from raw memory.
    @discardableResult
    public mutating func writeWireBlob(bytes: UnsafeRawBufferPointer) -> Int {
        writeInteger(UInt32(bytes.count), endianness: .big) + writeBytes(bytes)
    }
}
