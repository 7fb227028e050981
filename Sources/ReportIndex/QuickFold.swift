// QuickFold: the folded form of a raw (not yet normalised) token computed scalar by scalar from the
// normaliser's tables, without building the normalised term: the snippeter's cheap test of whether
// a token can match a query word at all. Invariant: when `fold` returns a length, the bytes written
// equal TextNormalizer.fold of the token's normalised term; tokens it cannot fold exactly this way
// (a combining mark, which NFC would compose; a scalar outside the tables; a multi-scalar lowercase
// mapping; a fold longer than the buffer) make it return nil, and the caller takes the full path.
// Stateless; safe concurrently.

/// Cheap exact folding of raw tokens that need no composition.
enum QuickFold {
    /// A buffer size that holds the fold of any token a query word can match (words are short).
    static let capacity = 256

    /// Writes the folded UTF-8 of `text[range]` to the start of `out` and returns its length; nil
    /// when the token needs the full path.
    static func fold(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: UnsafeMutableBufferPointer<UInt8>)
        -> Int?
    {
        var count = 0
        let tables = TextNormalizer.tables
        var at = range.lowerBound
        while at < range.upperBound {
            let byte = text[at]
            guard count + 4 <= out.count else { return nil }
            if byte < 0x80 {
                out[count] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                count += 1
                at += 1
                continue
            }
            let (value, length) = UTF8Codec.decode(text, at: at)
            at += length
            guard value < TextNormalizer.tableLimit, tables.kind[Int(value)] == 1 else { return nil }
            let lower = tables.lower[Int(value)]
            guard lower != 0, lower < TextNormalizer.tableLimit else { return nil }
            let folded = tables.fold[Int(lower)]
            guard folded != 0 else { return nil }
            // Folded scalars are below tableLimit (0x2000): at most three UTF-8 bytes.
            if folded < 0x80 {
                out[count] = UInt8(folded)
                count += 1
            } else if folded < 0x800 {
                out[count] = UInt8(0xC0 | folded >> 6)
                out[count + 1] = UInt8(0x80 | folded & 0x3F)
                count += 2
            } else if folded < 0x10000 {
                out[count] = UInt8(0xE0 | folded >> 12)
                out[count + 1] = UInt8(0x80 | folded >> 6 & 0x3F)
                out[count + 2] = UInt8(0x80 | folded & 0x3F)
                count += 3
            } else {
                return nil
            }
        }
        return count
    }
}
