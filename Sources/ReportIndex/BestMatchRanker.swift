// BestMatchRanker: turns one segment's evaluated clauses into a ranked page (docs/TEXT-RULES.md §8).
//
//   strict set   docs matching every top-level clause, no exclusion, live: `total`, and the whole
//                page under strict ranking
//   candidates   best match: docs matching any clause (every `+` clause if there is one), no exclusion
//   base score   BM25 summed over the leaves of the clauses a doc matches; a doc that matches every
//                clause gets + allWordsBonus (best match only), any other is scaled by the IDF-weighted
//                coordination c² (c = Σ idf of its clauses / Σ idf of all clauses). The words of a
//                question phrase (`bao nhiêu`, `ở đâu`, ...) do not count toward "every clause" and
//                keep only questionWeight of their idf in c
//   proximity    for the words typed as single top-level words: adjacent pairs found side by side
//                (a phrase-like BM25 term) and the smallest window covering the doc's matched words;
//                scaled like the base score
//
// Docs are ordered by (top group first, score, doc ascending): the top group (every clause, best
// match only) is reported with + allWordsBonus but ordered by its plain score, so it keeps the
// strict page's order exactly. Proximity needs positions, so it is computed only for docs that can
// still reach the page: with θ the k-th best (group, base), a doc of θ's group whose base plus its
// proximity upper bound is below θ's base cannot enter the top k (proximity is never negative), nor
// can a doc of a lower group; only the others' positions are decoded, and of those at most
// rescoreWindow(k), the best by (group, base) — the rescoring window is part of the formula. The page
// is exactly the top k of the formula over all candidates (`exhaustive` skips the θ pruning and
// rescores the whole window, for tests).
//
// Invariant: hits sorted by ScoredDoc.precedes, at most `count`. A value used once on one thread.
import Foundation

struct BestMatchRanker {
    /// Weight of an adjacent pair's phrase-like term.
    static let pairWeight = 1.0
    /// Weight of the smallest-window term: windowWeight · Σ idf of the matched words · m / w.
    static let windowWeight = 4.0
    /// Share of its idf a question phrase's word keeps in the coordination factor.
    static let questionWeight = 0.1
    /// Question phrases (docs/TEXT-RULES.md §8): typed side by side as plain top-level words, they do
    /// not decide whether a report has "every word", and their absence costs little: a report that
    /// answers a question rarely holds its question words.
    /// Each as its words' (term, folded) forms: a word typed without marks is one of them when it
    /// folds alike (`bao nhieu` asks as `bao nhiêu` does).
    static let questionPhrases: [[(term: [UInt8], folded: [UInt8])]] = [
        "bao nhiêu", "khi nào", "là gì", "tại sao", "ở đâu", "vì sao", "như thế nào", "thế nào", "bao giờ", "bao lâu", "làm sao",
    ].map(Self.words)
    /// Question particles that ask only where a question ends (`… tăng không`, `… ở mức nào`) or
    /// starts (`ai …`, `có phải …`); elsewhere they are plain words (`không khí`, `hàng không`).
    /// They count as question words only in a query of at least `questionLength` plain words: a
    /// short query is keywords (`giá dầu` typed `gia dau` must not lose its `dau`).
    static let questionEndings: [[(term: [UInt8], folded: [UInt8])]] = [
        "không", "chưa", "gì", "đâu", "nào", "mấy", "sao", "phải không", "hay không", "được không",
    ].map(Self.words)
    static let questionStarts: [[(term: [UInt8], folded: [UInt8])]] = ["ai", "có phải"].map(Self.words)
    static let questionLength = 5

    private static func words(_ phrase: String) -> [(term: [UInt8], folded: [UInt8])] {
        Tokenizer.tokens(phrase).map { (Array($0.term.utf8), Array($0.folded.utf8)) }
    }

    let index: SearchIndex
    let query: Query

