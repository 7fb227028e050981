// QueryEvaluator: runs a Query tree on a SearchIndex: each leaf becomes a LeafHits (docs, per-doc
// title-weighted term frequency, exact-spelling flags), nodes combine sorted doc lists (AND =
// intersection minus exclusions, OR = union), and BM25 scores the final docs from the leaves that
// were not under an exclusion. Postings are walked as counts (PostingCodec+Counts); a word that
// resolves to several terms (folding, prefixes) sums them in one array over the doc slots.
// Positions are decoded whole only for a phrase whose words are in about as many docs; otherwise
// they are read by seeking (PositionSeeks, recorded by the counts walk): a phrase's for the docs
// that hold all its words, a plain top-level word's for the docs BestMatchRanker rescores. Every
// posting decoded is charged to a work budget (bytes); once it is spent, leaves evaluate to nothing
// and `exhausted` is set, so the caller refuses the query instead of finishing it. A top-level word
// best match widens (any tone, or its i/y twin: Query.bestMatchForm) also keeps the docs holding it
// as typed (ClauseHits.asTyped), which the strict total counts. Invariant: every
// doc list is strictly ascending. One evaluator per query; not shared between threads (the index it
// reads is).
import Dispatch
import Foundation

/// Matches of one scoring leaf: per doc its title-weighted tf (title occurrences count
/// SearchIndex.titleWeight times; a phrase counts its starts) and whether it matched an exact spelling.
struct LeafHits {
    var docs: [UInt32] = []
    var tf: [UInt32] = []
    var exact: [Bool] = []
    var exactMatters = false
    /// Per term the word resolved to, where each doc's positions start: recorded only for the plain
    /// top-level words proximity may score (BestMatchRanker), empty otherwise.
    var seeks: [PositionSeeks] = []
}

/// Evaluates and scores one query.
struct QueryEvaluator {
    /// Posting bytes from which a word's expansion is decoded on two threads.
    static let parallelExpansionBytes = 16 << 10

    let index: SearchIndex
    let fold: Bool
    /// Posting bytes of one word (or of a phrase's words) from which decoding is split over two
    /// threads; tests pass 0 and Int.max to compare both paths.
    let parallelBytes: Int
    /// How a phrase's positions are read (see phraseHits): nil chooses by the words' postings; tests
    /// pass true and false to compare both ways.
    let phraseSeeks: Bool?
    /// Leaves that score, in evaluation order.
    private(set) var scoringLeaves: [LeafHits] = []
    /// Posting bytes this evaluator may still decode.
    private(set) var budget: Int
    /// Posting bytes decoded so far.
    private(set) var spent = 0
    /// True once a leaf needed more than the budget left; the results are then incomplete.
    private(set) var exhausted = false

    init(
        index: SearchIndex, fold: Bool, parallelBytes: Int = QueryEvaluator.parallelExpansionBytes,
        budget: Int = Query.workBudget, phraseSeeks: Bool? = nil
    ) {
        self.index = index
        self.fold = fold
        self.parallelBytes = parallelBytes
        self.phraseSeeks = phraseSeeks
        self.budget = budget
    }

    /// Charges the postings `words` resolve to; false (and `exhausted`) when they exceed the budget.
    private mutating func charge(_ words: [QueryTerm]) -> Bool {
        if exhausted { return false }
        var bytes = 0
        for word in words { bytes += index.resolve(word, fold: fold).reduce(0) { $0 + $1.bytes } }
        guard bytes <= budget else {
            exhausted = true
            return false
        }
        budget -= bytes
        spent += bytes
        return true
    }

    /// One top-level positive clause: its docs and the scoring leaves it owns.
    struct ClauseHits {
        var docs: [UInt32]
        var leaves: Range<Int>
        /// The docs matching the clause as typed, when they are fewer: a word best match widens
        /// (QueryTerm.anyTone, QueryTerm.twin) holds its own spelling in these only. nil: `docs`.
        var asTyped: [UInt32]? = nil

