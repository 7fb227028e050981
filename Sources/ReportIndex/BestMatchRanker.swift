// BestMatchRanker: turns one segment's evaluated clauses into a ranked page (docs/TEXT-RULES.md §8).
//
//   strict set   docs matching every top-level clause as typed, no exclusion, live: `total`, and
//                the whole page under strict ranking
//   top group    best match: docs matching every clause, where a word typed without its tone
//                also matches its other tones and a toned i/y syllable its other spelling
//                (Query.bestMatchForm); the strict set otherwise
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
// strict page's order exactly (unless a word is widened, to any tone or its i/y twin: then the
// group and its words' scores are those of the widened words). Proximity needs positions, so it is
// computed only for docs that can still reach the page: with θ the k-th best (group, base), a doc
// of θ's group whose base plus its proximity upper bound is below θ's base cannot enter the top k
// (proximity is never negative), nor can a doc of a lower group; of the others at most
// rescoreWindow(k), the best by (group, base), get their positions decoded — the rescoring window
// is part of the formula, and holds only docs that can reach the page. Docs that match only light
// clauses (common and question words) whose bound is below the k-th base found among the others are
// never scored (MaxScore); they could not reach the page nor take a place in the window. The page
// is exactly the top k of the formula over all candidates (`exhaustive` scores every candidate and
// rescores the whole window in one pass, for tests).
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

    /// The `count` best docs (strict or best match), their strict total, each hit's matched words,
    /// and how many candidates were scored.
    func rank(
        evaluator: QueryEvaluator, clauses: [QueryEvaluator.ClauseHits], excluded: [UInt32], bestMatch requested: Bool,
        count: Int, exhaustive: Bool, window requestedWindow: Int? = nil, isLive: (UInt32) -> Bool
    ) -> (total: Int, hits: [ScoredDoc], scored: Int) {
        guard !clauses.isEmpty else { return (0, [], 0) }
        let slots = index.docSlots
        let meta = query.clauses.count == clauses.count
            ? query.clauses : clauses.map { _ in QueryClause(mandatory: true, words: 0, firstWord: 0) }
        let bestMatch = requested && clauses.count > 1 && meta.contains { !$0.mandatory }

        // Docs matching every clause (`every`): the smallest list first. The strict set, which the
        // total counts, takes each clause as typed; they differ only when best match widens a word
        // (QueryTerm.anyTone, QueryTerm.twin), which widens `every`, the top group.
        func matchingAll(_ docs: (QueryEvaluator.ClauseHits) -> [UInt32]) -> [UInt32] {
            let bySize = clauses.indices.sorted { docs(clauses[$0]).count < docs(clauses[$1]).count }
            var all = docs(clauses[bySize[0]])
            for c in bySize.dropFirst() where !all.isEmpty { all = QueryEvaluator.intersect(all, docs(clauses[c])) }
            if !excluded.isEmpty { all = QueryEvaluator.subtract(all, excluded) }
            return all.filter(isLive)
        }
        let every = matchingAll(\.docs)
        let total = clauses.contains { $0.asTyped != nil } ? matchingAll(\.typedDocs).count : every.count
        guard count > 0 else { return (total, [], 0) }

        let soft = bestMatch ? questionClauses(meta) : [Bool](repeating: false, count: clauses.count)
        let leaves = evaluator.scoringLeaves

        // Proximity words: top-level clauses that are one plain word (not a prefix, not title:).
        // (The values the nested functions below read are constants: a captured var is checked
        // for exclusive access at every read.)
        let proximity: [(clause: Int, word: QueryTerm, idf: Double)] = {
            guard case .and(let required, _) = query.root, required.count == clauses.count else { return [] }
            return required.enumerated().compactMap { c, node in
                guard case .term(let word, titleOnly: false) = node, !word.isPrefix, clauses[c].leaves.count == 1 else { return nil }
                return (c, word, index.idf(documentFrequency: max(1, clauses[c].docs.count)))
            }
        }()
        let proximityOf: [Int] = {
            var of = [Int](repeating: -1, count: clauses.count)
            for (p, word) in proximity.enumerated() { of[word.clause] = p }
            return of
        }()
        // Pairs typed side by side: consecutive proximity words whose clauses follow on in the text.
        let pairs: [(Int, Int, Double)] = proximity.indices.dropLast().compactMap { p in
            let (a, b) = (proximity[p].clause, proximity[p + 1].clause)
            guard b == a + 1 && meta[b].firstWord == meta[a].firstWord + meta[a].words else { return nil }
            return (p, p + 1, max(proximity[p].idf, proximity[p + 1].idf))
        }
        let maskWords = proximity.count >= 2 ? (proximity.count + 63) / 64 : 0
        let window = max(count, requestedWindow ?? Self.rescoreWindow(count))
        // Coordination weight of each clause (its idf; a question word's share of it) and their sum.
        let weights = clauses.map { index.idf(documentFrequency: max(1, $0.docs.count)) }.enumerated().map { c, idf in
            idf * (soft[c] ? Self.questionWeight : 1)
        }
        let totalWeight = weights.reduce(0, +)
        let all = Int32(soft.filter { !$0 }.count)
        func scale(_ scores: CandidateScores, _ i: Int) -> Double {
            if scores.matched[i] == all { return 1 }
            let share = totalWeight > 0 ? scores.weight[i] / totalWeight : 0
            return share * share
        }
        // Ranking key: (top group, base score); in the top group base is the plain BM25 sum, so the
        // group keeps the strict page's order (of the query as evaluated: Query.bestMatchForm).
        func base(_ scores: CandidateScores, _ i: Int) -> Double {
            scores.matched[i] == all ? scores.bm25[i] : scores.bm25[i] * scale(scores, i)
        }

        // Per candidate (found through a doc slot → index map): BM25 of matched clauses, Σ weight of
        // matched clauses, matched words and clauses, and which proximity words it holds.
        func score(_ candidates: [UInt32]) -> CandidateScores {
            let scores = CandidateScores(candidates, maskWords: maskWords, index: index)
            let position = CandidateMap(candidates, slots: slots)
            let inClause = CandidateScores.filled(candidates.count, with: false)
            defer { inClause.deallocate() }
            var marks: [Int] = []
            let (bm25, weight, words, matched, held, norms) = (scores.bm25, scores.weight, scores.words, scores.matched, scores.held, scores.norms)
            for (c, clause) in clauses.enumerated() {
                let w = weights[c]
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
            return scores
        }

        // The docs matching any of `chosen` clauses, no exclusion, live.
        func union(_ chosen: [Int]) -> [UInt32] {
            var marked = [Bool](repeating: false, count: slots)
            for c in chosen { for doc in clauses[c].docs { marked[Int(doc)] = true } }
            for doc in excluded { marked[Int(doc)] = false }
            var candidates: [UInt32] = []
            candidates.reserveCapacity(slots)
            for doc in 0..<slots where marked[doc] && isLive(UInt32(doc)) { candidates.append(UInt32(doc)) }
            return candidates
        }

        // MaxScore over clauses (docs/TEXT-RULES.md §8): a doc that matches only clauses of a set R
        // (the lightest by weight, leaving out some required clause, so never of the top group)
        // scores at most
        //   F(R) = (Σ_R bound + proximity bound of R's words) · (Σ_R weight / Σ weight)²
        // with a clause's bound its leaves' idf · (k1 + 1) (BM25's saturation). Scored over the
        // other clauses' docs only, the page is the same when F(R) is below the k-th base found,
        // or the page is all top group: such a doc cannot reach the page, so it takes no place in
        // the rescoring window either, and the k-th base is unchanged without it. The k-th base
        // found only rises with more docs, so a smaller R that passes on the trial's passes for good.
        func prunedScores() -> CandidateScores? {
            guard !exhaustive, clauses.count >= 2 else { return nil }
            let bounds = clauses.map { clause in
                clause.leaves.reduce(0.0) { sum, l in
                    let leaf = leaves[l]
                    return sum + index.idf(documentFrequency: leaf.docs.count) * (SearchIndex.k1 + 1)
                        + (leaf.exactMatters ? SearchIndex.exactSpellingBonus : 0)
                }
            }
            // A clause no doc matches (a misspelt word) comes first and adds nothing: no doc holds
            // it. A required one leaves the top group empty, so no R can bring a doc of it.
            let order = clauses.indices.sorted {
                (clauses[$0].docs.isEmpty ? 0 : 1, weights[$0], bounds[$0], $0) < (clauses[$1].docs.isEmpty ? 0 : 1, weights[$1], bounds[$1], $1)
            }
            let noTopGroup = clauses.indices.contains { !soft[$0] && clauses[$0].docs.isEmpty }
            // Per prefix length r of `order` (R = its first r clauses): F(R), and whether R leaves a
            // required clause out.
            var pageBound = [0.0], leavesRequired = [true]
            var inRest = [Bool](repeating: false, count: proximity.count)
            var (boundSum, weightSum, proximitySum, required) = (0.0, 0.0, 0.0, 0)
            for c in order {
                if clauses[c].docs.isEmpty {
                    pageBound.append(pageBound.last!)
                    leavesRequired.append(true)
                    continue
                }
                boundSum += bounds[c]
                weightSum += weights[c]
                if !soft[c] { required += 1 }
                if proximity.count >= 2, proximityOf[c] >= 0 {
                    let p = proximityOf[c]
                    inRest[p] = true
                    proximitySum += Self.windowWeight * proximity[p].idf
                    for (a, b, idf) in pairs where inRest[a] && inRest[b] && (a == p || b == p) {
                        proximitySum += Self.pairWeight * (SearchIndex.k1 + 1) * idf
                    }
                }
                let share = totalWeight > 0 ? weightSum / totalWeight : 0
                pageBound.append((boundSum + proximitySum) * share * share)
                leavesRequired.append(noTopGroup || Int32(required) < all)
            }
            let allowed = (1..<clauses.count).filter { leavesRequired[$0] }
            guard let first = allowed.last(where: { pageBound[$0] <= Self.restShare * pageBound[clauses.count] }) else { return nil }
            let trial = score(union(Array(order[first...])))
            guard trial.count > count else { return nil }
            // The trial's k-th base: +∞ when the page is all top group.
            var topCount = 0
            var otherBases: [Double] = []
            for i in 0..<trial.count {
                if trial.matched[i] == all { topCount += 1 } else { otherBases.append(base(trial, i)) }
            }
            let pageFloor = topCount >= count ? Double.infinity
                : otherBases.count >= count - topCount ? Self.kthLargest(otherBases, count - topCount) : -Double.infinity
            if pageBound[first] < pageFloor { return trial }
            guard let smaller = allowed.last(where: { $0 < first && pageBound[$0] < pageFloor }) else { return nil }
            return score(union(Array(order[smaller...])))
        }

        let scores: CandidateScores
        if !bestMatch || (!soft.contains(true) && every.count >= count) {
            // With `count` docs holding every word, the page is all top group: docs with some of
            // the words rank below every one of them, so they need no scoring (the same page).
            scores = score(every)
        } else if meta.contains(where: \.mandatory) {
            let required = clauses.indices.filter { meta[$0].mandatory }.sorted { clauses[$0].docs.count < clauses[$1].docs.count }
            var candidates = clauses[required[0]].docs
            for c in required.dropFirst() { candidates = QueryEvaluator.intersect(candidates, clauses[c].docs) }
            if !excluded.isEmpty { candidates = QueryEvaluator.subtract(candidates, excluded) }
            scores = score(candidates.filter(isLive))
        } else {
            scores = prunedScores() ?? score(union(Array(clauses.indices)))
        }
        let n = scores.count
        guard n > 0 else { return (total, [], 0) }
        let candidates = scores.candidates
        let baseScores = (0..<n).map { base(scores, $0) }
        let top = (0..<n).map { bestMatch && scores.matched[$0] == all }

        var final = baseScores
        if proximity.count >= 2 {
            // The upper bound of candidate i's proximity: every pair it holds at saturation, a window
            // of the words it holds.
            // Up to 64 words (one mask word, nearly every query), the terms are read off the set bits
            // of the candidate's mask: a pair (p, p+1) is held when bits p and p+1 are, so the pairs
            // held are mask & mask >> 1 & pairStarts. Summed in the same order as the general loop.
            let pairTerm = Self.pairWeight * (SearchIndex.k1 + 1)
            // (Constants, not vars: a var the nested function captures is checked for exclusive
            // access at every read.)
            let pairIdf = proximity.indices.map { p in pairs.first { $0.0 == p }?.2 ?? 0 }
            let pairStarts = maskWords == 1 ? pairs.reduce(UInt64(0)) { $0 | 1 << UInt64($1.0) } : 0
            let wordIdf = proximity.map(\.idf)
            // The bound's two parts: its pair terms, and the Σ idf of the held words its window term
            // is windowWeight times.
            func boundParts(_ i: Int) -> (pairs: Double, idfSum: Double) {
                var bound = 0.0
                var idfSum = 0.0
                if maskWords == 1 {
                    let mask = scores.held[i]
                    var held = mask & (mask >> 1) & pairStarts
                    while held != 0 {
                        bound += pairTerm * pairIdf[held.trailingZeroBitCount]
                        held &= held &- 1
                    }
                    held = mask
                    while held != 0 {
                        idfSum += wordIdf[held.trailingZeroBitCount]
                        held &= held &- 1
                    }
                } else {
                    for (p, q, idf) in pairs where scores.holds(i, p) && scores.holds(i, q) { bound += pairTerm * idf }
                    for p in proximity.indices where scores.holds(i, p) { idfSum += wordIdf[p] }
                }
                return (bound, idfSum)
            }
            func proximityBound(_ i: Int) -> Double {
                let (pairs, idfSum) = boundParts(i)
                return pairs + Self.windowWeight * idfSum
            }
            // θ: the k-th best (group, base). Docs of a lower group than θ's cannot reach the page; of
            // a higher group they are all on it (their order needs their proximity); of θ's group
            // those whose base plus bound is below θ's base cannot pass it.
            let topCount = top.reduce(0) { $0 + ($1 ? 1 : 0) }
            let thresholdTop = candidates.count > count && topCount >= count
            let threshold = candidates.count <= count ? -Double.infinity
                : Self.kthLargest(baseScores.indices.filter { top[$0] == thresholdTop }.map { baseScores[$0] }, thresholdTop ? count : count - topCount)
            func canReach(_ i: Int) -> Bool {
                if top[i] && !thresholdTop { return true }  // a group above θ's: on the page
                if top[i] != thresholdTop { return false }  // a group below θ's
                return baseScores[i] + proximityBound(i) * scale(scores, i) >= threshold
            }
            // The rescoring window (part of the formula): of the docs holding two proximity words or
            // more that can still reach the page, at most rescoreWindow(count), the best by (group,
            // base). A doc that cannot reach the page takes no place in it, so a doc never scored
            // (MaxScore above) changes nothing.
            var rescored = candidates.indices.filter { scores.heldCount($0) >= 2 && canReach($0) }
            if rescored.count > window {
                let topEligible = rescored.filter { top[$0] }
                if topEligible.count >= window {
                    let floor = Self.kthLargest(topEligible.map { baseScores[$0] }, window)
                    rescored = topEligible.filter { baseScores[$0] >= floor }
                } else {
                    let floor = Self.kthLargest(rescored.filter { !top[$0] }.map { baseScores[$0] }, window - topEligible.count)
                    rescored = rescored.filter { top[$0] || baseScores[$0] >= floor }
                }
            }
            // Proximity word p's positions in the `chosen` docs (ascending), read by seeking.
            func positionsOfWord(_ p: Int, in chosen: [UInt32]) -> DecodedPosting {
                let seeks = leaves[clauses[proximity[p].clause].leaves.lowerBound].seeks
                return QueryEvaluator.mergeFew(seeks.map { index.positions(seeks: $0, chosen: chosen) })
            }
            // Reads the proximity words' positions for `set` (indices into candidates) and adds
            // their proximity to `final`.
            func rescore(_ set: [Int]) {
                guard !set.isEmpty else { return }
                let chosen = set.map { candidates[$0] }.sorted()
                let positions = proximity.indices.map { positionsOfWord($0, in: chosen) }
                var scorer = ProximityScorer(positions: positions, idf: wordIdf, pairs: pairs)
                for i in set.sorted() {  // ascending docs: the scorer's cursors only move forward
                    let doc = candidates[i]
                    let extra = scorer.score(doc: doc, titleLength: index.titleLengths[Int(doc)], norm: index.lengthNorm(doc))
                    final[i] = baseScores[i] + extra * scale(scores, i)
                }
            }
            // Per doc of `set` (indices into candidates) holding two of the `probe` words or more: the
            // fewest tokens a span holding one occurrence of each of two of them takes — a lower bound
            // of the window the doc's held words need.
            func narrowestWindows(_ set: [Int], probe: [Int]) -> [Int: Int] {
                let ascending = set.sorted()
                let chosen = ascending.map { candidates[$0] }
                let positions = probe.map { positionsOfWord($0, in: chosen) }
                var cursors = [Int](repeating: 0, count: probe.count)
                var widths: [Int: Int] = [:]
                for i in ascending {
                    let doc = candidates[i]
                    var slices: [ArraySlice<UInt32>] = []
                    for w in probe.indices {
                        if let range = positions[w].positionRange(of: doc, cursor: &cursors[w]) { slices.append(positions[w].positions[range]) }
                    }
                    guard slices.count >= 2 else { continue }
                    var widest = 0
                    for a in slices.indices {
                        for b in slices.indices where b > a {
                            widest = max(widest, Self.closest(slices[a], slices[b]) + 1)
                        }
                    }
                    widths[i] = widest
                }
                return widths
            }
            // Docs of a group above θ's are all on the page and all need their proximity. Those of
            // θ's group, when there are many, are rescored most promising (by upper bound) first, in
            // rounds: the first `firstPass`, then up to rescoreRound at a time in descending bound,
            // until the next doc's bound is below the k-th best score so far — a lower bound of the
            // final k-th, since unscored docs count at their base, which proximity only raises, and
            // rescored ones have their final score. A doc skipped that way has a final score strictly
            // below the page's last, so the page is the one rescoring all of them gives.
            let contested = rescored.filter { top[$0] == thresholdTop }
            let firstPass = max(32, 4 * count)
            if exhaustive || threshold == -Double.infinity || contested.count <= firstPass {
                rescore(rescored)
            } else {
                // Their bounds, tightened for a long query: every held word lies in the window, so it
                // is at least as wide as the closest occurrences of any two held words of the few
                // rarest (probeWords), whose positions alone are read for every contested doc. (With
                // few words, reading those would cost what rescoring them all does.)
                let narrowest = proximity.count < 2 * Self.probeWords ? [:]
                    : narrowestWindows(contested, probe: Array(proximity.indices.sorted { (proximity[$0].idf, -$0) > (proximity[$1].idf, -$1) }.prefix(Self.probeWords)))
                let ordered = contested.map { i -> (i: Int, upper: Double) in
                    let (pairs, idfSum) = boundParts(i)
                    let held = Double(scores.heldCount(i))
                    let window = Self.windowWeight * idfSum * min(1, held / max(held, Double(narrowest[i] ?? 0)))
                    return (i, baseScores[i] + (pairs + window) * scale(scores, i))
                }.sorted { $0.upper > $1.upper }
                rescore(rescored.filter { top[$0] != thresholdTop } + ordered.prefix(firstPass).map(\.i))
                let slotsLeft = thresholdTop ? count : count - topCount
                let atBase = Self.kthLargest(candidates.indices.filter { top[$0] == thresholdTop }.map { final[$0] }, slotsLeft)
                var rescoredBest = TopScores(capacity: slotsLeft)
                for (i, _) in ordered.prefix(firstPass) { rescoredBest.offer(final[i]) }
                var next = firstPass
                while next < ordered.count {
                    let bar = max(atBase, rescoredBest.floor)
                    var end = next
                    while end < ordered.count && end - next < Self.rescoreRound && ordered[end].upper >= bar { end += 1 }
                    if end == next { break }
                    let round = ordered[next..<end].map(\.i)
                    rescore(round)
                    for i in round { rescoredBest.offer(final[i]) }
                    next = end
                }
            }
        }
        let hits = SearchIndex.best(count: count, of: n) { i in
            ScoredDoc(
                doc: candidates[i], key: final[i], inTopGroup: top[i],
                score: final[i] + (top[i] ? SearchIndex.allWordsBonus : 0), matchedWords: Int(scores.words[i]))
        }
        return (total, hits, n)
    }

    /// Most docs whose proximity is computed for a page of `count` (256 cost toneless 5-of-12 queries
    /// 0.08 of MRR@10 on the dev corpus): the best by (group, base score),
    /// like a rescorer's window (Lucene's QueryRescorer); below them the base score decides.
    static func rescoreWindow(_ count: Int) -> Int { max(1_024, 8 * count) }

    /// Docs of θ's group rescored per round after the first pass (docs/TEXT-RULES.md §8): between
    /// rounds the bar the next docs' bounds must clear rises to the k-th best score so far.
    static let rescoreRound = 64

    /// Rarest proximity words whose positions tighten the rescoring bounds (docs/TEXT-RULES.md §8).
    static let probeWords = 3

    /// The smallest distance between a position of `a` and one of `b` (both ascending; a word's
    /// positions never coincide with another's), by merging.
    static func closest(_ a: ArraySlice<UInt32>, _ b: ArraySlice<UInt32>) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var best = Int.max
        var i = a.startIndex
        var j = b.startIndex
        while i < a.endIndex && j < b.endIndex {
            let (x, y) = (Int(a[i]), Int(b[j]))
            best = min(best, abs(x - y))
            if x < y { i += 1 } else { j += 1 }
        }
        return best
    }

    /// MaxScore's first guess at the clauses whose docs need no scoring: the lightest, while their
    /// bound F stays at most this share of every clause's (pruning is checked, never assumed).
    static let restShare = 0.2

    /// Per clause, whether it is a word of a question phrase typed side by side (plain top-level
    /// words); all false when nothing else would be left to match.
    func questionClauses(_ meta: [QueryClause]) -> [Bool] {
        var soft = [Bool](repeating: false, count: meta.count)
        guard case .and(let required, _) = query.root, required.count == meta.count else { return soft }
        let plain: [QueryTerm?] = required.map { node in
            if case .term(let word, false) = node, !word.isPrefix { return word }
            return nil
        }
        // (As spelt, without its marks, or without its tone: not through an i/y twin.)
        func isWord(_ typed: QueryTerm?, _ word: (term: [UInt8], folded: [UInt8])) -> Bool {
            guard var typed else { return false }
            typed.twin = nil
            return typed.matches(term: word.term, folded: word.folded, fold: false)
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
        var top = TopScores(capacity: k)
        for v in values { top.offer(v) }
        return top.floor
    }
}