    /// The `count` best docs (strict or best match), their strict total, and each hit's matched words.
    func rank(
        evaluator: QueryEvaluator, clauses: [QueryEvaluator.ClauseHits], excluded: [UInt32], bestMatch requested: Bool,
        count: Int, exhaustive: Bool, window requestedWindow: Int? = nil, isLive: (UInt32) -> Bool
    ) -> (total: Int, hits: [ScoredDoc]) {
        guard !clauses.isEmpty else { return (0, []) }
        let slots = index.docSlots
        let meta = query.clauses.count == clauses.count
            ? query.clauses : clauses.map { _ in QueryClause(mandatory: true, words: 0, firstWord: 0) }
        let bestMatch = requested && clauses.count > 1 && meta.contains { !$0.mandatory }

        // Strict set: the smallest list first.
        let bySize = clauses.indices.sorted { clauses[$0].docs.count < clauses[$1].docs.count }
        var strict = clauses[bySize[0]].docs
        for c in bySize.dropFirst() where !strict.isEmpty { strict = QueryEvaluator.intersect(strict, clauses[c].docs) }
        if !excluded.isEmpty { strict = QueryEvaluator.subtract(strict, excluded) }
        strict = strict.filter(isLive)
        let total = strict.count
        guard count > 0 else { return (total, []) }

        let soft = bestMatch ? questionClauses(meta) : [Bool](repeating: false, count: clauses.count)
        var candidates: [UInt32]
        if !bestMatch || (!soft.contains(true) && total >= count) {
            // With `count` docs holding every word, the page is all top group: docs with some of
            // the words rank below every one of them, so they need no scoring (the same page).
            candidates = strict
        } else if meta.contains(where: \.mandatory) {
            let required = clauses.indices.filter { meta[$0].mandatory }.sorted { clauses[$0].docs.count < clauses[$1].docs.count }
            candidates = clauses[required[0]].docs
            for c in required.dropFirst() { candidates = QueryEvaluator.intersect(candidates, clauses[c].docs) }
            if !excluded.isEmpty { candidates = QueryEvaluator.subtract(candidates, excluded) }
            candidates = candidates.filter(isLive)
        } else {
            var marked = [Bool](repeating: false, count: slots)
            for clause in clauses { for doc in clause.docs { marked[Int(doc)] = true } }
            for doc in excluded { marked[Int(doc)] = false }
            candidates = []
            candidates.reserveCapacity(slots)
            for doc in 0..<slots where marked[doc] && isLive(UInt32(doc)) { candidates.append(UInt32(doc)) }
        }
        guard !candidates.isEmpty else { return (total, []) }

        // Proximity words: top-level clauses that are one plain word (not a prefix, not title:).
        var proximity: [(clause: Int, word: QueryTerm, idf: Double)] = []
        if case .and(let required, _) = query.root, required.count == clauses.count {
            for (c, node) in required.enumerated() {
                if case .term(let word, titleOnly: false) = node, !word.isPrefix, clauses[c].leaves.count == 1 {
                    proximity.append((c, word, index.idf(documentFrequency: max(1, clauses[c].docs.count))))
                }
            }
        }
        var proximityOf = [Int](repeating: -1, count: clauses.count)
        for (p, word) in proximity.enumerated() { proximityOf[word.clause] = p }
        // Pairs typed side by side: consecutive proximity words whose clauses follow on in the text.
        var pairs: [(Int, Int, Double)] = []
        for p in proximity.indices.dropLast() {
            let (a, b) = (proximity[p].clause, proximity[p + 1].clause)
            if b == a + 1 && meta[b].firstWord == meta[a].firstWord + meta[a].words {
                pairs.append((p, p + 1, max(proximity[p].idf, proximity[p + 1].idf)))
            }
        }

        // Per candidate (its index in `candidates`, found through a doc slot → index map): BM25 of
        // matched clauses, Σ idf of matched clauses, matched words and clauses, and which proximity
        // words it holds (a bit set of `maskWords` words per candidate, read only for the docs that
        // may be rescored). Raw buffers: the loops below write them through closures, where arrays
        // would be checked for uniqueness at every write.
        let n = candidates.count
        let position = CandidateMap(candidates, slots: slots)
        let bm25 = Self.filled(n, with: 0.0)
        let weight = Self.filled(n, with: 0.0)
        let words = Self.filled(n, with: Int32(0))
        let matched = Self.filled(n, with: Int32(0))
        let inClause = Self.filled(n, with: false)
        let maskWords = proximity.count >= 2 ? (proximity.count + 63) / 64 : 0
        let held = Self.filled(n * maskWords, with: UInt64(0))
        // Each candidate's BM25 length norm, once (a question's candidates hold ~10 of its words).
        let norms = Self.filled(n, with: 0.0)
        for i in 0..<n { norms[i] = index.lengthNorm(candidates[i]) }
        defer {
            for buffer in [UnsafeMutableRawBufferPointer(bm25), .init(weight), .init(words), .init(matched), .init(inClause), .init(held), .init(norms)] {
                buffer.deallocate()
            }
        }
        var marks: [Int] = []
        var totalWeight = 0.0
        let leaves = evaluator.scoringLeaves
        let hardCount = Int32(soft.filter { !$0 }.count)
        for (c, clause) in clauses.enumerated() {
            let w = index.idf(documentFrequency: max(1, clause.docs.count)) * (soft[c] ? Self.questionWeight : 1)
            totalWeight += w
            let clauseWords = Int32(meta[c].words)
            let hard: Int32 = soft[c] ? 0 : 1
            let p = proximityOf[c]
            let (maskWord, bit) = p >= 0 && maskWords > 0 ? (p / 64, UInt64(1) << UInt64(p % 64)) : (-1, 0)
            if clause.leaves.count == 1, leaves[clause.leaves.lowerBound].docs.count == clause.docs.count {
                // One leaf with the clause's docs (a word or a phrase: the same list): one walk.
                let leaf = leaves[clause.leaves.lowerBound]
                let idf = index.idf(documentFrequency: leaf.docs.count)
                let exactMatters = leaf.exactMatters
                position.forEach(in: leaf.docs) { i, j in
                    weight[i] += w
                    words[i] += clauseWords
                    matched[i] += hard
                    if maskWord >= 0 { held[i * maskWords + maskWord] |= bit }
                    bm25[i] += SearchIndex.bm25(idf: idf, tf: leaf.tf[j], norm: norms[i])
                    if exactMatters && leaf.exact[j] { bm25[i] += SearchIndex.exactSpellingBonus }
                }
                continue
            }
            marks.removeAll(keepingCapacity: true)
            position.forEach(in: clause.docs) { i, _ in
                inClause[i] = true
                weight[i] += w
                words[i] += clauseWords
                matched[i] += hard
                if maskWord >= 0 { held[i * maskWords + maskWord] |= bit }
                marks.append(i)
            }
            for l in clause.leaves {
                let leaf = leaves[l]
                let idf = index.idf(documentFrequency: leaf.docs.count)
                let exactMatters = leaf.exactMatters
                position.forEach(in: leaf.docs) { i, j in
                    guard inClause[i] else { return }
                    bm25[i] += SearchIndex.bm25(idf: idf, tf: leaf.tf[j], norm: norms[i])
                    if exactMatters && leaf.exact[j] { bm25[i] += SearchIndex.exactSpellingBonus }
                }
            }
            for i in marks { inClause[i] = false }
        }
        let all = hardCount
        func scale(_ i: Int) -> Double {
            if matched[i] == all { return 1 }
            let share = totalWeight > 0 ? weight[i] / totalWeight : 0
            return share * share
        }
        // Ranking key: (top group, base score); in the top group base is the plain BM25 sum, so the
        // group keeps the strict page's order exactly.
        var base = [Double](repeating: 0, count: n)
        var top = [Bool](repeating: false, count: n)
        for i in 0..<n {
            top[i] = bestMatch && matched[i] == all
            base[i] = matched[i] == all ? bm25[i] : bm25[i] * scale(i)
        }

        var final = base
        if proximity.count >= 2 {
            // What candidate i holds of the proximity words: how many, and the upper bound of its
            // proximity (every pair it holds at saturation, a window of the words it holds).
            func heldCount(_ i: Int) -> Int {
                var count = 0
                for m in 0..<maskWords { count += held[i * maskWords + m].nonzeroBitCount }
                return count
            }
            func holds(_ i: Int, _ p: Int) -> Bool { held[i * maskWords + p / 64] & (UInt64(1) << UInt64(p % 64)) != 0 }
            func proximityBound(_ i: Int) -> Double {
                var bound = 0.0
                for (p, q, idf) in pairs where holds(i, p) && holds(i, q) { bound += Self.pairWeight * (SearchIndex.k1 + 1) * idf }
                var idfSum = 0.0
                for p in proximity.indices where holds(i, p) { idfSum += proximity[p].idf }
                return bound + Self.windowWeight * idfSum
            }
            // θ: the k-th best (group, base). Docs of a lower group than θ's cannot reach the page; of
            // a higher group they are all on it (their order needs their proximity); of θ's group
            // those whose base plus bound is below θ's base cannot pass it.
            var threshold = -Double.infinity
            var thresholdTop = false
            let topCount = top.reduce(0) { $0 + ($1 ? 1 : 0) }
            if !exhaustive && candidates.count > count {
                thresholdTop = topCount >= count
                threshold = Self.kthLargest(thresholdTop ? base.indices.filter { top[$0] }.map { base[$0] } : base.indices.filter { !top[$0] }.map { base[$0] }, thresholdTop ? count : count - topCount)
            }
            // The rescoring window (part of the formula): of the docs holding two proximity words or
            // more, at most rescoreWindow(count), the best by (group, base).
            var eligible = candidates.indices.filter { heldCount($0) >= 2 }
            let window = max(count, requestedWindow ?? Self.rescoreWindow(count))
            if eligible.count > window {
                let topEligible = eligible.filter { top[$0] }
                if topEligible.count >= window {
                    let floor = Self.kthLargest(topEligible.map { base[$0] }, window)
                    eligible = topEligible.filter { base[$0] >= floor }
                } else {
                    let floor = Self.kthLargest(eligible.filter { !top[$0] }.map { base[$0] }, window - topEligible.count)
                    eligible = eligible.filter { top[$0] || base[$0] >= floor }
                }
            }
            // Of the window, only the docs that can still reach the page.
            let rescored = eligible.filter { i in
                if top[i] && !thresholdTop { return true }  // a group above θ's: on the page
                if top[i] != thresholdTop { return false }  // a group below θ's
                return base[i] + proximityBound(i) * scale(i) >= threshold
            }
            // Reads the proximity words' positions for `set` (indices into candidates) and adds
            // their proximity to `final`.
            func rescore(_ set: [Int]) {
                guard !set.isEmpty else { return }
                let chosen = set.map { candidates[$0] }.sorted()
                let positions = proximity.map { word -> DecodedPosting in
                    let seeks = leaves[clauses[word.clause].leaves.lowerBound].seeks
                    return QueryEvaluator.mergeFew(seeks.map { index.positions(seeks: $0, chosen: chosen) })
                }
                var scorer = ProximityScorer(positions: positions, idf: proximity.map(\.idf), pairs: pairs)
                for i in set.sorted() {  // ascending docs: the scorer's cursors only move forward
                    let doc = candidates[i]
                    let extra = scorer.score(doc: doc, titleLength: index.titleLengths[Int(doc)], norm: index.lengthNorm(doc))
                    final[i] = base[i] + extra * scale(i)
                }
            }
            // Docs of a group above θ's are all on the page and all need their proximity. Those of
            // θ's group are rescored in two passes when there are many: first the most promising
            // (by upper bound), then only the rest whose bound still reaches the k-th best score
            // so far — a lower bound of the final k-th, since unscored docs count at their base,
            // which proximity only raises. A doc skipped that way has a final score strictly below
            // the page's last, so the page is the one rescoring all of them gives.
            let upper = { (i: Int) -> Double in base[i] + proximityBound(i) * scale(i) }
            let contested = rescored.filter { top[$0] == thresholdTop }
            let firstPass = max(32, 4 * count)
            if threshold == -Double.infinity || contested.count <= firstPass {
                rescore(rescored)
            } else {
                let ordered = contested.map { (i: $0, upper: upper($0)) }.sorted { $0.upper > $1.upper }
                rescore(rescored.filter { top[$0] != thresholdTop } + ordered.prefix(firstPass).map(\.i))
                let slotsLeft = thresholdTop ? count : count - topCount
                let soFar = Self.kthLargest(candidates.indices.filter { top[$0] == thresholdTop }.map { final[$0] }, slotsLeft)
                rescore(ordered.dropFirst(firstPass).filter { $0.upper >= soFar }.map(\.i))
            }
        }
        let hits = SearchIndex.best(count: count, of: n) { i in
            ScoredDoc(
                doc: candidates[i], key: final[i], inTopGroup: top[i],
                score: final[i] + (top[i] ? SearchIndex.allWordsBonus : 0), matchedWords: Int(words[i]))
        }
        return (total, hits)
    }

