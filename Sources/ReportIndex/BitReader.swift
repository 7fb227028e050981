// BitReader: reads the codes BitWriter writes, from a buffer that has at least 8 zero bytes after
// the last encoded byte (SearchIndex pads its posting buffer), so a 64-bit window load never runs
// off the end. Invariant: `bit` is the absolute bit offset of the next unread bit. One value per
// thread; the buffer it reads is immutable and may be shared.

/// MSB-first bit stream reader over a padded buffer.
struct BitReader {
    let base: UnsafePointer<UInt8>
    var bit: Int

    init(base: UnsafePointer<UInt8>, byteOffset: Int) {
        self.base = base
        self.bit = byteOffset * 8
    }

    /// Bits a window holds that are always meaningful.
    static let windowBits = 57

    /// 64 bits starting at the current bit; at least 57 of them are meaningful.
    @inline(__always)
    func window() -> UInt64 {
        let raw = UnsafeRawPointer(base + (bit &>> 3)).loadUnaligned(as: UInt64.self)
        return UInt64(bigEndian: raw) &<< UInt64(bit & 7)
    }

    /// The `width` bits that follow a unary code of `zeros` zeros and its one at the top of
    /// `window` (zeros + 1 + width <= 57, so every shift stays below 64); 0 when width is 0.
    @inline(__always)
    static func bits(after zeros: Int, _ width: Int, in window: UInt64) -> Int {
        width == 0 ? 0 : Int(truncatingIfNeeded: (window &<< UInt64(zeros &+ 1)) &>> UInt64(64 &- width))
    }

    /// Reads `width` bits (0...56).
    @inline(__always)
    mutating func read(_ width: Int) -> Int {
        guard width > 0 else { return 0 }
        let value = window() &>> UInt64(64 &- width)
        bit &+= width
        return Int(truncatingIfNeeded: value)
    }

    /// Skips `width` bits (0...56).
    @inline(__always)
    mutating func skip(_ width: Int) {
        bit &+= width
    }

    /// Counts zeros up to and including the terminating one; returns the zero count.
    @inline(__always)
    mutating func readUnary() -> Int {
        var count = 0
        while true {
            let zeros = window().leadingZeroBitCount
            if zeros < 56 {
                bit &+= zeros &+ 1
                return count &+ zeros
            }
            bit &+= 56
            count &+= 56
        }
    }

    /// Skips `count` Rice codes of parameter `k` (k <= 56). Codes are consumed from one loaded
    /// window while they lie wholly inside its 57 meaningful bits, so a run of short codes costs
    /// one memory load instead of one per code; a longer code falls back to readUnary.
    @inline(__always)
    mutating func skipRice(_ count: Int, k: Int) {
        var remaining = count
        while remaining > 0 {
            var w = window()
            var used = 0
            while remaining > 0 {
                let need = w.leadingZeroBitCount &+ 1 &+ k
                if used &+ need > 57 { break }
                w = w &<< UInt64(need)
                used &+= need
                remaining &-= 1
            }
            if used == 0 {
                _ = readUnary()
                bit &+= k
                remaining &-= 1
            } else {
                bit &+= used
            }
        }
    }

    /// Reads `count` Rice codes of parameter `k` (k <= 56), passing each value to `body` in
    /// order; like skipRice, codes that lie wholly inside one loaded window are taken from it.
    @inline(__always)
    mutating func readRiceRun(_ count: Int, k: Int, _ body: (Int) -> Void) {
        var remaining = count
        while remaining > 0 {
            var w = window()
            var used = 0
            while remaining > 0 {
                let zeros = w.leadingZeroBitCount
                let need = zeros &+ 1 &+ k
                if used &+ need > 57 { break }
                body(zeros &<< k | Self.bits(after: zeros, k, in: w))
                w = w &<< UInt64(need)
                used &+= need
                remaining &-= 1
            }
            if used == 0 {
                body(readRice(k: k))
                remaining &-= 1
            } else {
                bit &+= used
            }
        }
    }

    @inline(__always)
    mutating func readRice(k: Int) -> Int {
        let quotient = readUnary()
        return quotient &<< k | read(k)
    }

    @inline(__always)
    mutating func readGamma() -> Int {
        let n = readUnary()
        return 1 &<< n | read(n)
    }

    /// Reads a LEB128 varint at a byte boundary.
    mutating func readVarint() -> Int {
        var byteIndex = bit >> 3
        var value = 0
        var shift = 0
        while true {
            let byte = base[byteIndex]
            byteIndex += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        bit = byteIndex * 8
        return value
    }
}
