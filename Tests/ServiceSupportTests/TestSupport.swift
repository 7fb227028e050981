// TestSupport: temporary directories and Unix sockets for the ServiceSupport tests.
//
// Every helper creates its own resources under a fresh mkdtemp directory (or a unique abstract
// name), so tests can run in parallel. Sockets are closed and directories removed by the caller
// through `defer`. Failures throw, which Swift Testing records as test failures.
import Foundation
import Glibc
import Testing

@testable import ServiceSupport

/// A fresh directory under /tmp (short, so socket paths stay far below sun_path's 108 bytes).
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/svc-test-XXXXXX".utf8CString)
    guard let result = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
        throw ServiceSupportError.systemCall("mkdtemp")
    }
    return String(cString: result)
}

/// Removes a directory tree made by a test.
func removeTree(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}

/// A sockaddr_un for a path, or for an abstract name when `name` starts with "@".
func unixAddress(_ name: String) -> (sockaddr_un, socklen_t) {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    var bytes = Array(name.utf8)
    let abstract = bytes.first == UInt8(ascii: "@")
    if abstract { bytes[0] = 0 }
    withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
    let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
    return (address, socklen_t(offset + bytes.count + (abstract ? 0 : 1)))
}

/// Creates an AF_UNIX socket of `type` bound to `name` (path or @abstract).
func boundSocket(_ name: String, type: __socket_type) throws -> Int32 {
    let fd = socket(AF_UNIX, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard fd >= 0 else { throw ServiceSupportError.systemCall("socket") }
    var (address, length) = unixAddress(name)
    let status = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard status == 0 else {
        let saved = errno
        close(fd)
        throw ServiceSupportError.systemCall("bind(\(name))", errno: saved)
    }
    return fd
}

/// A listening AF_UNIX stream socket at `path`.
func listeningSocket(_ path: String) throws -> Int32 {
    let fd = try boundSocket(path, type: SOCK_STREAM)
    guard listen(fd, 8) == 0 else {
        close(fd)
        throw ServiceSupportError.systemCall("listen")
    }
    return fd
}

/// Receives one datagram (waiting at most 2 s) as text.
func receiveDatagram(_ fd: Int32) throws -> String {
    var timeout = timeval(tv_sec: 2, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var buffer = [UInt8](repeating: 0, count: 4096)
    let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    guard count >= 0 else { throw ServiceSupportError.systemCall("recv") }
    return String(decoding: buffer[0..<count], as: UTF8.self)
}

/// Moves `fd` to exactly `target` (closing the original), as systemd places sockets at 3, 4...
/// Tests use distinct high numbers that the kernel's lowest-free allocation never reaches; a
/// target already in use is an error rather than silently closed by dup2.
func moveDescriptor(_ fd: Int32, to target: Int32) throws -> Int32 {
    guard fcntl(target, F_GETFD) == -1 else {
        throw ServiceSupportError(.systemCallFailed, "test fd \(target) is already in use")
    }
    guard dup2(fd, target) == target else { throw ServiceSupportError.systemCall("dup2") }
    close(fd)
    return target
}

/// A reasonably unique suffix for abstract socket names and temp files.
func uniqueSuffix() -> String {
    "\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}

/// The repository root, derived from this file's path (Tests/ServiceSupportTests/...).
func repositoryRoot(_ file: String = #filePath) -> String {
    var parts = file.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)
    return parts.joined(separator: "/")
}
