// OutputBudget: the bound on what all connections together hold (PROTOCOL.md §7,
// `max-queued-bytes-total`). Each connection reports the bytes of its finished, unwritten answers
// plus the buffered part of a request still arriving, whenever they change; when the sum passes
// the budget, the unprivileged connection holding the most is closed and its answers dropped — the
// clients that read their answers and finish their requests are the ones that stay (as Redis
// evicts its largest clients past `maxmemory-clients`). Per connection, `max-queued-bytes` already
// stops reading a client that does not drain its answers and `max-frame-bytes` bounds a request,
// so this is what bounds many such clients at once (1,000 peers each half-sending a 16 MiB PUT).
// Whether a connection is privileged is asked of `WriteAccess` at each eviction, so a reload that
// revokes a write user makes its connections evictable. Every connection closed is counted in
// `connections_dropped` and logged here.
// Invariant: `total` is the sum of the registered connections' last reports.
// Thread-safe: one Mutex, taken once per reported change (a few per request), never across I/O;
// closing goes through Channel, which may be called from any thread.
import Logging
import NIOCore
import ServiceSupport
import Synchronization

/// Bytes held for every connection (queued answers, a request arriving), and the eviction past a total.
final class OutputBudget: Sendable {
    /// One registered connection.
    private struct Holder {
        let channel: any Channel
        let credentials: PeerCredentials?
        var bytes: Int
    }

    private struct State {
        var holders: [ObjectIdentifier: Holder] = [:]
        var total = 0
    }

    /// The budget in bytes (PROTOCOL.md §7).
    let limit: Int
    private let access: WriteAccess
    private let statistics: ServerStatistics
    private let logger: Logger
    private let state = Mutex(State())
    private let evicted = Atomic<Int>(0)

    init(limit: Int, access: WriteAccess, statistics: ServerStatistics, logger: Logger) {
        self.limit = limit
        self.access = access
        self.statistics = statistics
        self.logger = logger
    }

    /// Bytes queued for all connections now.
    var total: Int { state.withLock { $0.total } }

    /// Connections closed because the budget was passed, since start.
    var evictions: Int { evicted.load(ordering: .relaxed) }

    /// Starts accounting for a connection (with nothing queued).
    func register(_ id: ObjectIdentifier, channel: any Channel, credentials: PeerCredentials?) {
        state.withLock { $0.holders[id] = Holder(channel: channel, credentials: credentials, bytes: 0) }
    }

    /// Stops accounting for a connection; its bytes leave the total.
    func unregister(_ id: ObjectIdentifier) {
        state.withLock { state in
            if let holder = state.holders.removeValue(forKey: id) { state.total -= holder.bytes }
        }
    }

    /// Records that `id` now has `bytes` queued. Past the budget, closes the unprivileged
    /// connections holding the most until the rest fit (or none is left to close).
    /// - Returns: whether `id` itself was closed.
    @discardableResult
    func report(_ id: ObjectIdentifier, bytes: Int) -> Bool {
        let access = self.access
        let victims: [(id: ObjectIdentifier, holder: Holder)] = state.withLock { state in
            guard var holder = state.holders[id] else { return [] }
            state.total += bytes - holder.bytes
            holder.bytes = bytes
            state.holders[id] = holder
            var victims: [(id: ObjectIdentifier, holder: Holder)] = []
            while state.total > limit {
                // Scanned in place (no copy of the table under the lock).
                let evictable = state.holders.lazy.filter { entry in
                    entry.value.bytes > 0 && !(entry.value.credentials.map(access.permitsWrites) ?? false)
                }
                guard let largest = evictable.max(by: { $0.value.bytes < $1.value.bytes }) else { break }
                state.holders.removeValue(forKey: largest.key)
                state.total -= largest.value.bytes
                victims.append((largest.key, largest.value))
            }
            return victims
        }
        for victim in victims {
            evicted.add(1, ordering: .relaxed)
            statistics.bump(statistics.droppedConnections)
            logger.warning(
                "closing a connection holding \(victim.holder.bytes) bytes (unread answers, a request still arriving): all connections hold more than max-queued-bytes-total (\(limit))",
                metadata: ["peer": "\(victim.holder.credentials.map { "\($0)" } ?? "unknown")"])
            victim.holder.channel.close(mode: .all, promise: nil)
        }
        return victims.contains { $0.id == id }
    }
}
