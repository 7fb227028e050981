// SegmentMerger: joins segments into one at the posting level, dropping docs that are no longer live:
//   1. slots: the result covers minBase..<maxEnd (gaps between segments are dead slots); a doc
//      keeps its global number, its lengths if live, and length 0 if not;
//   2. terms: a k-way merge of the segments' dictionaries in (folded, term) byte order (the
//      builder's order), each output term remembering the postings it gathers;
//   3. postings: term ranges on all cores: decode each gathered posting, keep live docs, shift them to
//      the new local numbers and re-encode with PostingEncoder (the builder's encoder) for the new
//      doc-slot count and df; a term left with no doc is omitted.
// No text is re-tokenised. The same live docs therefore give the same bytes as IndexBuilder would.
// Invariant: input segments are oldest first, with ascending, non-overlapping doc ranges.
// Stateless; `merge` fans out internally and calls `isLive` on the calling thread only.
import Dispatch

/// Merges IndexSegments.
public enum SegmentMerger {
    /// One segment holding the live docs of `segments`.
    ///
    /// `documentCount` counts the live docs: every live slot holding a token, plus as many of a
    /// segment's live empty slots as it had empty documents (an empty report and a dead slot both
    /// have length 0). That is exact when `isLive` is false for slots that were dead when their
    /// segment was built (retired numbers), or when no empty report was deleted.
    /// - Parameters:
    ///   - segments: Oldest first: ascending, non-overlapping doc ranges (gaps allowed).
    ///   - isLive: False for deleted global doc numbers; called once per slot, on this thread.
    /// - Returns: The segment over minBase..<maxEnd; an empty segment at base 0 for no input.
    public static func merge(_ segments: [IndexSegment], isLive: (UInt32) -> Bool) -> IndexSegment {
        for (earlier, later) in zip(segments, segments.dropFirst()) {
            precondition(earlier.docRange.upperBound <= later.base, "segments must be ascending and disjoint")
        }
        guard let first = segments.first, let last = segments.last else {
            return IndexBuilder.buildSegment(base: 0, docCount: 0) { _ in nil }
        }
        let base = first.base
        let docSlots = Int(last.docRange.upperBound - base)
        var docLengths = [UInt32](repeating: 0, count: docSlots)
        var titleLengths = [UInt32](repeating: 0, count: docSlots)
        var live = [Bool](repeating: false, count: docSlots)
        var documentCount = 0
        for segment in segments {
            let shift = Int(segment.base - base)
            let index = segment.index
            var nonEmpty = 0
            var liveNonEmpty = 0
            var liveEmpty = 0
            for local in 0..<index.docSlots {
                let length = index.docLengths[local]
                if length > 0 { nonEmpty += 1 }
                guard isLive(segment.base + UInt32(local)) else { continue }
                live[shift + local] = true
                docLengths[shift + local] = length
                titleLengths[shift + local] = index.titleLengths[local]
                if length > 0 { liveNonEmpty += 1 } else { liveEmpty += 1 }
            }
            documentCount += liveNonEmpty + min(max(0, index.documentCount - nonEmpty), liveEmpty)
        }
        let plan = mergeTerms(segments)
        let parts = encode(plan, segments: segments, base: base, live: live, docLengths: docLengths)
        let (postings, postingOffsets) = IndexBuilder.concatenate(parts.map { ($0.bytes, $0.offsets) })
        let terms = parts.flatMap { part in part.terms.map { plan.terms[$0] } }
        let index = SearchIndex(
            dictionary: TermDictionary(terms: terms, postingOffsets: postingOffsets), postings: postings,
            docLengths: docLengths, titleLengths: titleLengths, docCount: documentCount,
            averageWeightedLength: SearchIndex.averageWeightedLength(
                docLengths: docLengths, titleLengths: titleLengths, documentCount: documentCount))
        return IndexSegment(base: base, index: index)
    }

    /// The union of the segments' terms in dictionary order; term t gathers the postings
    /// sources[sourceStart[t]..<sourceStart[t+1]], in segment order.
    struct TermPlan: Sendable {
        var terms: [[UInt8]] = []
        var sourceStart: [Int] = [0]
        var sources: [(segment: Int, postingOffset: Int)] = []
    }

    /// A segment's dictionary walked in order, with the current term's folded form.
    private struct Cursor {
        let segment: Int
        var entry: TermDictionary.Entry
        var folded: [UInt8]
    }