    /// `count` copies of `value` in a buffer the caller deallocates.
    static func filled<T>(_ count: Int, with value: T) -> UnsafeMutableBufferPointer<T> {
        let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        buffer.initialize(repeating: value)
        return buffer
    }

    /// Most docs whose proximity is computed for a page of `count` (256 cost toneless 5-of-12 queries
    /// 0.08 of MRR@10 on the dev corpus): the best by (group, base score),
    /// like a rescorer's window (Lucene's QueryRescorer); below them the base score decides.
    static func rescoreWindow(_ count: Int) -> Int { max(1_024, 8 * count) }

    /// Per clause, whether it is a word of a question phrase typed side by side (plain top-level
    /// words); all false when nothing else would be left to match.
    func questionClauses(_ meta: [QueryClause]) -> [Bool] {
        var soft = [Bool](repeating: false, count: meta.count)
        guard case .and(let required, _) = query.root, required.count == meta.count else { return soft }
        let plain: [QueryTerm?] = required.map { node in
            if case .term(let word, false) = node, !word.isPrefix { return word }
            return nil
        }
        func isWord(_ typed: QueryTerm?, _ word: (term: [UInt8], folded: [UInt8])) -> Bool {
            guard let typed else { return false }
            return typed.term == word.term || (!typed.isAccented && typed.folded == word.folded)
        }
        // Whether `phrase` is typed side by side from clause c on.
        func typed(_ phrase: [(term: [UInt8], folded: [UInt8])], at c: Int) -> Bool {
            c >= 0 && c + phrase.count <= plain.count && (0..<phrase.count).allSatisfy { j in
                isWord(plain[c + j], phrase[j]) && (j == 0 || meta[c + j].firstWord == meta[c + j - 1].firstWord + 1)
            }
        }
        for c in plain.indices {
            for phrase in Self.questionPhrases where typed(phrase, at: c) {
                for j in 0..<phrase.count { soft[c + j] = true }
            }
        }
        if plain.count >= Self.questionLength && plain.allSatisfy({ $0 != nil }) {
            for phrase in Self.questionEndings where typed(phrase, at: plain.count - phrase.count) {
                for j in (plain.count - phrase.count)..<plain.count { soft[j] = true }
            }
            for phrase in Self.questionStarts where typed(phrase, at: 0) {
                for j in 0..<phrase.count { soft[j] = true }
            }
        }
        return soft.allSatisfy { $0 } ? [Bool](repeating: false, count: meta.count) : soft
    }

