// CandidateMap: doc slot → index of the doc in a ranking's sorted candidate list, so each clause's
// and leaf's docs find their candidate in one load (BestMatchRanker scores per candidate).
// Invariant: index[d] == i exactly when candidates[i] == d, else -1. Owns its buffer; one query,
// one thread.

/// The position of each candidate doc, by doc slot.
final class CandidateMap {
    private let index: UnsafeMutableBufferPointer<Int32>

    /// Maps `candidates` (ascending, each below `slots`).
    init(_ candidates: [UInt32], slots: Int) {
        index = .allocate(capacity: slots)
        index.initialize(repeating: -1)
        for (i, doc) in candidates.enumerated() { index[Int(doc)] = Int32(i) }
    }

    deinit { index.deallocate() }

    /// Calls `body(i, j)` for each docs[j] that is candidate i, in the order of `docs`.
    @inline(__always)
    func forEach(in docs: [UInt32], _ body: (Int, Int) -> Void) {
        docs.withUnsafeBufferPointer { docs in
            for j in docs.indices {
                let i = index[Int(docs[j])]
                if i >= 0 { body(Int(i), j) }
            }
        }
    }
}
