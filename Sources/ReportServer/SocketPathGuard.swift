// SocketPathGuard: decides what to do with whatever already sits at the socket path
// before the daemon binds there. A live daemon's socket is never stolen; a stale
// socket (nobody accepts on it) is removed; anything that is not a socket is left
// alone and reported. Stateless; thread-safe.
#if canImport(Glibc)
import Glibc
#endif
import ServiceSupport

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
        switch UnixStreamConnector.connect(path: path) {
        case .success(let fd):
            close(fd)
            return 0
        case .failure(let error):
            return error.errno ?? EINVAL
        }
    }
}
