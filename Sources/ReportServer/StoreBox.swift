// StoreBox: the one place that holds "the current corpus". Readers take a reference
// under a short lock and then work without it; a reload swaps in a whole new store in
// one step, so a request sees either the old corpus or the new one, never a mix.
// Thread-safe.
import ReportStore
import Synchronization

/// An atomically swappable reference to the served ``ReportStore``.
public final class StoreBox: Sendable {
    private let store: Mutex<ReportStore>

    /// Wraps the initial store.
    public init(_ store: ReportStore) {
        self.store = Mutex(store)
    }

    /// The store to use for one request.
    public var current: ReportStore {
        store.withLock { $0 }
    }

    /// Replaces the served store; requests already running finish on the old one.
    public func replace(with newStore: ReportStore) {
        store.withLock { $0 = newStore }
    }
}