    /// The k-th largest value (1-based k <= values.count). A small k (a page) keeps a min-heap of
    /// the k largest, one comparison for most values; a large one (the rescoring window) a
    /// quickselect: three-way partitions around a median of three, so runs of equal scores cost
    /// one pass, O(n) expected; past 64 rounds (a pathological input) it sorts what is left.
    static func kthLargest(_ values: [Double], _ k: Int) -> Double {
        if k <= 64 { return kthLargestByHeap(values, k) }
        var values = values
        return values.withUnsafeMutableBufferPointer { v in
            var low = 0
            var high = v.count - 1
            let target = k - 1  // index in descending order
            for _ in 0..<64 {
                if low >= high { return v[target] }
                let a = v[low], b = v[low + (high - low) / 2], c = v[high]
                let pivot = max(min(a, b), min(max(a, b), c))
                // v[low..<above] > pivot, v[above..<i] == pivot, v[below+1...high] < pivot.
                var above = low
                var i = low
                var below = high
                while i <= below {
                    if v[i] > pivot {
                        v.swapAt(above, i)
                        above += 1
                        i += 1
                    } else if v[i] < pivot {
                        v.swapAt(i, below)
                        below -= 1
                    } else {
                        i += 1
                    }
                }
                if target < above { high = above - 1 } else if target > below { low = below + 1 } else { return pivot }
            }
            v[low...high].sort(by: >)
            return v[target]
        }
    }

    /// kthLargest by a min-heap of the k largest.
    static func kthLargestByHeap(_ values: [Double], _ k: Int) -> Double {
        var heap: [Double] = []
        heap.reserveCapacity(k)
        for v in values {
            if heap.count < k {
                heap.append(v)
                var i = heap.count - 1
                while i > 0 && heap[(i - 1) / 2] > heap[i] {
                    heap.swapAt(i, (i - 1) / 2)
                    i = (i - 1) / 2
                }
            } else if v > heap[0] {
                heap[0] = v
                var i = 0
                while true {
                    let l = 2 * i + 1
                    let r = l + 1
                    var m = i
                    if l < k && heap[l] < heap[m] { m = l }
                    if r < k && heap[r] < heap[m] { m = r }
                    if m == i { break }
                    heap.swapAt(i, m)
                    i = m
                }
            }
        }
        return heap[0]
    }
}
