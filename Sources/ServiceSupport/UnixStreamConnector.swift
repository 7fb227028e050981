// UnixStreamConnector: opens a blocking AF_UNIX stream socket connected to a path — the one
// place that fills a sockaddr_un for a client connection. Used by the client library and by
// the daemon's check for a live socket before it binds. Stateless; thread-safe.
import Glibc

/// Connects to a Unix-domain stream socket by path.
public enum UnixStreamConnector {
    /// Bytes a Unix-domain socket path may hold (sun_path, less its terminating NUL).
    public static let maxPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// A new close-on-exec socket connected to `path`, or the failure with its errno
    /// (ENOENT: nothing there; ECONNREFUSED: a socket file nobody accepts on; ENAMETOOLONG).
    public static func connect(path: String) -> Result<Int32, ServiceSupportError> {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard !bytes.isEmpty, bytes.count <= maxPathBytes else {
            return .failure(ServiceSupportError(
                .systemCallFailed, "socket path is empty or longer than \(maxPathBytes) bytes",
                path: path, errno: ENAMETOOLONG))
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.systemCall("socket", path: path)) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let error = ServiceSupportError.systemCall("connect", path: path)
            close(fd)
            return .failure(error)
        }
        return .success(fd)
    }
}
