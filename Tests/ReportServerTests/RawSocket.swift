// RawSocket: a bare Unix stream socket for tests that must send bytes no well-behaved
// client would (bad magic, oversized lengths, truncated frames) and read the raw reply.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A blocking socket with a receive timeout.
final class RawSocket: @unchecked Sendable {
    private var fd: Int32

    init(path: String, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket() failed") }
        guard Self.connect(fd, to: path) == 0 else {
            Glibc.close(fd)
            throw TestFailure("connect(\(path)) failed: \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close() }

    func close() {
        if fd >= 0 {
            // shutdown first: it wakes a thread blocked in send on this socket.
            shutdown(fd, Int32(SHUT_RDWR))
            Glibc.close(fd)
            fd = -1
        }
    }

    /// shutdown(SHUT_WR): tells the server no more requests come (what `printf … | socat` does).
    func shutdownWrite() {
        shutdown(fd, Int32(SHUT_WR))
    }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads exactly `count` bytes, or fewer if the peer closes or the timeout passes.
    func receive(_ count: Int) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(count, 1))
        while out.count < count {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, count - out.count, 0) }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    /// True when the peer has closed the connection, even if bytes we sent were still unread
    /// then (the kernel reports that as ECONNRESET); false when the receive timeout passes.
    func peerClosedOrReset() -> Bool {
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        return n == 0 || (n < 0 && (errno == ECONNRESET || errno == EPIPE))
    }

    /// True when the peer has closed the connection (recv returns 0).
    func peerClosed() -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, 0) == 0
    }
}

extension RawSocket {
    /// connect(2) of `fd` to the Unix socket at `path`: 0, or -1 with errno set.
    static func connect(_ fd: Int32, to path: String) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Makes `count` non-blocking connects to `path` (at most net.core.somaxconn, which caps any
    /// backlog) and closes them; returns how many failed and how many were tried. With the server
    /// stopped, a connect succeeds only while the listen backlog has room.
    static func burstOfConnects(path: String, count: Int) throws -> (failed: Int, tried: Int) {
        let cap = (try? String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? count
        let tried = min(count, cap)
        var descriptors: [Int32] = []
        defer { for fd in descriptors { Glibc.close(fd) } }
        var failed = 0
        for _ in 0..<tried {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { throw TestFailure("socket() failed: \(String(cString: strerror(errno)))") }
            descriptors.append(fd)
            if connect(fd, to: path) != 0 { failed += 1 }
        }
        return (failed, tried)
    }
}
