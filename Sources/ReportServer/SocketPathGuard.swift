// SocketPathGuard: decides what to do with whatever already sits at the socket path
// before the daemon binds there. A live daemon's socket is never stolen; a stale
// socket (nobody accepts on it) is removed; anything that is not a socket is left
// alone and reported. Stateless; thread-safe.
#if canImport(Glibc)
import Glibc
#endif

/// Pre-bind check of a Unix socket path.
enum SocketPathGuard {
    /// The outcome of inspecting the path.
    enum Verdict: Equatable {
        /// Nothing is there.
        case free
        /// A socket file nobody listens on was there and has been removed.
        case removedStale
    }

    /// Makes the path ready for `bind`, or throws a ``ServerError`` saying why not.
    static func prepare(path: String) throws(ServerError) -> Verdict {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return .free }
            throw ServerError(.socketPath, "cannot inspect socket path \(path): \(String(cString: strerror(errno)))")
        }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw ServerError(.socketPath, "\(path) exists and is not a socket; refusing to replace it")
        }
        switch probe(path: path) {
        case 0:
            throw ServerError(
                .socketInUse,
                "another process (a running reportd?) is accepting connections on \(path); stop it or choose another --socket"
            )
        case ECONNREFUSED:
            if unlink(path) != 0 && errno != ENOENT {
                throw ServerError(.socketPath, "cannot remove stale socket \(path): \(String(cString: strerror(errno)))")
            }
            return .removedStale
        case let code:
            throw ServerError(.socketPath, "cannot check socket \(path): \(String(cString: strerror(code)))")
        }
    }

    /// Tries to connect; returns 0 on success or the errno of the failure.
    private static func probe(path: String) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return errno }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return ENAMETOOLONG }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0 ? 0 : errno
    }
}
