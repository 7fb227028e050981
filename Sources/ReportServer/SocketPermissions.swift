// SocketPermissions: sets the mode and group of a socket file the daemon bound itself
// (systemd sets them for an activated socket from SocketMode=/SocketGroup=).
// Stateless; thread-safe.
#if canImport(Glibc)
import Glibc
#endif

/// chmod/chgrp for the listening socket.
enum SocketPermissions {
    /// Applies `mode` and, when given, `group` (a name or a number) to `path`.
    static func apply(path: String, mode: UInt32, group: String?) throws(ServerError) {
        if chmod(path, mode_t(mode)) != 0 {
            throw ServerError(.socketPath, "cannot set mode \(String(mode, radix: 8)) on \(path): \(String(cString: strerror(errno)))")
        }
        guard let group else { return }
        let gid: gid_t
        if let number = UInt32(group) {
            gid = number
        } else if let entry = getgrnam(group) {
            gid = entry.pointee.gr_gid
        } else {
            throw ServerError(.socketPath, "socket group '\(group)' does not exist")
        }
        if chown(path, uid_t.max, gid) != 0 {
            throw ServerError(.socketPath, "cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
        }
    }
}
