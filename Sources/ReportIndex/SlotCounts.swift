// SlotCounts: one thread's share of a multi-term expansion (folded or prefix word), summed by doc
// slot: the title-weighted tf of every term in the share and flags (1 = matched, under title:
// in the title; 2 = holds an exact spelling). Invariant: tf and flags have one element per doc
// slot of the index, zero for docs no term of the share touched. Not Sendable: each worker makes
// its own and hands it back through WorkerResults once it is done.

/// Per-doc-slot sums of a set of terms' postings.
final class SlotCounts {
    let tf: UnsafeMutableBufferPointer<UInt32>
    let flags: UnsafeMutableBufferPointer<UInt8>
    /// Per term added with `recordSeeks`, in order, where its docs' positions start.
    private(set) var seeks: [PositionSeeks] = []

    init(slots: Int) {
        tf = .allocate(capacity: slots)
        flags = .allocate(capacity: slots)
        tf.initialize(repeating: 0)
        flags.initialize(repeating: 0)
    }

    deinit {
        tf.deallocate()
        flags.deallocate()
    }

    /// Adds the postings at `terms`' offsets (see QueryEvaluator.termHits for the weighting).
    /// With `recordSeeks`, each term's seek points are kept too (`seeks`).
    func add(
        _ terms: ArraySlice<SearchIndex.ResolvedTerm>, of index: SearchIndex, titleOnly: Bool,
        recordSeeks: Bool = false
    ) {
        let weight = UInt32(SearchIndex.titleWeight)
        let tf = self.tf
        let flags = self.flags
        for term in terms {
            let exactFlag: UInt8 = term.exact ? 2 : 0
            // Seek points are filled in place, df slots each (an append per doc would check uniqueness).
            let df = recordSeeks ? index.documentFrequency(atOffset: term.offset) : 0
            var n = 0
            var bits: [Int] = []
            let docs = [UInt32](unsafeUninitializedCapacity: df) { docs, docCount in
                bits = [Int](unsafeUninitializedCapacity: df) { bits, bitCount in
                    index.forEachCount(atOffset: term.offset) { doc, count, inTitle, bit in
                        let d = Int(doc)
                        if recordSeeks {
                            docs[n] = doc
                            bits[n] = bit
                            n &+= 1
                        }
                        if titleOnly {
                            tf[d] &+= inTitle * weight
                            flags[d] |= exactFlag | (inTitle > 0 ? 1 : 0)
                        } else {
                            tf[d] &+= inTitle * weight + (count - inTitle)
                            flags[d] |= exactFlag | 1
                        }
                    }
                    bitCount = n
                }
                docCount = n
            }
            if recordSeeks { seeks.append(PositionSeeks(docs: docs, bits: bits)) }
        }
    }

    /// The matched slots, ascending, with their tf and exact flag: counted first, then filled in
    /// place (an append per doc would check uniqueness). (Reading through a method keeps this
    /// object, and so its buffers, alive for the whole walk.)
    func matched() -> (docs: [UInt32], tf: [UInt32], exact: [Bool]) {
        var count = 0
        for flag in flags { count &+= Int(flag & 1) }
        var tfs: [UInt32] = []
        var exact: [Bool] = []
        let docs = [UInt32](unsafeUninitializedCapacity: count) { docs, docCount in
            tfs = [UInt32](unsafeUninitializedCapacity: count) { tfs, tfCount in
                exact = [Bool](unsafeUninitializedCapacity: count) { exact, exactCount in
                    var n = 0
                    for doc in flags.indices where flags[doc] & 1 != 0 {
                        docs[n] = UInt32(doc)
                        tfs[n] = tf[doc]
                        exact[n] = flags[doc] & 2 != 0
                        n &+= 1
                    }
                    exactCount = n
                }
                tfCount = count
            }
            docCount = count
        }
        return (docs, tfs, exact)
    }

    /// Adds another share's sums into this one.
    func absorb(_ other: SlotCounts) {
        for d in tf.indices {
            tf[d] &+= other.tf[d]
            flags[d] |= other.flags[d]
        }
    }
}
