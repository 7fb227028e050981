// ConnectionPeer: who is on the other end of one connection, read once with
// SO_PEERCRED when the connection is accepted. Immutable; Sendable.
import ServiceSupport

/// The credentials of a connected client, if the kernel reported them.
struct ConnectionPeer: Sendable {
    /// pid, uid and gid of the peer at connect time; nil if they could not be read.
    let credentials: PeerCredentials?

    /// "uid 1000 pid 4242", for log lines.
    var description: String {
        guard let c = credentials else { return "unknown peer" }
        return "uid \(c.uid) gid \(c.gid) pid \(c.pid)"
    }
}
