// CandidateMap: doc slot → index of the doc in a ranking's sorted candidate list, so each clause's
// and leaf's docs find their candidate (BestMatchRanker scores per candidate). Many candidates: an
// array over every doc slot, one load per doc; few next to the slots (a rare word's page): a walk
// merging the sorted lists, so a query touching a few hundred docs does not fill an array of every
// slot. Invariant: forEach calls body(i, j) exactly when candidates[i] == docs[j], in the order of
// `docs`; the slot array (when kept) holds i at candidates[i] and -1 elsewhere. Owns its buffer;
// one query, one thread.

/// The position of each candidate doc, by doc slot.
final class CandidateMap {
    private let candidates: [UInt32]
    /// Nil when the candidates are few enough to be merged with.
    private let index: UnsafeMutableBufferPointer<Int32>?

    /// Maps `candidates` (ascending, each below `slots`).
    init(_ candidates: [UInt32], slots: Int) {
        self.candidates = candidates
        if candidates.count * 32 < slots {
            index = nil
        } else {
            let index = UnsafeMutableBufferPointer<Int32>.allocate(capacity: slots)
            index.initialize(repeating: -1)
            for (i, doc) in candidates.enumerated() { index[Int(doc)] = Int32(i) }
            self.index = index
        }
    }

    deinit { index?.deallocate() }

    /// Calls `body(i, j)` for each docs[j] (ascending) that is candidate i, in the order of `docs`.
    @inline(__always)
    func forEach(in docs: [UInt32], _ body: (Int, Int) -> Void) {
        docs.withUnsafeBufferPointer { docs in
            if let index {
                for j in docs.indices {
                    let i = index[Int(docs[j])]
                    if i >= 0 { body(Int(i), j) }
                }
                return
            }
            candidates.withUnsafeBufferPointer { candidates in
                var i = 0
                var j = 0
                while i < candidates.count && j < docs.count {
                    if candidates[i] < docs[j] {
                        i &+= 1
                    } else if candidates[i] > docs[j] {
                        j &+= 1
                    } else {
                        body(i, j)
                        i &+= 1
                        j &+= 1
                    }
                }
            }
        }
    }
}
