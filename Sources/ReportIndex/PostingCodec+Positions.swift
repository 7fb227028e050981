// PostingCodec+Positions: positions of chosen docs only — the best-match candidates whose
// proximity is scored, or the docs holding every word of a phrase — read by seeking to each doc's
// tf code (PositionSeeks, recorded when the counts decoder passed over the posting, found by
// galloping), so a common word's list is not walked a second time.
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
            // Gallop to the first held doc >= doc: a few hundred chosen docs in a common word's tens
            // of thousands cost O(chosen · log(gap)), not a walk of the whole list.
            j = Self.firstAtLeast(doc, in: held, from: j)
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

    /// The first index i >= from with docs[i] >= doc (docs.count if none), by galloping from
    /// `from` and then halving.
    @inline(__always)
    static func firstAtLeast(_ doc: UInt32, in docs: [UInt32], from: Int) -> Int {
        guard from < docs.count, docs[from] < doc else { return from }
        // docs[low] < doc; find high with docs[high] >= doc (or the end).
        var low = from
        var step = 1
        var high = from &+ 1
        while high < docs.count && docs[high] < doc {
            low = high
            step &<<= 1
            high = low &+ step
        }
        if high > docs.count { high = docs.count }
        // docs[low] < doc <= docs[high] (high may be the end).
        while high &- low > 1 {
            let mid = low &+ (high &- low) >> 1
            if docs[mid] < doc { low = mid } else { high = mid }
        }
        return high
    }
}
