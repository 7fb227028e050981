// StatsEntry: one `(str key, u64 value)` pair of a STATS response (PROTOCOL.md §5.5).
//
// The key set is open-ended: clients print keys they do not know. Value type; thread-safe.

/// One counter from STATS (PROTOCOL.md §5.5).
public struct StatsEntry: Sendable, Hashable {
    /// Counter name, e.g. `reports`.
    public var key: String
    /// Counter value.
    public var value: UInt64

    /// Creates a counter.
    public init(key: String, value: UInt64) {
        self.key = key
        self.value = value
    }

    /// Smallest encoding: empty key (2) + value (8).
    static let minimumWireBytes = 10
}
