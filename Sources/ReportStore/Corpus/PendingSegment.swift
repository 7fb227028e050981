// PendingSegment: the index segment a corpus version's pending (not yet indexed) writes
// tokenize to, built at most once per version by the first query that needs it (kept in the
// version through a ManagedAtomicLazyReference) and reused by later queries on that version
// and by the background flush that publishes it as a real segment. Immutable; Sendable.
import ReportIndex

/// A lazily built segment of a version's pending writes (nil: there were none).
final class PendingSegment: Sendable {
    let segment: IndexSegment?

    init(_ segment: IndexSegment?) {
        self.segment = segment
    }
}
