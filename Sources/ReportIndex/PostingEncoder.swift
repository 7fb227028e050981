// PostingEncoder: writes one term's posting list in the PostingCodec layout. It is the only writer of
// that layout: IndexBuilder (from tokenised occurrences) and SegmentMerger (from decoded postings)
// both go through it, so the same docs, lengths and doc-slot count always give the same bytes.
// Invariant: docs are appended strictly ascending, each with 1... ascending positions below its
// length, exactly `documentFrequency` of them, then `finish`. One value per posting, one thread.

/// Encoder of a single posting list into a shared BitWriter.
struct PostingEncoder {
    private let kDoc: Int
    private var previousDoc = -1

    /// Starts a posting: writes varint(df) at the writer's current (byte-aligned) end.
    /// - Parameters:
    ///   - documentFrequency: Number of docs `append` will be called for (>= 1).
    ///   - docSlots: Doc slots of the index the posting belongs to (derives the Rice parameter).
    init(documentFrequency: Int, docSlots: Int, writer: inout BitWriter) {
        writer.writeVarint(documentFrequency)
        kDoc = PostingCodec.riceK(total: docSlots, count: documentFrequency)
    }

    /// Appends one doc: Rice(docGap), Gamma(tf), then its positions (ascending, < docLength).
    @inline(__always)
    mutating func append(doc: Int, positions: UnsafeBufferPointer<UInt32>, docLength: Int, writer: inout BitWriter) {
        let tf = positions.count
        writer.writeRice(doc - previousDoc - 1, k: kDoc)
        writer.writeGamma(tf)
        if tf == 1 {
            PostingCodec.writeTruncatedBinary(&writer, Int(positions[0]), size: docLength)
        } else {
            let kPos = PostingCodec.riceK(total: docLength, count: tf)
            var previousPosition = -1
            for value in positions {
                let position = Int(value)
                writer.writeRice(position - previousPosition - 1, k: kPos)
                previousPosition = position
            }
        }
        previousDoc = doc
    }

    /// Pads the posting to a byte boundary so the next one starts byte-aligned.
    func finish(writer: inout BitWriter) {
        writer.finish()
    }
}
