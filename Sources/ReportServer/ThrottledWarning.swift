// ThrottledWarning: at most one log line per interval for an event any peer can cause at will
// (a connection refused with BUSY), so a flood of them cannot flood the journal. The first event
// is logged at once; events within `interval` of a logged one are only counted, and the next line
// logged says how many were not. Thread-safe: two atomics, no lock (events come from every loop).
import Synchronization

/// Decides which occurrences of a frequent event are logged.
final class ThrottledWarning: Sendable {
    private let intervalNanoseconds: Int64
    /// The earliest time (uptime ns) the next line may be logged.
    private let nextLine = Atomic<Int64>(0)
    /// Events since the last logged line that were not logged.
    private let unlogged = Atomic<Int>(0)

    init(intervalNanoseconds: Int64 = 1_000_000_000) {
        self.intervalNanoseconds = intervalNanoseconds
    }

    /// Records one event at `now` (uptime ns). Returns nil when it must not be logged, else the
    /// number of events since the last logged line that were not logged.
    func record(now: Int64) -> Int? {
        let due = nextLine.load(ordering: .relaxed)
        if now >= due, nextLine.compareExchange(expected: due, desired: now + intervalNanoseconds, ordering: .relaxed).exchanged {
            return unlogged.exchange(0, ordering: .relaxed)
        }
        unlogged.add(1, ordering: .relaxed)
        return nil
    }
}
