// PeerCredentials: who is on the other end of a connected AF_UNIX socket.
//
// The kernel records the peer's pid, effective uid and effective gid when it connect()s (or at
// socketpair()); getsockopt(SOL_SOCKET, SO_PEERCRED) returns them and the peer cannot forge
// them; ReportServer reads them through NIO's socket options once per accepted connection.
// Only the peer's PRIMARY gid is visible: SO_PEERCRED carries no supplementary groups
// (SO_PEERGROUPS, Linux ≥ 4.13, would; we do not use it). An immutable value: Sendable.
import Glibc

/// The pid, uid and gid of a Unix-socket peer, as recorded by the kernel.
public struct PeerCredentials: Sendable, Equatable, CustomStringConvertible {
    /// The peer's process id at connect time.
    public let pid: pid_t
    /// The peer's effective user id.
    public let uid: uid_t
    /// The peer's effective (primary) group id; supplementary groups are not visible.
    public let gid: gid_t

    /// Creates credentials (for tests and policies; real ones come from the server's SO_PEERCRED read at accept).
    public init(pid: pid_t, uid: uid_t, gid: gid_t) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// `pid=1 uid=0 gid=0`, for logs.
    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }
}
