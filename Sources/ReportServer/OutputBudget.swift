// OutputBudget: the bound on answers queued for all connections together (PROTOCOL.md §7,
// `max-queued-bytes-total`). Each connection reports the bytes of its finished, unwritten answers
// whenever they change; when the sum passes the budget, the unprivileged connection holding the
// most is closed and its answers dropped — the clients that read their answers are the ones that
// stay (as Redis evicts its largest clients past `maxmemory-clients`). Per connection,
// `max-queued-bytes` already stops reading a client that does not drain its answers, so this is
// what bounds many such clients at once.
// Invariant: `total` is the sum of the registered connections' last reports.
// Thread-safe: one Mutex, taken once per reported change (a few per request), never across I/O;
// closing goes through Channel, which may be called from any thread.
import NIOCore
import Synchronization

/// Queued-answer bytes of every connection, and the eviction past a total.
final class OutputBudget: Sendable {
    /// One registered connection.
    private struct Holder {
        let channel: any Channel
        let privileged: Bool
        var bytes: Int
    }

    private struct State {
        var holders: [ObjectIdentifier: Holder] = [:]
        var total = 0
    }

    /// The budget in bytes (PROTOCOL.md §7).
    let limit: Int
    private let state = Mutex(State())
    private let evicted = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Bytes queued for all connections now.
    var total: Int { state.withLock { $0.total } }

    /// Connections closed because the budget was passed, since start.
    var evictions: Int { evicted.load(ordering: .relaxed) }

    /// Starts accounting for a connection (with nothing queued).
    func register(_ id: ObjectIdentifier, channel: any Channel, privileged: Bool) {
        state.withLock { $0.holders[id] = Holder(channel: channel, privileged: privileged, bytes: 0) }
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
        let victims: [(ObjectIdentifier, any Channel)] = state.withLock { state in
            guard var holder = state.holders[id] else { return [] }
            state.total += bytes - holder.bytes
            holder.bytes = bytes
            state.holders[id] = holder
            var victims: [(ObjectIdentifier, any Channel)] = []
            while state.total > limit {
                guard let largest = state.holders.filter({ !$0.value.privileged && $0.value.bytes > 0 })
                    .max(by: { $0.value.bytes < $1.value.bytes })
                else { break }
                state.holders.removeValue(forKey: largest.key)
                state.total -= largest.value.bytes
                victims.append((largest.key, largest.value.channel))
            }
            return victims
        }
        for (_, channel) in victims {
            evicted.add(1, ordering: .relaxed)
            channel.close(mode: .all, promise: nil)
        }
        return victims.contains { $0.0 == id }
    }
}