        /// The docs matching the clause as typed (the strict set and the total count these).
        var typedDocs: [UInt32] { asTyped ?? docs }
    }

    /// Evaluates the root's clauses one by one (best match scores each on its own): the docs of each
    /// positive clause with its leaves, and the union of the excluded clauses' docs.
    mutating func evaluateClauses(_ root: QueryNode) -> (clauses: [ClauseHits], excluded: [UInt32]) {
        guard case .and(let required, let excludedNodes) = root else {
            let start = scoringLeaves.count
            let docs = evaluate(root, positive: true)
            return ([ClauseHits(docs: docs, leaves: start..<scoringLeaves.count)], [])
        }
        // Plain top-level words: with two or more, proximity may need their positions later.
        let plain = required.map { node in
            if case .term(let word, titleOnly: false) = node { return !word.isPrefix }
            return false
        }
        let seek = plain.filter { $0 }.count >= 2
        var clauses: [ClauseHits] = []
        // Costs resolve every word once more, so only a query that could split pays for them.
        let costs = required.count >= 2 && !exhausted ? required.map { cost(of: $0) } : []
        let totalCost = costs.reduce(0, +)
        if !costs.isEmpty && totalCost >= parallelBytes && totalCost <= budget {
            // Within the budget whatever the order, so the clauses can be decoded on two threads
            // (each on its own evaluator, the costliest first to the less loaded worker) with the
            // results of the sequential walk below.
            var shares: [[Int]] = [[], []]
            var load = [0, 0]
            for c in required.indices.sorted(by: { costs[$0] > costs[$1] }) {
                let w = load[0] <= load[1] ? 0 : 1
                shares[w].append(c)
                load[w] += costs[c]
            }
            let workers = shares
            let results = WorkerResults<(docs: [UInt32], leaves: [LeafHits], spent: Int)?>(repeating: nil, count: required.count)
            let (index, fold, phraseSeeks) = (self.index, self.fold, self.phraseSeeks)
            DispatchQueue.concurrentPerform(iterations: 2) { w in
                for c in workers[w].sorted() {
                    var worker = QueryEvaluator(index: index, fold: fold, parallelBytes: Int.max, budget: Int.max, phraseSeeks: phraseSeeks)
                    let docs = worker.evaluate(required[c], positive: true, recordSeeks: seek && plain[c])
                    results.set(c, (docs, worker.scoringLeaves, worker.spent))
                }
            }
            for c in required.indices {
                let result = results[c]!
                let start = scoringLeaves.count
                scoringLeaves.append(contentsOf: result.leaves)
                budget -= result.spent
                spent += result.spent
                clauses.append(ClauseHits(docs: result.docs, leaves: start..<scoringLeaves.count))
            }
        } else {
            for (c, node) in required.enumerated() {
                let start = scoringLeaves.count
                let docs = evaluate(node, positive: true, recordSeeks: seek && plain[c])
                clauses.append(ClauseHits(docs: docs, leaves: start..<scoringLeaves.count))
            }
        }
        // A word taking any tone or its i/y twin matches as typed where its own spelling is (the
        // leaf's exact flags; under fold, where no twin is taken, every spelling matches as typed).
        for (c, node) in required.enumerated() where !fold {
            guard case .term(let word, _) = node, word.anyTone || word.twin != nil, clauses[c].leaves.count == 1 else { continue }
            let leaf = scoringLeaves[clauses[c].leaves.lowerBound]
            guard leaf.exact.contains(false) else { continue }
            clauses[c].asTyped = leaf.docs.indices.filter { leaf.exact[$0] }.map { leaf.docs[$0] }
        }
        var excluded: [UInt32] = []
        for node in excludedNodes { excluded = Self.union(excluded, evaluate(node, positive: false)) }
        return (clauses, excluded)
    }

