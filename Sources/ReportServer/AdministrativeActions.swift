// AdministrativeActions: what the daemon does for the admin requests of PROTOCOL.md §5
// (RELOAD, SNAPSHOT, SHUTDOWN). The server only checks permission and carries the
// answer back; the executable supplies the behaviour. Implementations must be
// thread-safe: requests arrive from any event loop.

/// The daemon-level operations behind admin requests.
public protocol AdministrativeActions: Sendable {
    /// Re-reads the configuration and import sources and swaps in the new corpus; throws (with
    /// a message for the client) and keeps the old corpus if anything fails.
    func reload() async throws -> String
    /// Begins a graceful stop, after this answer has been sent.
    func shutdown()
}
