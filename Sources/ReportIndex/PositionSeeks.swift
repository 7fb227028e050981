// PositionSeeks: where, in one term's posting, each doc's tf code starts, recorded while the counts
// decoder passes over it (QueryEvaluator, for the words proximity may score and for phrase words), so
// the positions of the few docs that are rescored, or that hold every word of a phrase, can be read
// by seeking to them instead of walking the whole list again.
// Invariant: docs strictly ascending, bits.count == docs.count, bits[i] the absolute bit offset of
// docs[i]'s tf code in the index's posting buffer. A value; used by the one query that made it.

/// Seek points into one term's posting, one per doc.
struct PositionSeeks {
    let docs: [UInt32]
    let bits: [Int]

    init(docs: [UInt32], bits: [Int]) {
        self.docs = docs
        self.bits = bits
    }
}
