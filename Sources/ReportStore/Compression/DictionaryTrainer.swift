// DictionaryTrainer: builds the store's preset deflate dictionary from a sample of the corpus,
// in the manner of zstd's COVER/FastCOVER trainers, tuned for zlib's 32 KiB window.
//
//   1. Document frequency of every d-mer (d = 8 bytes) over a seeded random sample of
//      reports, counted in a hashed table (2^hashBits buckets; collisions only inflate).
//   2. Candidates are the fixed-size segments tiling `candidateReportCount` of the sampled
//      reports.
//   3. Lazy greedy: score = sum of document frequencies of the segment's distinct d-mers
//      that are not yet covered; take the best, zero the frequencies it covers, repeat until
//      the dictionary is full.
//   4. The first picks (most valuable) go at the END of the dictionary: they are nearest to
//      the text in the window, and zlib can only reach back 32 KiB.
//
// Invariant: the output is a deterministic function of the inputs and the settings.
// A value type with no shared state: safe to use from any thread.

/// Trains a preset dictionary for per-report raw deflate.
public struct DictionaryTrainer: Sendable {
    /// Bytes of dictionary to produce (zlib uses at most the last 32 KiB).
    public var dictionarySize = 32768
    /// Reports in the training sample.
    public var sampleCount = 3000
    /// Length of a candidate segment in bytes (dev corpus: 80-120 best, 200 +0.002, 300 +0.003).
    public var segmentSize = 120
    /// Length of the d-mers whose frequencies score segments (4...8; 8 beat 6, 7 and 10).
    public var dmerSize = 8
    /// log2 of the number of frequency buckets.
    public var hashBits = 23
    /// d-mers seen in fewer sampled reports than this score nothing.
    public var minFrequency = 2
    /// Only this many sampled reports (spread over the sample) supply candidate segments; all
    /// of the sample still counts frequencies. On the dev corpus 1000 instead of 3000 costs
    /// 0.0007 in ratio and saves two thirds of the training time (re-scoring is the cost).
    public var candidateReportCount = 1000
    /// Take a re-scored segment when its score is at least this fraction of the best stale
    /// score left (1 = exact lazy greedy; lower is faster and slightly less exact).
    public var acceptance = 1.0
    /// Seed of the sample choice.
    public var seed: UInt64 = 0x5EED

    /// A trainer with the default settings.
    public init() {}

    /// Trains on `count` texts, reading text `i` through `text(i)`.
    /// - Returns: the dictionary (shorter than `dictionarySize` for a tiny corpus; empty for none).
    public func train(count: Int, text: (Int) -> UnsafeRawBufferPointer) -> [UInt8] {
        precondition((4...8).contains(dmerSize) && (10...28).contains(hashBits) && segmentSize >= dmerSize)
        let sample = chooseSample(count: count)
        guard !sample.isEmpty, dictionarySize > 0 else { return [] }
        let texts = sample.map(text)
        // One table of 2^hashBits (frequency, stamp) pairs, 4 bytes each so that a lookup is
        // one cache miss; freed on return. Raw pointers: these loops run tens of millions of
        // times and must not pay for array checks.
        let buckets = 1 << hashBits
        let table = UnsafeMutablePointer<Bucket>.allocate(capacity: buckets)
        table.initialize(repeating: Bucket(), count: buckets)
        defer { table.deallocate() }
        let hasher = DmerHasher(dmerSize: dmerSize, hashBits: hashBits)

        // 1. Document frequencies. stamp[h] holds the last report (mod 65535, plus one) that
        //    touched bucket h, so each report counts a d-mer once.
        for (k, bytes) in texts.enumerated() {
            let mark = UInt16(truncatingIfNeeded: k % 65535 + 1)
            guard let base = bytes.baseAddress, bytes.count >= dmerSize else { continue }
            for j in 0...(bytes.count - dmerSize) {
                let h = hasher.bucket(base, j, bytes.count)
                if table[h].stamp != mark {
                    table[h].stamp = mark
                    if table[h].freq < UInt16.max { table[h].freq += 1 }
                }
            }
        }

        // 2. Candidates: the segments tiling each sampled report (a short report is one).
        var candidates: [(doc: Int32, offset: Int32, length: Int32)] = []
        for (k, bytes) in texts.enumerated() {
            let n = bytes.count
            // Spread the candidate reports over the whole (sorted) sample.
            let every = max(1, texts.count / max(1, candidateReportCount))
            if n < dmerSize || k % every != 0 { continue }
            if n <= segmentSize {
                candidates.append((Int32(k), 0, Int32(n)))
                continue
            }
            var o = 0
            while o + segmentSize <= n {
                candidates.append((Int32(k), Int32(o), Int32(segmentSize)))
                o += segmentSize
            }
        }

        // 3. Lazy greedy. Scoring reuses `stamp` as a per-segment "seen" set by generation.
        for h in 0..<buckets { table[h].stamp = 0 }
        var generation: UInt16 = 0
        let minFrequency = UInt16(clamping: self.minFrequency)
        func score(_ c: Int) -> UInt32 {
            let cand = candidates[c]
            let bytes = texts[Int(cand.doc)]
            generation &+= 1
            if generation == 0 {
                for h in 0..<buckets { table[h].stamp = 0 }
                generation = 1
            }
            var total: UInt32 = 0
            let start = Int(cand.offset)
            for j in start...(start + Int(cand.length) - dmerSize) {
                let h = hasher.bucket(bytes.baseAddress!, j, bytes.count)
                if table[h].stamp != generation {
                    table[h].stamp = generation
                    let f = table[h].freq
                    if f >= minFrequency { total += UInt32(f) }
                }
            }
            return total
        }

        var heap = MaxHeap()
        heap.reserve(candidates.count)
        for c in candidates.indices {
            let s = score(c)
            if s > 0 { heap.push(score: s, item: c) }
        }
        var chosen: [Int] = []
        var total = 0
        while total < dictionarySize, let top = heap.pop() {
            let s = score(top.item)
            // Scores only fall as coverage grows, so a fresh score still at least the best
            // remaining (stale, hence optimistic) score is the true maximum: take it.
            if Double(s) < acceptance * Double(heap.peekScore ?? 0) {
                if s > 0 { heap.push(score: s, item: top.item) }
                continue
            }
            if s == 0 { break }
            chosen.append(top.item)
            let cand = candidates[top.item]
            total += Int(cand.length)
            let bytes = texts[Int(cand.doc)]
            let start = Int(cand.offset)
            for j in start...(start + Int(cand.length) - dmerSize) {
                table[hasher.bucket(bytes.baseAddress!, j, bytes.count)].freq = 0
            }
        }

        // 4. Best segment last.
        var dictionary: [UInt8] = []
        dictionary.reserveCapacity(total)
        for c in chosen.reversed() {
            let cand = candidates[c]
            let start = Int(cand.offset)
            dictionary.append(contentsOf: texts[Int(cand.doc)][start..<(start + Int(cand.length))])
        }
        if dictionary.count > dictionarySize {
            dictionary.removeFirst(dictionary.count - dictionarySize)
        }
        return dictionary
    }

