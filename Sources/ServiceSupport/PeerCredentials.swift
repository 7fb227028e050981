// PeerCredentials: who is on the other end of a connected AF_UNIX socket.
//
// The kernel records the peer's pid, effective uid and effective gid when it connect()s (or at
// socketpair()); getsockopt(SOL_SOCKET, SO_PEERCRED) returns them and the peer cannot forge
// them. Only the peer's PRIMARY gid is visible: SO_PEERCRED carries no supplementary groups
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

    /// Creates credentials (for tests and policies; real ones come from `of(fileDescriptor:)`).
    public init(pid: pid_t, uid: uid_t, gid: gid_t) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
    }

    /// `pid=1 uid=0 gid=0`, for logs.
    public var description: String { "pid=\(pid) uid=\(uid) gid=\(gid)" }

    /// Reads the peer credentials of a connected AF_UNIX socket.
    ///
    /// - Throws: `ServiceSupportError` `.systemCallFailed` (ENOTSOCK, EBADF...) on failure.
    public static func of(fileDescriptor fd: Int32) throws -> PeerCredentials {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; } — Glibc hides it behind _GNU_SOURCE,
        // so Swift does not import it; three 32-bit fields with the same layout stand in for it.
        var raw: (Int32, UInt32, UInt32) = (0, 0, 0)
        var length = socklen_t(MemoryLayout.size(ofValue: raw))
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &raw, &length) == 0 else {
            throw ServiceSupportError.systemCall("getsockopt(SO_PEERCRED)", fileDescriptor: fd)
        }
        guard length == socklen_t(MemoryLayout.size(ofValue: raw)) else {
            throw ServiceSupportError(
                .systemCallFailed, "getsockopt(SO_PEERCRED) returned \(length) bytes", fileDescriptor: fd)
        }
        return PeerCredentials(pid: raw.0, uid: raw.1, gid: raw.2)
    }
}
