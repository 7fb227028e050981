// RequestClass: how a request is scheduled on its connection (PROTOCOL.md §1.1). Reads may
// overlap reads and writes may overlap writes (WriteSequencer commits those in order), but a
// read never starts before an earlier write on its connection has finished, nor a write before
// an earlier read: requests take effect in the order they were sent. Exclusive requests
// (SNAPSHOT, RELOAD, SHUTDOWN) overlap nothing. Pure value; Sendable.
import ReportProtocol

/// Scheduling class of one request, chosen from its opcode alone.
enum RequestClass: Sendable, Equatable {
    /// A cheap read answered on the event loop at once (HELLO, PING, GET, STATS, DICTIONARY,
    /// and every request refused before it does anything).
    case inline
    /// A read that may take long (SEARCH, COUNT, MGET): run on the server's worker pool, at
    /// most one at a time per connection, so one connection cannot fill the pool.
    case pooled
    /// PUT or DEL.
    case write
    /// SNAPSHOT, RELOAD, SHUTDOWN.
    case exclusive

    /// The class of a request with `opcode`.
    init(_ opcode: Opcode) {
        switch opcode {
        case .search, .count, .mget: self = .pooled
        case .put, .delete: self = .write
        case .snapshot, .reload, .shutdown: self = .exclusive
        default: self = .inline
        }
    }

    /// Whether this is a read (it changes nothing).
    var isRead: Bool { self == .inline || self == .pooled }
}
