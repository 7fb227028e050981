// CandidateScores: what best match accumulates per candidate doc while it walks the clauses
// (BestMatchRanker): BM25 of the matched clauses, their coordination weight, matched words and
// required clauses, the proximity words held (a bit set of `maskWords` words per candidate) and the
// BM25 length norm. Raw buffers: the walks write them through closures, where arrays would be
// checked for uniqueness at every write.
// Invariant: every buffer holds `candidates.count` values (`held` that many times maskWords); the
// accumulators start at zero. Owns its buffers; one query, one thread.

final class CandidateScores {
    let candidates: [UInt32]
    let maskWords: Int
    let bm25: UnsafeMutableBufferPointer<Double>
    let weight: UnsafeMutableBufferPointer<Double>
    let norms: UnsafeMutableBufferPointer<Double>
    let words: UnsafeMutableBufferPointer<Int32>
    let matched: UnsafeMutableBufferPointer<Int32>
    let held: UnsafeMutableBufferPointer<UInt64>

    /// Zeroed accumulators for `candidates` (ascending doc slots), their norms from `index`.
    init(_ candidates: [UInt32], maskWords: Int, index: SearchIndex) {
        self.candidates = candidates
        self.maskWords = maskWords
        let n = candidates.count
        bm25 = Self.filled(n, with: 0.0)
        weight = Self.filled(n, with: 0.0)
        norms = Self.filled(n, with: 0.0)
        words = Self.filled(n, with: Int32(0))
        matched = Self.filled(n, with: Int32(0))
        held = Self.filled(n * maskWords, with: UInt64(0))
        for i in 0..<n { norms[i] = index.lengthNorm(candidates[i]) }
    }

    deinit {
        bm25.deallocate()
        weight.deallocate()
        norms.deallocate()
        words.deallocate()
        matched.deallocate()
        held.deallocate()
    }

    var count: Int { candidates.count }

    /// How many proximity words candidate i holds.
    func heldCount(_ i: Int) -> Int {
        var count = 0
        for m in 0..<maskWords { count += held[i * maskWords + m].nonzeroBitCount }
        return count
    }

    /// Whether candidate i holds proximity word p.
    func holds(_ i: Int, _ p: Int) -> Bool { held[i * maskWords + p / 64] & (UInt64(1) << UInt64(p % 64)) != 0 }

    /// `count` copies of `value` in a buffer the caller deallocates.
    static func filled<T>(_ count: Int, with value: T) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        buffer.initialize(repeating: value)
        return buffer
    }
}
