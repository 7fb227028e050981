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
        var docs = AppendBuffer<UInt32>(capacity: chosen.count)
        var offsets = AppendBuffer<Int32>(capacity: chosen.count + 1)
        var positions = AppendBuffer<UInt32>(capacity: 8 * chosen.count)
        offsets.append(0)
        var reader = BitReader(base: base, byteOffset: 0)
        var j = 0
        let held = seeks.docs
        for doc in chosen {
            // Galloping would help tiny `chosen` lists; the walk below is linear in both.
            while j < held.count && held[j] < doc { j &+= 1 }
            guard j < held.count else { break }
            guard held[j] == doc else { continue }
            reader.bit = seeks.bits[j]
            let tf = reader.readGamma()
            let length = Int(docLengths[Int(doc)])
            if tf == 1 {
                positions.append(UInt32(readTruncatedBinary(&reader, size: length)))
            } else {
                var position = -1
                reader.readRiceRun(tf, k: riceKFast(total: length, count: tf)) { gap in
                    position &+= gap &+ 1
                    positions.append(UInt32(truncatingIfNeeded: position))
                }
            }
            docs.append(doc)
            offsets.append(Int32(positions.count))
            j &+= 1
        }
        return DecodedPosting(docs: docs.array(), offsets: offsets.array(), positions: positions.array())
    }
}
