// QuickFold: the folded form of a raw (not yet normalised) token computed scalar by scalar from the
// normaliser's tables, without building the normalised term: the snippeter's cheap test of whether
// a token can match a query word at all. Invariant: when `fold` returns true, `out` equals
// TextNormalizer.fold of the token's normalised term; tokens it cannot fold exactly this way (a
// combining mark, which NFC would compose; a scalar outside the tables; a multi-scalar lowercase
// mapping) make it return false, and the caller takes the full path. Stateless; safe concurrently.

/// Cheap exact folding of raw tokens that need no composition.
enum QuickFold {
    /// Writes the folded UTF-8 of `text[range]` into `out`; false when the token needs the full path.
    static func fold(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into out: inout [UInt8]) -> Bool {
        out.removeAll(keepingCapacity: true)
        let tables = TextNormalizer.tables
        var at = range.lowerBound
        while at < range.upperBound {
            let byte = text[at]
            if byte < 0x80 {
                out.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                at += 1
                continue
            }
            let (value, length) = UTF8Codec.decode(text, at: at)
            at += length
            guard value < TextNormalizer.tableLimit, tables.kind[Int(value)] == 1 else { return false }
            let lower = tables.lower[Int(value)]
            guard lower != 0, lower < TextNormalizer.tableLimit else { return false }
            let folded = tables.fold[Int(lower)]
            guard folded != 0 else { return false }
            UTF8Codec.append(folded, to: &out)
        }
        return true
    }
}
