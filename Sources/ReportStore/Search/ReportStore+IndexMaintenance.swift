// ReportStore+IndexMaintenance: how the index follows writes. A put leaves its text in the
// pending list (under the store lock, with the write itself); a flush tokenizes the pending
// texts into a new small segment, either before a query (so a search sees every write made
// before it) or in the background once enough are waiting; background merges keep the
// segment count logarithmic (merge the newest two while the newer is at least half the size
// of the older, like a binary counter), dropping replaced and removed docs as they go; the same
// job compacts the arena once replaced and removed texts hold a quarter of its live bytes.
// Thread-safe: flushes are serialised by `flushLock`, merges run on one serial queue, and
// segments are swapped in under the store lock by identity.
import Dispatch
import ReportIndex

extension ReportStore {
    /// Pending docs that trigger a background flush.
    static let flushDocs = 512
    /// Pending text bytes that trigger a background flush.
    static let flushBytes = 4 << 20
    /// Beyond this many segments, the two smallest neighbours are merged whatever their sizes.
    static let maxSegments = 12

    /// The index with every write applied so far (pending writes are flushed first).
    func currentIndex() -> SegmentedIndex {
        flushPendingWrites()
        return SegmentedIndex(segments: state.withLock { $0.index.segments })
    }

    /// Tokenizes every pending write into one new segment.
    func flushPendingWrites() {
        let added = flushLock.withLock { _ -> Bool in
            let pending = state.withLock { $0.index.pending }
            guard let segment = StoreIndexState.segment(of: pending[...]) else { return false }
            let bytes = pending.reduce(0) { $0 + $1.text.count }
            state.withLock { s in
                s.index.pending.removeFirst(pending.count)
                s.index.pendingBytes -= bytes
                s.index.segments.append(segment)
            }
            return true
        }
        if added { scheduleIndexMaintenance() }
    }

    /// Flushes and merges in the background, once at a time.
    func scheduleIndexMaintenance() {
        guard mergeScheduled.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        maintenance.async { [self] in
            mergeScheduled.store(false, ordering: .releasing)
            flushPendingWrites()
            while mergeOnce() {}
            compactIfWasteful()
            HeapTrimmer.trim()
        }
    }

    /// Waits until background flushes and merges queued so far are done (tests, snapshots).
    public func waitForIndexMaintenance() {
        maintenance.sync {}
    }

    /// Merges one pair of neighbouring segments if the policy asks for it; false when none is due.
    func mergeOnce() -> Bool {
        let segments = state.withLock { $0.index.segments }
        guard segments.count >= 2 else { return false }
        let pair: Int
        let n = segments.count
        if segments[n - 1].docRange.count * 2 >= segments[n - 2].docRange.count {
            pair = n - 2
        } else if n > Self.maxSegments {
            let sizes: [Int] = segments.map { $0.docRange.count }
            var best = 0
            for i in 1..<(n - 1) where sizes[i] + sizes[i + 1] < sizes[best] + sizes[best + 1] { best = i }
            pair = best
        } else {
            return false
        }
        let (older, newer) = (segments[pair], segments[pair + 1])
        let merged = SegmentMerger.merge([older, newer], isLive: isLive)
        return state.withLock { s in
            // Swap by identity: flushes only append, and merges run one at a time.
            guard let i = s.index.segments.firstIndex(where: { $0.index === older.index }),
                i + 1 < s.index.segments.count, s.index.segments[i + 1].index === newer.index
            else { return false }
            s.index.segments.replaceSubrange(i...(i + 1), with: [merged])
            return true
        }
    }
}
