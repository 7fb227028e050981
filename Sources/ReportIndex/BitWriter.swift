// BitWriter: appends bit fields MSB-first to a byte array: fixed-width fields, unary, Rice and
// Elias-gamma codes (the posting format of PostingCodec). Invariant: at most 7 bits wait in the
// accumulator between calls; `finish()` pads the last byte with zeros. One value per thread.

/// MSB-first bit stream writer.
struct BitWriter {
    private(set) var bytes: [UInt8]
    private var accumulator: UInt64 = 0
    private var pending = 0

    init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    /// Writes the low `width` bits of `value` (width <= 32).
    @inline(__always)
    mutating func write(_ value: UInt64, width: Int) {
        guard width > 0 else { return }
        accumulator = accumulator << UInt64(width) | (value & ((1 << UInt64(width)) - 1))
        pending += width
        while pending >= 8 {
            pending -= 8
            bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt64(pending)))
        }
    }

    /// `count` zeros then a one.
    mutating func writeUnary(_ count: Int) {
        var remaining = count
        while remaining >= 32 {
            write(0, width: 32)
            remaining -= 32
        }
        write(1, width: remaining + 1)
    }

    /// Rice code with parameter `k`: quotient in unary, then `k` low bits.
    @inline(__always)
    mutating func writeRice(_ value: Int, k: Int) {
        writeUnary(value >> k)
        write(UInt64(value), width: k)
    }

    /// Elias-gamma code of `value` >= 1.
    mutating func writeGamma(_ value: Int) {
        let n = Int.bitWidth - value.leadingZeroBitCount - 1
        write(0, width: n)
        write(UInt64(value), width: n + 1)
    }

    /// Pads to a byte boundary.
    mutating func finish() {
        if pending > 0 {
            bytes.append(UInt8(truncatingIfNeeded: accumulator << UInt64(8 - pending)))
            pending = 0
        }
    }

    /// Appends a LEB128 varint (only at a byte boundary).
    mutating func writeVarint(_ value: Int) {
        precondition(pending == 0, "varint written mid-byte")
        var v = UInt64(value)
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }
}
