// QueryEvaluator: runs a Query tree on a SearchIndex with decoded postings: each leaf becomes a
// LeafHits (docs, per-doc positions of its matches, exact-spelling flags), nodes combine sorted doc
// lists (AND = intersection minus exclusions, OR = union), and BM25 scores the final docs from the
// leaves that were not under an exclusion. Invariant: every doc list is strictly ascending.
// One evaluator per query; not shared between threads (the index it reads is).
import Foundation

/// Matches of one leaf: positions are token positions of the match (phrase: its first token).
struct LeafHits {
    var docs: [UInt32] = []
    var offsets: [Int32] = [0]
    var positions: [UInt32] = []
    var exact: [Bool] = []
    var exactMatters = false
}

/// Evaluates and scores one query.
struct QueryEvaluator {
    let index: SearchIndex
    let fold: Bool
    /// Leaves that score, in evaluation order.
    private(set) var scoringLeaves: [LeafHits] = []

    init(index: SearchIndex, fold: Bool) {
        self.index = index
        self.fold = fold
    }

    /// Sorted docs matching `node`; when `positive`, its leaves are kept for scoring.
    mutating func evaluate(_ node: QueryNode, positive: Bool) -> [UInt32] {
        switch node {
        case .term(let word, let titleOnly):
            var hits = termHits(word, titleOnly: titleOnly)
            hits.exactMatters = word.isAccented && fold
            if positive { scoringLeaves.append(hits) }
            return hits.docs
        case .phrase(let words, let titleOnly):
            let hits = phraseHits(words, titleOnly: titleOnly)
            if positive { scoringLeaves.append(hits) }
            return hits.docs
        case .or(let operands):
            var result: [UInt32] = []
            for operand in operands { result = Self.union(result, evaluate(operand, positive: positive)) }
            return result
        case .and(let required, let excluded):
            var lists = required.map { evaluate($0, positive: positive) }
            lists.sort { $0.count < $1.count }
            var result = lists[0]
            for list in lists.dropFirst() { result = Self.intersect(result, list) }
            for node in excluded where !result.isEmpty {
                result = Self.subtract(result, evaluate(node, positive: false))
            }
            return result
        }
    }

    /// Union of the postings of every term the word resolves to, optionally title-only.
    func termHits(_ word: QueryTerm, titleOnly: Bool) -> LeafHits {
        let resolved = index.resolve(word, fold: fold)
        var hits = LeafHits()
        if resolved.count == 1 {
            let posting = index.posting(resolved[0].id)
            hits.docs = posting.docs
            hits.offsets = posting.offsets
            hits.positions = posting.positions
            hits.exact = [Bool](repeating: resolved[0].exact, count: posting.docs.count)
        } else if resolved.count > 1 {
            hits = merge(resolved.map { (index.posting($0.id), $0.exact) })
        }
        return titleOnly ? restrictToTitle(hits) : hits
    }

    /// Union of several terms' postings by bucketing on doc number: O(doc slots + positions), no sort
    /// of the whole list. Positions of different terms never coincide, so nothing is deduplicated.
    private func merge(_ postings: [(DecodedPosting, Bool)]) -> LeafHits {
        let slots = index.docSlots
        var counts = [Int32](repeating: 0, count: slots + 1)
        var exact = [Bool](repeating: false, count: slots)
        var sources = [UInt8](repeating: 0, count: slots)
        for (posting, isExact) in postings {
            for (i, doc) in posting.docs.enumerated() {
                counts[Int(doc) + 1] += posting.offsets[i + 1] - posting.offsets[i]
                if isExact { exact[Int(doc)] = true }
                if sources[Int(doc)] < 2 { sources[Int(doc)] += 1 }
            }
        }
        var hits = LeafHits()
        hits.offsets.removeAll()
        var running: Int32 = 0
        for doc in 0..<slots {
            let count = counts[doc + 1]
            counts[doc] = running
            if count > 0 {
                hits.docs.append(UInt32(doc))
                hits.offsets.append(running)
                hits.exact.append(exact[doc])
            }
            running += count
        }
        hits.offsets.append(running)
        var positions = [UInt32](repeating: 0, count: Int(running))
        for (posting, _) in postings {
            for (i, doc) in posting.docs.enumerated() {
                for o in Int(posting.offsets[i])..<Int(posting.offsets[i + 1]) {
                    positions[Int(counts[Int(doc)])] = posting.positions[o]
                    counts[Int(doc)] += 1
                }
            }
        }
        for (i, doc) in hits.docs.enumerated() where sources[Int(doc)] > 1 {
            positions[Int(hits.offsets[i])..<Int(hits.offsets[i + 1])].sort()
        }
        hits.positions = positions
        return hits
    }

