// UnixSocketPermissions: owner group and mode of a socket file the daemon binds itself.
//
// Under socket activation the .socket unit sets SocketMode= and SocketGroup=; when reportd binds
// its own socket (run by hand, or without the .socket unit) it calls this right after bind(2).
// Connecting to a Unix socket needs write permission on the socket file, so mode 0660 with group
// `reportd` admits exactly root, the daemon user and members of `reportd`. Between bind and
// chmod the file has the mode the umask allows; the service runs with UMask=0077, so that
// window is closed rather than open. Stateless: safe to call concurrently.
import Glibc

/// Applies a mode and an owning group to a socket path.
public enum UnixSocketPermissions {
    /// Sets the group (if given), then the mode, of `path`.
    ///
    /// The group is changed first: chown(2) may clear mode bits, chmod comes last so the
    /// requested mode is what remains. Changing to a group needs root or membership in it.
    /// - Parameters:
    ///   - path: the socket file.
    ///   - mode: permission bits, e.g. 0o660 (see `ConfigValue.fileMode`).
    ///   - group: a group name or decimal gid; nil leaves the group unchanged.
    /// - Throws: `ServiceSupportError` `.unknownGroup` or `.systemCallFailed` naming the path.
    public static func apply(path: String, mode: mode_t, group: String? = nil) throws {
        if let group {
            try apply(path: path, mode: mode, groupID: try SystemAccounts.groupID(named: group))
        } else {
            try apply(path: path, mode: mode, groupID: nil)
        }
    }

    /// Sets the group id (if given), then the mode, of `path`.
    public static func apply(path: String, mode: mode_t, groupID: gid_t?) throws {
        guard mode & ~mode_t(0o7777) == 0 else {
            throw ServiceSupportError(
                .configInvalidValue, "mode \(String(mode, radix: 8)) has bits beyond 07777", path: path)
        }
        if let groupID {
            // uid_t(-1) leaves the owner unchanged.
            guard chown(path, uid_t.max, groupID) == 0 else {
                throw ServiceSupportError.systemCall("chown(:\(groupID))", path: path)
            }
        }
        guard chmod(path, mode) == 0 else {
            throw ServiceSupportError.systemCall("chmod(\(String(mode, radix: 8)))", path: path)
        }
    }
}