    /// Posting bytes evaluating `node` may charge: at least what it charges (an AND's exclusions are
    /// skipped when nothing is left to exclude from).
    func cost(of node: QueryNode) -> Int {
        func bytes(_ word: QueryTerm) -> Int { index.resolve(word, fold: fold).reduce(0) { $0 + $1.bytes } }
        switch node {
        case .term(let word, _): return bytes(word)
        case .phrase(let words, _): return words.reduce(0) { $0 + bytes($1) }
        case .or(let operands): return operands.reduce(0) { $0 + cost(of: $1) }
        case .and(let required, let excluded): return (required + excluded).reduce(0) { $0 + cost(of: $1) }
        }
    }

    /// Sorted docs matching `node`; when `positive`, its leaves are kept for scoring; `recordSeeks`
    /// (a plain word) also keeps where its docs' positions are (LeafHits.seeks).
    mutating func evaluate(_ node: QueryNode, positive: Bool, recordSeeks: Bool = false) -> [UInt32] {
        switch node {
        case .term(let word, let titleOnly):
            guard charge([word]) else {
                if positive { scoringLeaves.append(LeafHits()) }
                return []
            }
            var hits = termHits(word, titleOnly: titleOnly, recordSeeks: recordSeeks)
            hits.exactMatters = word.isAccented && fold
            if positive { scoringLeaves.append(hits) }
            return hits.docs
        case .phrase(let words, let titleOnly):
            guard charge(words) else {
                if positive { scoringLeaves.append(LeafHits()) }
                return []
            }
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

    /// Union of the postings of every term the word resolves to (optionally title-only), as counts.
    /// Under `titleOnly` a doc needs a title occurrence and only those count; its exact flag comes
    /// from any exact-spelling term in it, as when the union is restricted after merging.
    func termHits(_ word: QueryTerm, titleOnly: Bool, recordSeeks: Bool = false) -> LeafHits {
        let resolved = index.resolve(word, fold: fold)
        var hits = LeafHits()
        if resolved.count == 1 {
            let walk = Self.walk(resolved[0], of: index, titleOnly: titleOnly, tf: true, seeks: recordSeeks)
            hits.docs = walk.docs
            hits.tf = walk.tf
            hits.exact = [Bool](repeating: resolved[0].exact, count: walk.docs.count)
            // The seek points share the leaf's doc array (copy on write: no second copy).
            if recordSeeks { hits.seeks = [PositionSeeks(docs: walk.docs, bits: walk.bits)] }
        } else if resolved.count > 1,
            index.documentFrequency(of: resolved) * 16 <= index.docSlots
        {
            // Few postings next to the doc slots (a rare word's spellings): merged, O(postings ·
            // log terms), rather than summed into arrays of every slot.
            (hits.docs, hits.tf, hits.exact, hits.seeks) = Self.mergedCounts(resolved, of: index, titleOnly: titleOnly, recordSeeks: recordSeeks)
        } else if resolved.count > 1 {
            // Sum by doc slot: O(doc slots + postings), no sort and no merge of the lists. A
            // large expansion is split by posting bytes between two workers (decoding is most of
            // a prefix query's time and the terms are independent), then their sums are added.
            let slots = index.docSlots
            let totalBytes = resolved.reduce(0) { $0 + $1.bytes }
            var half = resolved.count
            if totalBytes >= parallelBytes {
                half = 0
                var bytes = 0
                while bytes * 2 < totalBytes {
                    bytes += resolved[half].bytes
                    half += 1
                }
            }
            let shares = half < resolved.count ? [resolved[..<half], resolved[half...]] : [resolved[...]]
            var counts: [SlotCounts]
            if shares.count == 1 {
                counts = [SlotCounts(slots: slots)]
                counts[0].add(shares[0], of: index, titleOnly: titleOnly, recordSeeks: recordSeeks)
            } else {
                let index = self.index
                let results = WorkerResults<SlotCounts?>(repeating: nil, count: shares.count)
                DispatchQueue.concurrentPerform(iterations: shares.count) { i in
                    let share = SlotCounts(slots: slots)
                    share.add(shares[i], of: index, titleOnly: titleOnly, recordSeeks: recordSeeks)
                    results.set(i, share)
                }
                counts = results.values.map { $0! }
                for other in counts.dropFirst() { counts[0].absorb(other) }
            }
            if recordSeeks { hits.seeks = counts.flatMap(\.seeks) }
            (hits.docs, hits.tf, hits.exact) = counts[0].matched()
        }
        return hits
    }

    /// One term's counts walk: its docs (under `titleOnly`, those with a title occurrence), with
    /// `tf` their title-weighted tf (title occurrences only under `titleOnly`), with `seeks` the bit
    /// offsets of their tf codes. The arrays are filled in place, df slots each (an append per doc
    /// would check uniqueness, and raw buffers copied into arrays cost a copy of every list).
    static func walk(
        _ term: SearchIndex.ResolvedTerm, of index: SearchIndex, titleOnly: Bool, tf wantTf: Bool, seeks wantSeeks: Bool
    ) -> (docs: [UInt32], tf: [UInt32], bits: [Int]) {
        let weight = UInt32(SearchIndex.titleWeight)
        let df = index.documentFrequency(atOffset: term.offset)
        var n = 0
        var bits: [Int] = []
        var tfs: [UInt32] = []
        let docs = [UInt32](unsafeUninitializedCapacity: df) { docs, docCount in
            tfs = [UInt32](unsafeUninitializedCapacity: wantTf ? df : 0) { tfs, tfCount in
                bits = [Int](unsafeUninitializedCapacity: wantSeeks ? df : 0) { bits, bitCount in
                    index.forEachCount(atOffset: term.offset) { doc, tf, inTitle, bit in
                        if titleOnly && inTitle == 0 { return }
                        docs[n] = doc
                        if wantTf { tfs[n] = titleOnly ? inTitle * weight : inTitle * weight + (tf - inTitle) }
                        if wantSeeks { bits[n] = bit }
                        n &+= 1
                    }
                    bitCount = wantSeeks ? n : 0
                }
                tfCount = wantTf ? n : 0
            }
            docCount = n
        }
        return (docs, tfs, bits)
    }

    /// The union of a few terms' counts, as SlotCounts sums them (title-weighted tf added, matched
    /// under title: only by a title occurrence, exact when any term of the doc is an exact
    /// spelling), by sorting the postings on doc (each list is a sorted run) and combining equal docs.
    static func mergedCounts(
        _ terms: [SearchIndex.ResolvedTerm], of index: SearchIndex, titleOnly: Bool, recordSeeks: Bool
    ) -> (docs: [UInt32], tf: [UInt32], exact: [Bool], seeks: [PositionSeeks]) {
        let weight = UInt32(SearchIndex.titleWeight)
        var entries: [(doc: UInt32, tf: UInt32, flags: UInt8)] = []
        var seeks: [PositionSeeks] = []
        for term in terms {
            let exactFlag: UInt8 = term.exact ? 2 : 0
            var docs: [UInt32] = []
            var bits: [Int] = []
            index.forEachCount(atOffset: term.offset) { doc, count, inTitle, bit in
                if recordSeeks {
                    docs.append(doc)
                    bits.append(bit)
                }
                if titleOnly {
                    entries.append((doc, inTitle &* weight, exactFlag | (inTitle > 0 ? 1 : 0)))
                } else {
                    entries.append((doc, inTitle &* weight &+ (count &- inTitle), exactFlag | 1))
                }
            }
            if recordSeeks { seeks.append(PositionSeeks(docs: docs, bits: bits)) }
        }
        entries.sort { $0.doc < $1.doc }
        var docs: [UInt32] = []
        var tfs: [UInt32] = []
        var exact: [Bool] = []
        var i = 0
        while i < entries.count {
            let doc = entries[i].doc
            var (tf, flags) = (entries[i].tf, entries[i].flags)
            i += 1
            while i < entries.count && entries[i].doc == doc {
                tf &+= entries[i].tf
                flags |= entries[i].flags
                i += 1
            }
            guard flags & 1 != 0 else { continue }
            docs.append(doc)
            tfs.append(tf)
            exact.append(flags & 2 != 0)
        }
        return (docs, tfs, exact, seeks)
    }

    /// Positional hits of each phrase word, whole (see phraseHits), decoded as eachWord splits
    /// them (each word's decode and merge on one thread).
    func positionalParts(_ resolved: [[SearchIndex.ResolvedTerm]], bytes: Int) -> [DecodedPosting] {
        let evaluator = self
        return eachWord(resolved.count, bytes: bytes) { evaluator.positionalHits(resolved[$0]) }
    }

    /// Union of the postings of every term a word resolved to, with positions (phrase words).
    func positionalHits(_ resolved: [SearchIndex.ResolvedTerm]) -> DecodedPosting {
        if resolved.count == 1 { return index.posting(atOffset: resolved[0].offset) }
        if resolved.isEmpty { return DecodedPosting() }
        return merge(resolved.map { index.posting(atOffset: $0.offset) })
    }

    /// Union of several terms' postings by bucketing on doc number: O(doc slots + positions), no sort
    /// of the whole list. Positions of different terms never coincide, so nothing is deduplicated.
    func merge(_ postings: [DecodedPosting]) -> DecodedPosting {
        let slots = index.docSlots
        var counts = [Int32](repeating: 0, count: slots + 1)
        var sources = [UInt8](repeating: 0, count: slots)
        for posting in postings {
            for (i, doc) in posting.docs.enumerated() {
                counts[Int(doc) + 1] += posting.offsets[i + 1] - posting.offsets[i]
                if sources[Int(doc)] < 2 { sources[Int(doc)] += 1 }
            }
        }
        let largest = postings.reduce(0) { max($0, $1.docs.count) }
        var docs = AppendBuffer<UInt32>(capacity: largest)
        var offsets = AppendBuffer<Int32>(capacity: largest + 1)
        var running: Int32 = 0
        for doc in 0..<slots {
            let count = counts[doc + 1]
            counts[doc] = running
            if count > 0 {
                docs.append(UInt32(doc))
                offsets.append(running)
            }
            running += count
        }
        offsets.append(running)
        var hits = DecodedPosting(docs: docs.array(), offsets: offsets.array(), positions: [])
        // Scattered into place through raw buffers (an array write per position would check
        // uniqueness).
        hits.positions = [UInt32](unsafeUninitializedCapacity: Int(running)) { positions, filled in
            counts.withUnsafeMutableBufferPointer { counts in
                for posting in postings {
                    posting.positions.withUnsafeBufferPointer { source in
                        for (i, doc) in posting.docs.enumerated() {
                            for o in Int(posting.offsets[i])..<Int(posting.offsets[i + 1]) {
                                positions[Int(counts[Int(doc)])] = source[o]
                                counts[Int(doc)] &+= 1
                            }
                        }
                    }
                }
            }
            for (i, doc) in hits.docs.enumerated() where sources[Int(doc)] > 1 {
                positions[Int(hits.offsets[i])..<Int(hits.offsets[i + 1])].sort()
            }
            filled = Int(running)
        }
        return hits
    }

    /// Each phrase word's docs (under `titleOnly`, only those with a title occurrence: a title
    /// phrase needs every word there) and, per term it resolved to, where its docs' positions are:
    /// counts walks, so no position is stored for a doc that lacks another word.
    func phraseWordDocs(
        _ resolved: [[SearchIndex.ResolvedTerm]], bytes: Int, titleOnly: Bool
    ) -> [(docs: [UInt32], seeks: [PositionSeeks])] {
        let index = self.index
        return eachWord(resolved.count, bytes: bytes) { w in
            let walks = resolved[w].map { Self.walk($0, of: index, titleOnly: titleOnly, tf: false, seeks: true) }
            // The spellings' docs united in pairwise rounds: O(docs · log spellings).
            var lists = walks.map(\.docs)
            while lists.count > 1 {
                lists = stride(from: 0, to: lists.count, by: 2).map { i in
                    i + 1 < lists.count ? Self.union(lists[i], lists[i + 1]) : lists[i]
                }
            }
            return (lists.first ?? [], walks.map { PositionSeeks(docs: $0.docs, bits: $0.bits) })
        }
    }

    /// `body` for each of a phrase's `count` words, in order; with `bytes` of postings or more
    /// (parallelBytes), on two threads, the words alternating between them.
    func eachWord<Value>(_ count: Int, bytes: Int, _ body: @escaping @Sendable (Int) -> Value) -> [Value] {
        guard count > 1, bytes >= parallelBytes else { return (0..<count).map(body) }
        let results = WorkerResults<Value?>(repeating: nil, count: count)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            for w in stride(from: worker, to: count, by: 2) { results.set(w, body(w)) }
        }
        return results.values.map { $0! }
    }

    /// Union of a few small postings (one word's terms, read for the docs rescored or for a
    /// phrase's docs), by a k-way walk over their docs: O(positions × parts), nothing sized by the
    /// doc slots. A doc held by several parts gets its positions sorted (terms never share a
    /// position).
    static func mergeFew(_ parts: [DecodedPosting]) -> DecodedPosting {
        if parts.count == 1 { return parts[0] }
        var result = DecodedPosting()
        var cursors = [Int](repeating: 0, count: parts.count)
        while true {
            var doc = UInt32.max
            for p in parts.indices where cursors[p] < parts[p].docs.count { doc = min(doc, parts[p].docs[cursors[p]]) }
            if doc == UInt32.max { break }
            let start = result.positions.count
            var sources = 0
            for p in parts.indices where cursors[p] < parts[p].docs.count && parts[p].docs[cursors[p]] == doc {
                let c = cursors[p]
                result.positions.append(contentsOf: parts[p].positions[Int(parts[p].offsets[c])..<Int(parts[p].offsets[c + 1])])
                cursors[p] = c + 1
                sources += 1
            }
            if sources > 1 { result.positions[start...].sort() }
            result.docs.append(doc)
            result.offsets.append(Int32(result.positions.count))
        }
        return result
    }

    /// Docs where the words occur consecutively inside one region (title or body); a doc's tf is
    /// its number of phrase starts, title ones weighted (phrase hits never straddle the boundary,
    /// so the start decides the region). The words' positions come one of two ways, with the same
    /// result: decoded whole, or — when few docs can hold every word (three words or more, or one
    /// word in a quarter of the docs of another, `phraseSeeks` deciding in tests) — counted first
    /// and then read by seeking for the docs that hold them all, so the positions of a common
    /// word's other docs are never stored.
    func phraseHits(_ words: [QueryTerm], titleOnly: Bool) -> LeafHits {
        let resolved = words.map { index.resolve($0, fold: fold) }
        let bytes = resolved.reduce(0) { total, terms in terms.reduce(total) { $0 + $1.bytes } }
        var docs: [UInt32]
        let parts: [DecodedPosting]
        if phraseSeeks ?? Self.seeksPay(resolved, of: index) {
            let wordDocs = phraseWordDocs(resolved, bytes: bytes, titleOnly: titleOnly)
            // The smallest list first; each other word can only shrink it.
            let bySize = wordDocs.map(\.docs).sorted { $0.count < $1.count }
            docs = bySize[0]
            for list in bySize.dropFirst() where !docs.isEmpty { docs = Self.intersect(docs, list) }
            parts = wordDocs.map { word in Self.mergeFew(word.seeks.map { index.positions(seeks: $0, chosen: docs) }) }
        } else {
            parts = positionalParts(resolved, bytes: bytes)
            docs = parts[0].docs
            for part in parts.dropFirst() { docs = Self.intersect(docs, part.docs) }
        }
        let positions = parts.map(\.positions)
        let offsets = parts.map(\.offsets)
        let partDocs = parts.map(\.docs)
        var cursors = [Int](repeating: 0, count: parts.count)
        var next = [Int](repeating: 0, count: parts.count)
        var result = LeafHits()
        let span = UInt32(words.count - 1)
        let weight = UInt32(SearchIndex.titleWeight)
        for doc in docs {
            for p in parts.indices {
                while partDocs[p][cursors[p]] != doc { cursors[p] += 1 }
                next[p] = Int(offsets[p][cursors[p]])
            }
            let title = index.titleLengths[Int(doc)]
            var tf: UInt32 = 0
            let i0 = cursors[0]
            // The starts ascend, so each later word's cursor only moves forward (a merge).
            starts: for o in Int(offsets[0][i0])..<Int(offsets[0][i0 + 1]) {
                let start = positions[0][o]
                let last = start + span
                // The phrase may not straddle the title/body boundary.
                let inTitle = last < title
                if titleOnly && !inTitle { continue }
                if !inTitle && start < title { continue }
                for p in 1..<parts.count {
                    let end = Int(offsets[p][cursors[p] + 1])
                    let target = start + UInt32(p)
                    var q = next[p]
                    while q < end && positions[p][q] < target { q += 1 }
                    next[p] = q
                    if q == end { break starts }  // no later start can find word p either
                    if positions[p][q] != target { continue starts }
                }
                tf += inTitle ? weight : 1
            }
            if tf > 0 {
                result.docs.append(doc)
                result.tf.append(tf)
                result.exact.append(false)
            }
        }
        return result
    }

    /// Whether a phrase's positions are better read by seeking (see phraseHits): three words or
    /// more, or one word (its spellings' docs summed) in a quarter of the docs of another or fewer.
    static func seeksPay(_ resolved: [[SearchIndex.ResolvedTerm]], of index: SearchIndex) -> Bool {
        if resolved.count >= 3 { return true }
        let dfs = resolved.map { index.documentFrequency(of: $0) }
        return (dfs.max() ?? 0) >= 4 * (dfs.min() ?? 0)
    }

    /// BM25 (title occurrences weighted), summed over the scoring leaves, for ascending `docs`.
    func score(_ docs: [UInt32]) -> [Double] {
        var scores = [Double](repeating: 0, count: docs.count)
        for leaf in scoringLeaves {
            let idf = index.idf(documentFrequency: leaf.docs.count)
            var j = 0
            for (i, doc) in docs.enumerated() {
                while j < leaf.docs.count && leaf.docs[j] < doc { j += 1 }
                guard j < leaf.docs.count, leaf.docs[j] == doc else { continue }
                scores[i] += index.bm25(idf: idf, tf: leaf.tf[j], doc: doc)
                if leaf.exactMatters && leaf.exact[j] { scores[i] += SearchIndex.exactSpellingBonus }
            }
        }
        return scores
    }

    // MARK: Sorted-list helpers

    /// Docs in both lists. When one list is far shorter, each of its docs is looked up in the other
    /// by galloping (doubling steps, then a binary search), O(short · log(long / short)).
    static func intersect(_ a: [UInt32], _ b: [UInt32]) -> [UInt32] {
        if a.count > b.count { return intersect(b, a) }
        if a.count * 16 < b.count { return gallopingIntersect(a, b) }
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

    /// intersect for a `short` list and a much longer `long` one.
    private static func gallopingIntersect(_ short: [UInt32], _ long: [UInt32]) -> [UInt32] {
        var result: [UInt32] = []
        long.withUnsafeBufferPointer { long in
            var low = 0
            for doc in short {
                // Find the first index >= low with long[index] >= doc.
                var step = 1
                var high = low
                while high < long.count && long[high] < doc {
                    low = high + 1
                    high += step
                    step <<= 1
                }
                high = min(high, long.count)
                while low < high {
                    let mid = (low + high) >> 1
                    if long[mid] < doc { low = mid + 1 } else { high = mid }
                }
                if low == long.count { break }
                if long[low] == doc {
                    result.append(doc)
                    low += 1
                }
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
