// DictionaryTrainer: builds the store's preset deflate dictionary from a sample of the corpus,
// in the manner of zstd's COVER/FastCOVER trainers, tuned for zlib's 32 KiB window.
//
//   1. Document frequency of every d-mer (d = 8 bytes) over a seeded random sample of
//      reports, counted in a hashed table (2^hashBits buckets; collisions only inflate).
//   2. Candidates are the fixed-size segments tiling each sampled report.
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
    /// Length of a candidate segment in bytes.
    public var segmentSize = 120
    /// Length of the d-mers whose frequencies score segments (4...8).
    public var dmerSize = 8
    /// log2 of the number of frequency buckets.
    public var hashBits = 23
    /// d-mers seen in fewer sampled reports than this score nothing.
    public var minFrequency = 2
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
        let buckets = 1 << hashBits
        var freq = [UInt16](repeating: 0, count: buckets)
        var stamp = [UInt16](repeating: 0, count: buckets)
        countDocumentFrequencies(sample, text: text, freq: &freq, stamp: &stamp)

        // Candidates: (sample position, offset, length).
        var candidates: [(doc: Int32, offset: Int32, length: Int32)] = []
        for (k, i) in sample.enumerated() {
            let n = text(i).count
            if n < dmerSize { continue }
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
        var generation: UInt16 = 0
        for j in stamp.indices { stamp[j] = 0 }
        func score(_ c: Int) -> UInt32 {
            let cand = candidates[c]
            let bytes = text(sample[Int(cand.doc)])
            generation &+= 1
            if generation == 0 {
                for j in stamp.indices { stamp[j] = 0 }
                generation = 1
            }
            var total: UInt32 = 0
            forEachBucket(bytes, from: Int(cand.offset), length: Int(cand.length)) { h in
                if stamp[h] != generation {
                    stamp[h] = generation
                    let f = freq[h]
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
            // Scores only fall as coverage grows; re-queue a stale score unless it still leads.
            if s != top.score {
                if s > 0 { heap.push(score: s, item: top.item) }
                continue
            }
            chosen.append(top.item)
            let cand = candidates[top.item]
            total += Int(cand.length)
            forEachBucket(text(sample[Int(cand.doc)]), from: Int(cand.offset), length: Int(cand.length)) { h in
                freq[h] = 0
            }
        }

        var dictionary: [UInt8] = []
        dictionary.reserveCapacity(total)
        for c in chosen.reversed() {
            let cand = candidates[c]
            let bytes = text(sample[Int(cand.doc)])
            let start = Int(cand.offset)
            dictionary.append(contentsOf: bytes[start..<(start + Int(cand.length))])
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

    private func countDocumentFrequencies(
        _ sample: [Int], text: (Int) -> UnsafeRawBufferPointer, freq: inout [UInt16], stamp: inout [UInt16]
    ) {
        // stamp[h] remembers the last sampled report (mod 2^16, offset by one) that touched
        // bucket h, so each report counts a d-mer once.
        for (k, i) in sample.enumerated() {
            let mark = UInt16(truncatingIfNeeded: k % 65535 + 1)
            let bytes = text(i)
            forEachBucket(bytes, from: 0, length: bytes.count) { h in
                if stamp[h] != mark {
                    stamp[h] = mark
                    if freq[h] < UInt16.max { freq[h] += 1 }
                }
            }
        }
    }

    /// Calls `body` with the bucket of each d-mer starting in `bytes[from ..< from+length-d+1]`.
    @inline(__always)
    private func forEachBucket(_ bytes: UnsafeRawBufferPointer, from: Int, length: Int, _ body: (Int) -> Void) {
        let d = dmerSize
        guard length >= d, let base = bytes.baseAddress else { return }
        let mask: UInt64 = d == 8 ? ~0 : (1 << UInt64(8 * d)) - 1
        let shift = UInt64(64 - hashBits)
        let end = from + length
        var j = from
        // Load 8 bytes where they exist; the last few d-mers of a buffer are assembled bytewise.
        while j + d <= end {
            var gram: UInt64
            if j + 8 <= bytes.count {
                gram = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: j, as: UInt64.self)) & mask
            } else {
                gram = 0
                for b in 0..<d { gram |= UInt64(bytes[j + b]) << UInt64(8 * b) }
            }
            body(Int((gram &* 0x9E37_79B9_7F4A_7C15) >> shift))
            j += 1
        }
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
