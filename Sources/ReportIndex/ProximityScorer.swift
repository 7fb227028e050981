// ProximityScorer: the proximity part of best match (docs/TEXT-RULES.md §8) for one doc at a time,
// from the positions of the query's plain words in the docs being rescored:
//   pairs    for two words typed side by side, tf = their adjacent occurrences in order within one
//            region (title ones count titleWeight times), scored pairWeight · idf · tf(k1+1)/(tf+norm)
//            with idf the larger of the two words' (a phrase is at least as rare as its rarest word)
//   window   w = tokens in the smallest span holding every one of the doc's m matched words (m >= 2),
//            scored windowWeight · Σ idf of those words · min(1, m / w)
// Both are at most pairWeight·(k1+1)·idf per pair and windowWeight·Σ idf: the bounds BestMatchRanker
// prunes with. Invariant: docs are scored in ascending order (cursors only move forward). Used on one
// thread.

struct ProximityScorer {
    /// Per proximity word, its positions in the rescored docs.
    let positions: [DecodedPosting]
    /// Per proximity word, its idf.
    let idf: [Double]
    /// Adjacent pairs (first word, second word, idf).
    let pairs: [(Int, Int, Double)]
    private var cursors: [Int]
    // Scratch reused from doc to doc (a doc's words, their position ranges, the window's events).
    private var slices: [Range<Int>?]
    private var present: [Int] = []
    /// position << 32 | word's index in `present`: sorting the integers orders by position.
    private var events: [UInt64] = []
    private var seen: [Int] = []

    init(positions: [DecodedPosting], idf: [Double], pairs: [(Int, Int, Double)]) {
        self.positions = positions
        self.idf = idf
        self.pairs = pairs
        cursors = [Int](repeating: 0, count: positions.count)
        slices = [Range<Int>?](repeating: nil, count: positions.count)
    }

    /// The proximity score of `doc` (greater than every doc scored before).
    mutating func score(doc: UInt32, titleLength: UInt32, norm: Double) -> Double {
        present.removeAll(keepingCapacity: true)
        for w in positions.indices {
            slices[w] = positions[w].positionRange(of: doc, cursor: &cursors[w])
            if slices[w] != nil { present.append(w) }
        }
        guard present.count >= 2 else { return 0 }
        var total = 0.0
        let weight = UInt32(SearchIndex.titleWeight)
        for (p, q, pairIDF) in pairs {
            guard let a = slices[p], let b = slices[q] else { continue }
            let first = positions[p].positions
            let second = positions[q].positions
            var tf: UInt32 = 0
            var j = b.lowerBound
            for i in a {
                let start = first[i]
                while j < b.upperBound && second[j] <= start { j += 1 }
                guard j < b.upperBound else { break }
                guard second[j] == start + 1 else { continue }
                // Within one region: not from the title's last token to the body's first.
                if start + 1 < titleLength {
                    tf += weight
                } else if start >= titleLength {
                    tf += 1
                }
            }
            if tf > 0 {
                let t = Double(tf)
                total += BestMatchRanker.pairWeight * pairIDF * t * (SearchIndex.k1 + 1) / (t + norm)
            }
        }
        // Smallest window holding every present word: merge their positions, slide.
        events.removeAll(keepingCapacity: true)
        var idfSum = 0.0
        for (local, w) in present.enumerated() {
            idfSum += idf[w]
            for o in slices[w]! { events.append(UInt64(positions[w].positions[o]) << 32 | UInt64(local)) }
        }
        events.sort()
        seen.removeAll(keepingCapacity: true)
        seen.append(contentsOf: repeatElement(0, count: present.count))
        var covered = 0
        var best = UInt32.max
        var left = 0
        for right in events.indices {
            let word = Int(events[right] & 0xFFFF_FFFF)
            if seen[word] == 0 { covered += 1 }
            seen[word] += 1
            while covered == present.count {
                best = min(best, UInt32(events[right] >> 32) - UInt32(events[left] >> 32) + 1)
                let out = Int(events[left] & 0xFFFF_FFFF)
                seen[out] -= 1
                if seen[out] == 0 { covered -= 1 }
                left += 1
            }
        }
        if best != UInt32.max {
            total += BestMatchRanker.windowWeight * idfSum * min(1, Double(present.count) / Double(best))
        }
        return total
    }
}
