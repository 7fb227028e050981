// ReportStore+IndexMaintenance: how the index follows writes. A put leaves its text in the
// pending list of the version it publishes; a query on a version with pending writes tokenizes
// them into a segment of its own (once per version, CorpusVersion.pendingSegment), so a search
// sees every write made before it, and asks for a background flush, which publishes that
// segment as a real one; background merges keep the segment count logarithmic (the newest
// segments are merged while together they hold a quarter of the live docs of the one before,
// a base-4 counter: `nextMerge`) and rewrite any segment whose dead (replaced or removed) docs
// pass a fifth of its docs, as Lucene's TieredMergePolicy's deletes allowance, so
// a replace-heavy load does not inflate the index; the same job compacts the arena by the same
// rule (`isWasteful`: garbage past a twentieth of the live bytes).
// Thread-safe: flushes and merges run on the one maintenance queue, build their segments off
// the write lock from a version they loaded, and publish through `withWriter` after a version
// check (pending docs unchanged for a flush; input segments still there, by identity, for a
// merge).
import Dispatch
import ReportIndex

extension ReportStore {
    /// Pending docs that trigger a background flush.
    static let flushDocs = 512
    /// Pending text bytes that trigger a background flush.
    static let flushBytes = 4 << 20
    /// Beyond this many segments, the two smallest neighbours are merged whatever their sizes.
    static let maxSegments = 12

    /// Publishes the pending writes as one new segment, if they are still the first pending
    /// ones when it publishes (a reload may have replaced them); writes that arrived meanwhile
    /// stay pending. The segment is the one a query already tokenized (`tokenizedTail`) when
    /// the current version has none built, else the current version's. On the maintenance queue.
    func flushPendingWrites() {
        let tokenized = tokenizedTail.exchange(nil, ordering: .acquiringAndReleasing)
        let now = current
        if !now.hasBuiltPendingSegment, let tokenized, flushPendingWrites(from: tokenized) { return }
        flushPendingWrites(from: now)
    }

    /// `flushPendingWrites()` with the segment built from `base`, which may be older than the
    /// version current when it publishes (tests make it so). Returns whether it published.
    @discardableResult
    func flushPendingWrites(from base: CorpusVersion) -> Bool {
        guard let segment = base.pendingSegment else { return false }
        let pending = base.state.index.pending
        let bytes = pending.reduce(0) { $0 + $1.text.count }
        let added = withWriter { now, publish -> Bool in
            var s = now.state
            // Version check: the writer only appends to `pending` and only this queue removes
            // from it, so the same lineage with the same first doc means the same prefix.
            guard s.lineage == base.state.lineage, s.index.pending.count >= pending.count,
                s.index.pending.first?.doc == pending.first?.doc
            else { return false }
            s.index.pending.removeFirst(pending.count)
            s.index.pendingBytes -= bytes
            s.index.segments.append(segment)
            publish(s)
            return true
        }
        if added { scheduleIndexMaintenance() }
        return added
    }

    /// Flushes and merges in the background, once at a time.
    func scheduleIndexMaintenance() {
        guard mergeScheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        maintenance.async { [self] in
            mergeScheduled.store(false, ordering: .releasing)
            flushPendingWrites()
            // Compact between merges too: under a steady write load new segments keep coming
            // and the merge loop may run long, while replaced texts pile up in the arena.
            repeat { compactIfWasteful() } while mergeOnce()
            compactIfWasteful()
            HeapTrimmer.trim()
        }
    }

    /// Waits until background flushes and merges queued so far are done (tests, snapshots).
    public func waitForIndexMaintenance() {
        maintenance.sync {}
    }

    /// Share of a segment's documents that may be dead (replaced or removed) before the segment
    /// is rewritten without them, as Lucene's TieredMergePolicy's deletes allowance.
    static let deadShareAllowed = 0.2
    /// A newer segment holding at least 1/tierRatio of the live docs of the one before it is
    /// merged into it.
    static let tierRatio = 4
    /// Segments merged at most in one merge.
    static let mergeWidth = 16


