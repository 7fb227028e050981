// PostingCodec+Positions: a decoder of the posting layout (PostingCodec.swift) that keeps the
// positions of chosen docs only — the few best-match candidates whose proximity is scored — and
// skips the others' positions as the counts decoder does, so no position array is built for the
// rest of a common word's docs. Invariant: for every wanted doc the positions equal those of the full
// decode. Stateless; safe concurrently.

extension PostingCodec {
    /// The docs of the posting at `offset` for which `wanted[doc]`, with their positions.
    static func decodePositions(
        _ base: UnsafePointer<UInt8>, offset: Int, docSlots: Int, docLengths: UnsafeBufferPointer<UInt32>,
        wanted: UnsafeBufferPointer<Bool>
    ) -> DecodedPosting {
        var reader = BitReader(base: base, byteOffset: offset)
        let df = reader.readVarint()
        let kDoc = riceK(total: docSlots, count: df)
        var result = DecodedPosting()
        var doc = -1
        for _ in 0..<df {
            doc &+= reader.readRice(k: kDoc) &+ 1
            let tf = reader.readGamma()
            let length = Int(docLengths[doc])
            let keep = wanted[doc]
            if tf == 1 {
                let position = readTruncatedBinary(&reader, size: length)
                if keep { result.positions.append(UInt32(position)) }
            } else {
                let kPos = riceKFast(total: length, count: tf)
                if keep {
                    var position = -1
                    reader.readRiceRun(tf, k: kPos) { gap in
                        position &+= gap &+ 1
                        result.positions.append(UInt32(truncatingIfNeeded: position))
                    }
                } else {
                    reader.skipRice(tf, k: kPos)
                }
            }
            if keep {
                result.docs.append(UInt32(doc))
                result.offsets.append(Int32(result.positions.count))
            }
        }
        return result
    }
}
