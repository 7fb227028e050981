// PostingCodec+Positions: positions of chosen docs only — the few best-match candidates whose
// proximity is scored — read by seeking to each doc's tf code (PositionSeeks, recorded when the
// counts decoder passed over the posting), so a common word's list is not walked a second time.
// Invariant: for every chosen doc the positions equal those of the full decode. Stateless; safe
// concurrently.

extension PostingCodec {
    /// The docs of `chosen` (ascending) that `seeks` holds, with their positions.
    static func decodePositions(
        _ base: UnsafePointer<UInt8>, seeks: PositionSeeks, docLengths: UnsafeBufferPointer<UInt32>, chosen: [UInt32]
    ) -> DecodedPosting {
        var result = DecodedPosting()
        var reader = BitReader(base: base, byteOffset: 0)
        var j = 0
        let docs = seeks.docs
        for doc in chosen {
            // Galloping would help tiny `chosen` lists; the walk below is linear in both.
            while j < docs.count && docs[j] < doc { j &+= 1 }
            guard j < docs.count else { break }
            guard docs[j] == doc else { continue }
            reader.bit = seeks.bits[j]
            let tf = reader.readGamma()
            let length = Int(docLengths[Int(doc)])
            if tf == 1 {
                result.positions.append(UInt32(readTruncatedBinary(&reader, size: length)))
            } else {
                var position = -1
                reader.readRiceRun(tf, k: riceKFast(total: length, count: tf)) { gap in
                    position &+= gap &+ 1
                    result.positions.append(UInt32(truncatingIfNeeded: position))
                }
            }
            result.docs.append(doc)
            result.offsets.append(Int32(result.positions.count))
            j &+= 1
        }
        return result
    }
}