    /// Keeps only matches at title positions (a phrase start p qualifies when its last token is too:
    /// phrase hits are built region-consistent, so checking the start suffices).
    private func restrictToTitle(_ hits: LeafHits) -> LeafHits {
        var result = LeafHits()
        result.exactMatters = hits.exactMatters
        for (i, doc) in hits.docs.enumerated() {
            let title = index.titleLengths[Int(doc)]
            let before = result.positions.count
            for o in Int(hits.offsets[i])..<Int(hits.offsets[i + 1]) where hits.positions[o] < title {
                result.positions.append(hits.positions[o])
            }
            if result.positions.count > before {
                result.docs.append(doc)
                result.offsets.append(Int32(result.positions.count))
                result.exact.append(hits.exact[i])
            }
        }
        return result
    }

    /// Docs where the words occur consecutively inside one region (title or body).
    func phraseHits(_ words: [QueryTerm], titleOnly: Bool) -> LeafHits {
        let parts = words.map { termHits($0, titleOnly: false) }
        var docs = parts[0].docs
        for part in parts.dropFirst() { docs = Self.intersect(docs, part.docs) }
        var cursors = [Int](repeating: 0, count: parts.count)
        var result = LeafHits()
        let span = UInt32(words.count - 1)
        for doc in docs {
            for p in parts.indices {
                while parts[p].docs[cursors[p]] != doc { cursors[p] += 1 }
            }
            let title = index.titleLengths[Int(doc)]
            let before = result.positions.count
            let first = parts[0]
            let i0 = cursors[0]
            for o in Int(first.offsets[i0])..<Int(first.offsets[i0 + 1]) {
                let start = first.positions[o]
                let last = start + span
                // The phrase may not straddle the title/body boundary.
                let inTitle = last < title
                if titleOnly && !inTitle { continue }
                if !inTitle && start < title { continue }
                var all = true
                for p in 1..<parts.count {
                    let part = parts[p]
                    let i = cursors[p]
                    if !Self.contains(part.positions, Int(part.offsets[i])..<Int(part.offsets[i + 1]), start + UInt32(p)) {
                        all = false
                        break
                    }
                }
                if all { result.positions.append(start) }
            }
            if result.positions.count > before {
                result.docs.append(doc)
                result.offsets.append(Int32(result.positions.count))
                result.exact.append(false)
            }
        }
        return result
    }

    /// BM25 (title occurrences weighted), summed over the scoring leaves, for ascending `docs`.
    func score(_ docs: [UInt32]) -> [Double] {
        var scores = [Double](repeating: 0, count: docs.count)
        let n = Double(index.documentCount)
        let weight = UInt32(SearchIndex.titleWeight)
        for leaf in scoringLeaves {
            let df = Double(leaf.docs.count)
            let idf = log(1 + (n - df + 0.5) / (df + 0.5))
            var j = 0
            for (i, doc) in docs.enumerated() {
                while j < leaf.docs.count && leaf.docs[j] < doc { j += 1 }
                guard j < leaf.docs.count, leaf.docs[j] == doc else { continue }
                let title = index.titleLengths[Int(doc)]
                var tf: UInt32 = 0
                for o in Int(leaf.offsets[j])..<Int(leaf.offsets[j + 1]) {
                    tf += leaf.positions[o] < title ? weight : 1
                }
                let length = Double(index.docLengths[Int(doc)] + (weight - 1) * title)
                let norm = SearchIndex.k1 * (1 - SearchIndex.b + SearchIndex.b * length / index.averageWeightedLength)
                let t = Double(tf)
                scores[i] += idf * t * (SearchIndex.k1 + 1) / (t + norm)
                if leaf.exactMatters && leaf.exact[j] { scores[i] += SearchIndex.exactSpellingBonus }
            }
        }
        return scores
    }

    // MARK: Sorted-list helpers

    static func contains(_ values: [UInt32], _ range: Range<Int>, _ target: UInt32) -> Bool {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let mid = (low + high) / 2
            if values[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low < range.upperBound && values[low] == target
    }

    static func intersect(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var i = 0
        var j = 0
        while i < a.count && j < b.count {
            if a[i] < b[j] { i += 1 } else if a[i] > b[j] { j += 1 } else {
                result.append(a[i])
                i += 1
                j += 1
            }
        }
        return result
    }

    static func union(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var result: [UInt32] = []
        result.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j >= b.count || (i < a.count && a[i] < b[j]) {
                result.append(a[i])
                i += 1
            } else if i >= a.count || b[j] < a[i] {
                result.append(b[j])
                j += 1
            } else {
                result.append(a[i])
                i += 1
                j += 1
            }
        }
        return result
    }

    static func subtract(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        var j = 0
        for value in a {
            while j < b.count && b[j] < value { j += 1 }
            if j < b.count && b[j] == value { continue }
            result.append(value)
        }
        return result
    }
}
