// UnixSocket: a connected, blocking AF_UNIX stream socket owned by exactly one
// caller. It only moves bytes; framing lives in ReportConnection. Not thread-safe:
// one thread at a time (reportctl and the benchmark use one connection per thread).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A blocking Unix-domain stream socket.
final class UnixSocket {
    private var fd: Int32

    /// Connects to `path`.
    /// - Throws: ``ClientError`` `.cannotConnect` naming the path and the OS reason.
    init(path: String) throws(ClientError) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let pathBytes = Array(path.utf8)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw ClientError(.cannotConnect, "socket path '\(path)' is empty or longer than \(capacity - 1) bytes")
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else {
            throw ClientError(.cannotConnect, "cannot create a socket: \(String(cString: strerror(errno)))")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw ClientError(.cannotConnect, "cannot connect to reportd at \(path): \(reason)")
        }
        self.fd = fd
    }

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
            throw ClientError(.connectionClosed, "read from reportd failed: \(String(cString: strerror(errno)))")
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