    /// Seeded sample of report indices, in ascending order.
    private func chooseSample(count: Int) -> [Int] {
        if count <= sampleCount { return Array(0..<count) }
        var indices = Array(0..<count)
        var rng = SplitMix64(seed: seed)
        for k in 0..<sampleCount {
            let j = k + Int(rng.next() % UInt64(count - k))
            indices.swapAt(k, j)
        }
        return indices[0..<sampleCount].sorted()
    }
}

/// One frequency bucket: document frequency of its d-mers, and the last report or segment
/// that touched it (for counting each d-mer once per report, and once per segment).
private struct Bucket {
    var freq: UInt16 = 0
    var stamp: UInt16 = 0
}

/// Maps the d-mer at an offset to a frequency bucket (Fibonacci hashing of its bytes).
private struct DmerHasher {
    let dmerSize: Int
    let mask: UInt64
    let shift: UInt64

    init(dmerSize: Int, hashBits: Int) {
        self.dmerSize = dmerSize
        mask = dmerSize == 8 ? ~0 : (1 << UInt64(8 * dmerSize)) - 1
        shift = UInt64(64 - hashBits)
    }

    /// Bucket of the d-mer at `base[j ..< j+dmerSize]`, within a buffer of `count` bytes.
    @inline(__always)
    func bucket(_ base: UnsafeRawPointer, _ j: Int, _ count: Int) -> Int {
        var gram: UInt64
        if j + 8 <= count {
            gram = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: j, as: UInt64.self)) & mask
        } else {
            // The last few d-mers of a buffer: assemble bytewise rather than read past its end.
            gram = 0
            for b in 0..<dmerSize { gram |= UInt64(base.load(fromByteOffset: j + b, as: UInt8.self)) << UInt64(8 * b) }
        }
        return Int((gram &* 0x9E37_79B9_7F4A_7C15) >> shift)
    }
}

/// SplitMix64: a tiny, seedable pseudo-random generator (deterministic training samples).
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Binary max-heap of (score, item), ties broken towards the smaller item.
private struct MaxHeap {
    private var keys: [UInt64] = []
    mutating func reserve(_ n: Int) { keys.reserveCapacity(n) }
    mutating func push(score: UInt32, item: Int) {
        keys.append(UInt64(score) << 32 | UInt64(UInt32.max - UInt32(item)))
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if keys[parent] >= keys[i] { break }
            keys.swapAt(parent, i)
            i = parent
        }
    }
    var peekScore: UInt32? { keys.first.map { UInt32($0 >> 32) } }
    mutating func pop() -> (score: UInt32, item: Int)? {
        guard let top = keys.first else { return nil }
        let last = keys.removeLast()
        if !keys.isEmpty {
            keys[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < keys.count && keys[l] > keys[m] { m = l }
                if r < keys.count && keys[r] > keys[m] { m = r }
                if m == i { break }
                keys.swapAt(i, m)
                i = m
            }
        }
        return (UInt32(top >> 32), Int(UInt32.max - UInt32(truncatingIfNeeded: top)))
    }
}
