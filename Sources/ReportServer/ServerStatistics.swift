// ServerStatistics: the server's own counters, updated from every event loop with
// relaxed atomics (they are statistics, not synchronisation). Thread-safe.
import Synchronization

/// Connection and request counters reported by STATS.
public final class ServerStatistics: Sendable {
    /// Connections open now.
    public let openConnections = Atomic<Int>(0)
    /// Connections accepted since start.
    public let acceptedConnections = Atomic<Int>(0)
    /// Connections refused because `maxConnections` was reached.
    public let refusedConnections = Atomic<Int>(0)
    /// Requests answered since start.
    public let requests = Atomic<Int>(0)
    /// Requests answered with a non-OK status other than NOT_FOUND.
    public let errors = Atomic<Int>(0)
    /// Connections closed because framing was lost (bad magic) or they idled out.
    public let droppedConnections = Atomic<Int>(0)

    /// Creates zeroed counters.
    public init() {}

    /// Adds one to `counter`.
    @inline(__always)
    func bump(_ counter: borrowing Atomic<Int>, by amount: Int = 1) {
        counter.add(amount, ordering: .relaxed)
    }
}
