// PostingCodec+Validation: checks that an untrusted posting list decodes safely, before an index
// loaded from bytes is ever searched. `decode` trusts its input (the hot path stays check-free):
// it indexes docLengths by decoded doc, reserves df slots, and converts positions to UInt32, so a
// damaged posting could trap or read past the buffer. `validate` walks the same codes with a bit
// limit and accepts only postings that `decode` turns into what the builder could have produced:
// docs ascending below docSlots, 1 <= tf <= docLength, positions ascending below docLength.
// It reads with its own CheckedBitReader, which takes a whole Rice or gamma code from one 64-bit
// window when it fits (load time is bound by that dependency chain of window loads).
// Stateless; safe to call concurrently.

extension PostingCodec {
    /// Checks the posting occupying `range` of the buffer: it must decode within those bytes to a
    /// valid list. Returns the posting's total position count (sum of tf), or nil when invalid.
    /// - Parameters:
    ///   - base: The posting buffer; at least 8 bytes follow `range.upperBound` in it (padding).
    ///   - range: Byte range of this posting.
    ///   - docSlots: Doc slots of the index.
    ///   - docLengths: docSlots lengths.
    static func validate(
        _ base: UnsafePointer<UInt8>, range: Range<Int>, docSlots: Int, docLengths: UnsafeBufferPointer<UInt32>
    ) -> Int? {
        // varint(df), as BitReader.readVarint reads it, but inside the range and at most 9 bytes.
        var cursor = range.lowerBound
        var df = 0
        var shift = 0
        while true {
            guard cursor < range.upperBound, shift < 63 else { return nil }
            let byte = base[cursor]
            cursor += 1
            df |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        guard df >= 1, df <= docSlots else { return nil }
        var reader = CheckedBitReader(base: base, bit: cursor * 8, limit: range.upperBound * 8)
        let kDoc = riceK(total: docSlots, count: df)
        // A quotient above docSlots >> k already makes the gap too large (and could overflow).
        let maxDocQuotient = docSlots >> kDoc
        var doc = -1
        var positions = 0
        for _ in 0..<df {
            guard let gap = reader.readRice(k: kDoc, maxQuotient: maxDocQuotient) else { return nil }
            doc += gap + 1
            guard doc < docSlots, let tf = reader.readGamma() else { return nil }
            let length = Int(docLengths[doc])
            guard tf <= length else { return nil }
            if tf == 1 {
                guard reader.skipTruncatedBinary(size: length) else { return nil }
            } else {
                let kPos = riceK(total: length, count: tf)
                let maxQuotient = length >> kPos
                var position = -1
                for _ in 0..<tf {
                    guard let gap = reader.readRice(k: kPos, maxQuotient: maxQuotient) else { return nil }
                    position += gap + 1
                    guard position < length else { return nil }
                }
            }
            positions += tf
        }
        // The last code must end inside the posting's own bytes.
        return reader.bit <= reader.limit ? positions : nil
    }

    /// BitReader's codes with bounds: a window is loaded only at a bit at or before `limit`, and
    /// with `limit` at most 8 × (buffer length - 8) every 8-byte load stays inside the buffer.
    /// Each read returns nil (or false) rather than run on through damaged data.
    private struct CheckedBitReader {
        let base: UnsafePointer<UInt8>
        var bit: Int
        let limit: Int

        /// 64 bits from `bit`; the first 57 are meaningful. Only called with bit <= limit.
        @inline(__always)
        private func window() -> UInt64 {
            let raw = UnsafeRawPointer(base + (bit >> 3)).loadUnaligned(as: UInt64.self)
            return UInt64(bigEndian: raw) << UInt64(bit & 7)
        }

        /// The top `width` (0...57) bits of `value`.
        @inline(__always)
        private static func top(_ value: UInt64, _ width: Int) -> Int {
            width == 0 ? 0 : Int(value >> UInt64(64 - width))
        }

        /// Unary zero count, or nil when the run passes `limit`.
        @inline(__always)
        private mutating func readUnary() -> Int? {
            var count = 0
            while bit <= limit {
                let zeros = window().leadingZeroBitCount
                if zeros < 56 {
                    bit += zeros + 1
                    return count + zeros
                }
                bit += 56
                count += 56
            }
            return nil
        }

        /// Rice(k) (k <= 56) whose quotient is at most `maxQuotient`.
        @inline(__always)
        mutating func readRice(k: Int, maxQuotient: Int) -> Int? {
            guard bit <= limit else { return nil }
            let w = window()
            let zeros = w.leadingZeroBitCount
            if zeros + 1 + k <= 57 {
                guard zeros <= maxQuotient else { return nil }
                bit += zeros + 1 + k
                return zeros << k | Self.top(w << UInt64(zeros + 1), k)
            }
            guard let quotient = readUnary(), quotient <= maxQuotient, bit <= limit else { return nil }
            let remainder = Self.top(window(), k)
            bit += k
            return quotient << k | remainder
        }

        /// Elias-gamma value below 2^29 (so the whole code fits one window; a larger tf exceeds
        /// IndexSegment.maxLoadedDocLength anyway).
        @inline(__always)
        mutating func readGamma() -> Int? {
            guard bit <= limit else { return nil }
            let w = window()
            let zeros = w.leadingZeroBitCount
            guard zeros <= 28 else { return nil }
            bit += 2 * zeros + 1
            return Self.top(w << UInt64(zeros), zeros + 1)
        }

        /// Skips a truncated binary code of a value in 0..<size (size >= 1); any bits are a valid value.
        @inline(__always)
        mutating func skipTruncatedBinary(size: Int) -> Bool {
            guard bit <= limit else { return false }
            let k = Int.bitWidth - size.leadingZeroBitCount - 1
            let short = (1 << (k + 1)) - size
            bit += Self.top(window(), k) < short ? k : k + 1
            return true
        }
    }
}
