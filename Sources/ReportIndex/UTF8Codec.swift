// UTF8Codec: minimal UTF-8 decoding/encoding of Unicode scalar values for the tokenizer's hot loop.
// Invariant: decoding never reads past the buffer and maps malformed bytes to U+FFFD one byte at a
// time, so a token boundary always falls on a scalar boundary. Stateless; safe to call concurrently.

/// UTF-8 helpers over raw bytes.
enum UTF8Codec {
    /// Decodes the scalar starting at `index`; returns the scalar value and its byte length (>= 1).
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int) {
        let b0 = UInt32(bytes[index])
        if b0 < 0x80 { return (b0, 1) }
        let end = bytes.count
        @inline(__always) func cont(_ i: Int) -> UInt32? {
            guard i < end else { return nil }
            let b = bytes[i]
            return b & 0xC0 == 0x80 ? UInt32(b & 0x3F) : nil
        }
        if b0 >= 0xC2 && b0 < 0xE0, let b1 = cont(index + 1) {
            return ((b0 & 0x1F) << 6 | b1, 2)
        }
        if b0 >= 0xE0 && b0 < 0xF0, let b1 = cont(index + 1), let b2 = cont(index + 2) {
            let value = (b0 & 0x0F) << 12 | b1 << 6 | b2
            if value >= 0x800 && !(0xD800...0xDFFF).contains(value) { return (value, 3) }
        }
        if b0 >= 0xF0 && b0 < 0xF5, let b1 = cont(index + 1), let b2 = cont(index + 2), let b3 = cont(index + 3) {
            let value = (b0 & 0x07) << 18 | b1 << 12 | b2 << 6 | b3
            if value >= 0x10000 && value <= 0x10FFFF { return (value, 4) }
        }
        return (0xFFFD, 1)
    }

    /// Decodes a whole byte collection into scalar values.
    static func decode(_ bytes: some Collection<UInt8>) -> [UInt32] {
        let array = Array(bytes)
        return array.withUnsafeBufferPointer { buffer in
            var result: [UInt32] = []
            var index = 0
            while index < buffer.count {
                let (value, length) = decode(buffer, at: index)
                result.append(value)
                index += length
            }
            return result
        }
    }

    /// Appends the UTF-8 encoding of `value` to `bytes`.
    @inline(__always)
    static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            bytes.append(UInt8(value))
        case 0x80..<0x800:
            bytes.append(UInt8(0xC0 | value >> 6))
            bytes.append(UInt8(0x80 | value & 0x3F))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xE0 | value >> 12))
            bytes.append(UInt8(0x80 | (value >> 6) & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        default:
            bytes.append(UInt8(0xF0 | value >> 18))
            bytes.append(UInt8(0x80 | (value >> 12) & 0x3F))
            bytes.append(UInt8(0x80 | (value >> 6) & 0x3F))
            bytes.append(UInt8(0x80 | value & 0x3F))
        }
    }

    /// Encodes scalar values as UTF-8.
    static func encode(_ values: [UInt32]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 2)
        for value in values { append(value, to: &bytes) }
        return bytes
    }
}