    /// The next merge the policy asks for, as a range of neighbouring segments (one segment: a
    /// rewrite without its dead documents; an empty result: drop the segment, nothing in it is
    /// live). Sizes are live documents, so replaced documents do not make a segment look big.
    /// 1. a segment with no live document is dropped;
    /// 2. the newest segments are merged, in one multi-way merge of up to `mergeWidth`, while
    ///    together they hold at least a quarter of the live docs of the segment before them,
    ///    sizes under `flushDocs` counting as `flushDocs` (a base-4 counter: the segment count
    ///    stays logarithmic, few small segments repeat the big one's terms, each doc is
    ///    re-encoded a few times at most, and the many small segments that flushes make under a
    ///    write load are folded in one pass, not one by one);
    /// 3. beyond `maxSegments`, the two neighbours with the fewest live docs are merged;
    /// 4. the segment with the largest share of dead docs, if over `deadShareAllowed`, is
    ///    rewritten (with its newer neighbour when that one is smaller: fewer segments for free).
    static func nextMerge(documents: [Int], live: [Int]) -> ClosedRange<Int>? {
        let n = live.count
        if let empty = live.firstIndex(of: 0) { return empty...empty }
        var start = n - 1
        var run = n > 0 ? live[n - 1] : 0
        while start > 0, n - start < mergeWidth, max(run, flushDocs) * tierRatio >= max(live[start - 1], flushDocs) {
            start -= 1
            run += live[start]
        }
        if start < n - 1 { return start...(n - 1) }
        if n > maxSegments {
            var best = 0
            for i in 1..<(n - 1) where live[i] + live[i + 1] < live[best] + live[best + 1] { best = i }
            return best...(best + 1)
        }
        var worst: Int?
        var worstShare = deadShareAllowed
        for i in 0..<n {
            let share = 1 - Double(live[i]) / Double(max(documents[i], 1))
            if share > worstShare {
                worst = i
                worstShare = share
            }
        }
        guard let worst else { return nil }
        if worst + 1 < n, live[worst + 1] <= live[worst] { return worst...(worst + 1) }
        return worst...worst
    }

    /// Makes the merge the policy asks for, if any; false when none is due. The merge is built
    /// off the write lock from the current version's segments and live docs, and published only
    /// if those segments are still there (by identity) in the version current by then. (A doc
    /// that dies meanwhile stays in the new segment until a later merge; queries filter it.)
    func mergeOnce() -> Bool {
        mergeOnce(from: current)
    }

    /// `mergeOnce()` with the merge built from `version`, which may be older than the version
    /// current when it publishes (tests make it so).
    func mergeOnce(from version: CorpusVersion) -> Bool {
        let base = version.state
        let segments = base.index.segments
        let liveDocs = base.live
        let live = segments.map { liveDocs.count(in: $0.docRange) }
        guard let range = Self.nextMerge(documents: segments.map(\.index.documentCount), live: live) else { return false }
        let inputs = Array(segments[range])
        let replacement: [IndexSegment]
        if range.count == 1, live[range.lowerBound] == 0 {
            replacement = []
        } else {
            replacement = [SegmentMerger.merge(inputs) { liveDocs.contains($0) }]
        }
        return withWriter { now, publish -> Bool in
            var s = now.state
            // Version check by identity: flushes only append, and merges run one at a time.
            guard s.lineage == base.lineage,
                let i = s.index.segments.firstIndex(where: { $0.index === inputs[0].index }),
                i + inputs.count <= s.index.segments.count,
                zip(s.index.segments[i..<(i + inputs.count)], inputs).allSatisfy({ $0.index === $1.index })
            else { return false }
            s.index.segments.replaceSubrange(i..<(i + inputs.count), with: replacement)
            publish(s)
            return true
        }
    }
}