    /// k-way merge of the dictionaries. Heads are compared by (folded, term) as IndexBuilder sorts;
    /// a linear scan of the heads is enough for the handful of segments a merge takes.
    static func mergeTerms(_ segments: [IndexSegment]) -> TermPlan {
        var plan = TermPlan()
        var cursors: [Cursor] = []
        for (s, segment) in segments.enumerated() where segment.index.termCount > 0 {
            let dictionary = segment.index.dictionary
            let entry = dictionary.entry(0)
            cursors.append(Cursor(segment: s, entry: entry, folded: TextNormalizer.fold(utf8: dictionary.term(entry))))
        }
        plan.terms.reserveCapacity(segments.map(\.index.termCount).max() ?? 0)
        var heads: [Int] = []
        while !cursors.isEmpty {
            // heads: the cursors on the smallest term (equal terms have equal folded forms).
            heads.removeAll(keepingCapacity: true)
            heads.append(0)
            var smallest = term(of: cursors[0], segments)
            for c in 1..<cursors.count {
                let candidate = term(of: cursors[c], segments)
                let best = cursors[heads[0]].folded
                if cursors[c].folded == best {
                    if candidate.elementsEqual(smallest) {
                        heads.append(c)
                        continue
                    }
                    guard candidate.lexicographicallyPrecedes(smallest) else { continue }
                } else {
                    guard cursors[c].folded.lexicographicallyPrecedes(best) else { continue }
                }
                smallest = candidate
                heads.removeAll(keepingCapacity: true)
                heads.append(c)
            }
            plan.terms.append(Array(smallest))
            for c in heads { plan.sources.append((cursors[c].segment, cursors[c].entry.postingOffset)) }
            plan.sourceStart.append(plan.sources.count)
            // Advance the heads (backwards, so removing a finished cursor keeps the other indices).
            for c in heads.reversed() {
                let dictionary = segments[cursors[c].segment].index.dictionary
                if cursors[c].entry.id + 1 < dictionary.count {
                    cursors[c].entry = dictionary.next(cursors[c].entry)
                    cursors[c].folded = TextNormalizer.fold(utf8: dictionary.term(cursors[c].entry))
                } else {
                    cursors.remove(at: c)
                }
            }
        }
        return plan
    }

    private static func term(of cursor: Cursor, _ segments: [IndexSegment]) -> ArraySlice<UInt8> {
        segments[cursor.segment].index.dictionary.term(cursor.entry)
    }

    /// Encoded postings of one range of planned terms: the planned ids kept (df > 0), their offsets
    /// relative to `bytes`.
    struct Part {
        var terms: [Int] = []
        var offsets: [UInt32] = []
        var bytes: [UInt8] = []
    }

    /// Re-encodes every planned term's live docs, term ranges in parallel.
    private static func encode(
        _ plan: TermPlan, segments: [IndexSegment], base: UInt32, live: [Bool], docLengths: [UInt32]
    ) -> [Part] {
        let termCount = plan.terms.count
        let docSlots = docLengths.count
        let partCount = max(1, min(termCount, 32))
        let parts = WorkerResults(repeating: Part(), count: partCount)
        let shifts = segments.map { Int($0.base - base) }
        DispatchQueue.concurrentPerform(iterations: partCount) { p in
            var part = Part()
            var writer = BitWriter()
            var decoded: [(posting: DecodedPosting, shift: Int)] = []
            for t in (termCount * p / partCount)..<(termCount * (p + 1) / partCount) {
                decoded.removeAll(keepingCapacity: true)
                var df = 0
                for (s, offset) in plan.sources[plan.sourceStart[t]..<plan.sourceStart[t + 1]] {
                    let index = segments[s].index
                    let posting = index.postings.withUnsafeBufferPointer { postings in
                        index.docLengths.withUnsafeBufferPointer { lengths in
                            PostingCodec.decode(
                                postings.baseAddress!, offset: offset, docSlots: index.docSlots, docLengths: lengths)
                        }
                    }
                    for doc in posting.docs where live[shifts[s] + Int(doc)] { df += 1 }
                    decoded.append((posting, shifts[s]))
                }
                guard df > 0 else { continue }
                part.terms.append(t)
                part.offsets.append(UInt32(writer.bytes.count))
                var encoder = PostingEncoder(documentFrequency: df, docSlots: docSlots, writer: &writer)
                for (posting, shift) in decoded {
                    posting.positions.withUnsafeBufferPointer { positions in
                        for (i, doc) in posting.docs.enumerated() {
                            let target = shift + Int(doc)
                            guard live[target] else { continue }
                            let range = Int(posting.offsets[i])..<Int(posting.offsets[i + 1])
                            encoder.append(
                                doc: target, positions: UnsafeBufferPointer(rebasing: positions[range]),
                                docLength: Int(docLengths[target]), writer: &writer)
                        }
                    }
                }
                encoder.finish(writer: &writer)
            }
            part.bytes = writer.bytes
            parts.set(p, part)
        }
        return parts.values
    }
}
