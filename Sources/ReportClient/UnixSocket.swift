// UnixSocket: a connected, blocking AF_UNIX stream socket owned by exactly one
// caller. It only moves bytes; framing lives in ReportConnection. Not thread-safe:
// one thread at a time (reportctl and the benchmark use one connection per thread).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ServiceSupport

/// A blocking Unix-domain stream socket.
final class UnixSocket {
    private var fd: Int32
    /// Seconds a read or write may block before it fails with `.timedOut`; nil: forever.
    let timeout: Double?

    /// Connects to `path`.
    /// - Throws: ``ClientError`` `.cannotConnect` naming the path and the OS reason.
    init(path: String, timeout: Double? = nil) throws(ClientError) {
        self.timeout = timeout
        // Say so in words rather than as an errno.
        let limit = UnixStreamConnector.maxPathBytes
        guard !path.isEmpty else { throw ClientError(.cannotConnect, "cannot connect to reportd: the socket path is empty") }
        guard path.utf8.count <= limit else {
            throw ClientError(
                .cannotConnect,
                "cannot connect to reportd at \(path): the path is \(path.utf8.count) bytes; a Unix socket path holds at most \(limit) bytes (use a shorter path, e.g. a symlink to its directory)")
        }
        switch UnixStreamConnector.connect(path: path) {
        case .success(let fd):
            self.fd = fd
            if let timeout {
                var value = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
                for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
                    _ = setsockopt(fd, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
                }
            }
        case .failure(let error):
            let reason = error.errno.map { Self.explained($0, path: path) } ?? error.message
            throw ClientError(.cannotConnect, "cannot connect to reportd at \(path): \(reason)")
        }
    }

    /// Why connecting to `path` failed with `code`, and what to do about it, as a person at a
    /// terminal needs it: the OS's words alone say "Connection refused" for a regular file.
    static func explained(_ code: Int32, path: String) -> String {
        let reason = String(cString: strerror(code))
        var info = stat()
        let found = stat(path, &info) == 0
        let kind = info.st_mode & S_IFMT
        switch code {
        case ENOENT:
            return "\(reason) (is reportd running? Its --socket and reportctl's --socket or $REPORTD_SOCKET must name the same path)"
        case ECONNREFUSED where found && kind != S_IFSOCK:
            let what = kind == S_IFDIR ? "a directory" : kind == S_IFREG ? "a regular file" : "a file"
            return "it is \(what), not a socket (is this the path reportd was started with, as --socket?)"
        case ECONNREFUSED:
            return "\(reason) (nothing accepts on the socket: is reportd running? It may have stopped without removing it)"
        case EACCES where found && kind == S_IFSOCK:
            let mode = String(info.st_mode & 0o777, radix: 8)
            return "\(reason) (connecting needs write permission on the socket, mode 0\(mode) of group \(groupName(info.st_gid)): join that group, or ask reportd's administrator)"
        default:
            return reason
        }
    }

    /// The name of group `gid`, or the number when it has none.
    private static func groupName(_ gid: gid_t) -> String {
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getgrgid_r(gid, &entry, &buffer, buffer.count, &result) == 0, result != nil, let name = entry.gr_name else {
            return String(gid)
        }
        return String(cString: name)
    }

    /// The descriptor, for poll(2); -1 once closed.
    var fileDescriptor: Int32 { fd }

    deinit {
        if fd >= 0 { close(fd) }
    }

    /// Writes all of `bytes`, retrying on short writes and EINTR.
    func writeAll(_ bytes: UnsafeRawBufferPointer) throws(ClientError) {
        var offset = 0
        while offset < bytes.count {
            let n = send(fd, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw timedOut("could not send to reportd") }
                throw ClientError(.connectionClosed, "write to reportd failed: \(String(cString: strerror(errno)))")
            }
            offset += n
        }
    }

    /// Reads at most `into.count` bytes; returns 0 at end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(ClientError) -> Int {
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw timedOut("no answer from reportd") }
            throw ClientError(.connectionClosed, "read from reportd failed: \(String(cString: strerror(errno)))")
        }
    }

    /// The error for a read or write that waited `timeout` seconds.
    func timedOut(_ what: String) -> ClientError {
        ClientError(.timedOut, "\(what) within \(Self.seconds(timeout ?? 0)) (--timeout)")
    }

    /// `2 s`, `0.5 s`.
    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// Whether the peer has closed (end of stream or reset), without blocking or consuming
    /// anything; false while bytes are waiting or nothing has happened.
    func peerHasClosed() -> Bool {
        guard fd >= 0 else { return true }
        var byte: UInt8 = 0
        while true {
            let n = recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT))
            if n == 0 { return true }
            if n > 0 { return false }
            if errno == EINTR { continue }
            return errno != EAGAIN && errno != EWOULDBLOCK
        }
    }

    /// Closes the socket; later calls fail with EBADF, which surfaces as `.connectionClosed`.
    func closeNow() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
    }
}
