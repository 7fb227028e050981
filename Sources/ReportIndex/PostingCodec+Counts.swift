// PostingCodec+Counts: a decoder of the same posting layout (PostingCodec.swift) that yields, per
// doc, only what BM25 and title: need: the term frequency and how many of the positions lie in the
// title. Positions are read to be skipped (Rice codes have no length prefix) and compared with the
// doc's title length, never stored, so a term that is not part of a phrase costs no position
// arrays; the bit offset of each doc's tf code is passed along, so a caller can come back for the
// positions of chosen docs (PositionSeeks). A doc's gap and tf codes are read from one loaded
// 64-bit window when both lie in it, code by code otherwise (a gap or tf too long for a window).
// Invariant: (tf, inTitle) equal the count of all positions and of positions < title length in the
// full decode. Stateless; safe concurrently.

extension PostingCodec {
    /// Calls `body(doc, tf, inTitle, bit)` for each doc of the posting at `offset`, ascending; `bit`
    /// is the absolute bit offset of the doc's tf code (where decodePositions(seeks:) resumes).
    @inline(__always)
    static func decodeCounts(
        _ base: UnsafePointer<UInt8>, offset: Int, docSlots: Int, docLengths: UnsafeBufferPointer<UInt32>,
        titleLengths: UnsafeBufferPointer<UInt32>, _ body: (UInt32, UInt32, UInt32, Int) -> Void
    ) {
        var reader = BitReader(base: base, byteOffset: offset)
        let df = reader.readVarint()
        let kDoc = riceK(total: docSlots, count: df)
        var doc = -1
        for _ in 0..<df {
            // Rice(docGap) and Gamma(tf) are taken from one loaded window when both lie inside its
            // meaningful bits (nearly always); otherwise code by code.
            let w = reader.window()
            let gapZeros = w.leadingZeroBitCount
            let gapBits = gapZeros &+ 1 &+ kDoc
            let bit: Int
            let tf: Int
            if gapBits <= BitReader.windowBits {
                doc &+= (gapZeros &<< kDoc | BitReader.bits(after: gapZeros, kDoc, in: w)) &+ 1
                let rest = w &<< UInt64(gapBits)
                let tfZeros = rest.leadingZeroBitCount
                if gapBits &+ 2 &* tfZeros &+ 1 <= BitReader.windowBits {
                    tf = 1 &<< tfZeros | BitReader.bits(after: tfZeros, tfZeros, in: rest)
                    bit = reader.bit &+ gapBits
                    reader.skip(gapBits &+ 2 &* tfZeros &+ 1)
                } else {
                    reader.skip(gapBits)
                    bit = reader.bit
                    tf = reader.readGamma()
                }
            } else {
                doc &+= reader.readRice(k: kDoc) &+ 1
                bit = reader.bit
                tf = reader.readGamma()
            }
            let length = Int(docLengths[doc])
            let title = Int(titleLengths[doc])
            var inTitle = 0
            if tf == 1 {
                let position = readTruncatedBinary(&reader, size: length)
                if position < title { inTitle = 1 }
            } else {
                let kPos = riceKFast(total: length, count: tf)
                var position = -1
                var remaining = tf
                // Positions ascend: count the title ones, then only skip the rest.
                while remaining > 0 && position < title {
                    position &+= reader.readRice(k: kPos) &+ 1
                    if position < title { inTitle &+= 1 }
                    remaining &-= 1
                }
                reader.skipRice(remaining, k: kPos)
            }
            body(UInt32(truncatingIfNeeded: doc), UInt32(truncatingIfNeeded: tf), UInt32(truncatingIfNeeded: inTitle), bit)
        }
    }
}
