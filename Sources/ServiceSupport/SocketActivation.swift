// SocketActivation: adopts listening sockets passed by systemd (sd_listen_fds(3) semantics).
//
// With socket activation systemd binds the socket itself (owner, group and mode from the
// .socket unit), starts the service at the first connection and passes the listening socket as
// file descriptor 3 (then 4, 5...), announced by three variables:
//
//   LISTEN_PID=<pid>        the fds are meant for this process only (not for a wrapper's child)
//   LISTEN_FDS=<n>          how many fds, starting at SD_LISTEN_FDS_START = 3
//   LISTEN_FDNAMES=a:b      optional, colon-separated FileDescriptorName= of each fd
//
// Every fd is checked to be a listening AF_UNIX SOCK_STREAM socket and gets FD_CLOEXEC, so it
// does not leak into children. A caseless enum of static functions; it touches the process
// environment only when asked to unset, so call it once, during start-up.
import Glibc

/// Finds and validates the listening sockets systemd passed to this process.
public enum SocketActivation {
    /// The first file descriptor systemd passes (SD_LISTEN_FDS_START).
    public static let firstFileDescriptor: Int32 = 3

    /// The variables of the protocol; unset after reading so children do not inherit them.
    public static let environmentVariables = ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"]

    /// One inherited listening socket.
    public struct ListeningSocket: Sendable, Equatable {
        /// The file descriptor, ready for accept(2) or for adoption by an event loop.
        public let fileDescriptor: Int32
        /// Its `FileDescriptorName=`, or "unknown" when systemd sent no names (as libsystemd does).
        public let name: String
    }

    /// The listening sockets passed by systemd, or an empty array when not socket-activated.
    ///
    /// - Parameters:
    ///   - environment: explicit variables (tests); nil reads the process environment.
    ///   - pid: this process's id, compared with LISTEN_PID; defaults to getpid().
    ///   - firstFD: where the fds start; 3 under systemd, anything in tests.
    ///   - unsetEnvironment: remove the LISTEN_* variables from the process environment
    ///     (whatever the outcome) so child processes do not see them.
    /// - Throws: `ServiceSupportError` `.invalidEnvironment` for malformed variables,
    ///   `.notAListeningSocket` for an fd that is not a listening AF_UNIX stream socket.
    public static func listeningSockets(
        environment: [String: String]? = nil,
        pid: pid_t = getpid(),
        firstFD: Int32 = firstFileDescriptor,
        unsetEnvironment: Bool = true
    ) throws -> [ListeningSocket] {
        let values = environment ?? ProcessEnvironment.values(of: environmentVariables)
        if unsetEnvironment {
            ProcessEnvironment.unset(environmentVariables)
        }

        guard let pidText = values["LISTEN_PID"] else { return [] }
        guard let listenPID = pid_t(pidText), listenPID > 0 else {
            throw ServiceSupportError(.invalidEnvironment, "LISTEN_PID=\(pidText.debugDescription) is not a process id")
        }
        // The sockets were passed to another process (we are its child): not ours.
        guard listenPID == pid else { return [] }

        // Like sd_listen_fds: LISTEN_PID without LISTEN_FDS passes nothing.
        guard let countText = values["LISTEN_FDS"] else { return [] }
        guard let count = Int32(countText), count >= 0, count <= Int32.max - firstFD else {
            throw ServiceSupportError(
                .invalidEnvironment, "LISTEN_FDS=\(countText.debugDescription) is not a file descriptor count")
        }
        let names = try fileDescriptorNames(values["LISTEN_FDNAMES"], count: Int(count))

        var sockets: [ListeningSocket] = []
        for index in 0..<count {
            let fd = firstFD + index
            try validateListeningUnixStream(fd)
            try setCloseOnExec(fd)
            sockets.append(ListeningSocket(fileDescriptor: fd, name: names[Int(index)]))
        }
        return sockets
    }

    /// The file descriptors only, for callers that ignore names.
    public static func listeningFileDescriptors(
        environment: [String: String]? = nil, pid: pid_t = getpid(), firstFD: Int32 = firstFileDescriptor,
        unsetEnvironment: Bool = true
    ) throws -> [Int32] {
        try listeningSockets(environment: environment, pid: pid, firstFD: firstFD, unsetEnvironment: unsetEnvironment)
            .map(\.fileDescriptor)
    }

    /// Splits LISTEN_FDNAMES; its entry count must match LISTEN_FDS (libsystemd says -EINVAL too).
    private static func fileDescriptorNames(_ text: String?, count: Int) throws -> [String] {
        guard let text else { return Array(repeating: "unknown", count: count) }
        let names = count == 0 && text.isEmpty ? [] : text.split(separator: ":", omittingEmptySubsequences: false)
        guard names.count == count else {
            throw ServiceSupportError(
                .invalidEnvironment, "LISTEN_FDNAMES has \(names.count) names but LISTEN_FDS is \(count)")
        }
        return names.map(String.init)
    }

    /// Throws unless `fd` is an open, listening, AF_UNIX, SOCK_STREAM socket.
    static func validateListeningUnixStream(_ fd: Int32) throws {
        guard fcntl(fd, F_GETFD) >= 0 else {
            throw ServiceSupportError(
                .notAListeningSocket, "not an open file descriptor", fileDescriptor: fd, errno: errno)
        }
        var type: Int32 = 0
        guard getIntOption(fd, SO_TYPE, into: &type) else {
            // ENOTSOCK is the common case: systemd passed a file or a pipe (Accept=, Sockets= mix-up).
            throw ServiceSupportError(.notAListeningSocket, "not a socket", fileDescriptor: fd, errno: errno)
        }
        guard type == Int32(SOCK_STREAM.rawValue) else {
            throw ServiceSupportError(
                .notAListeningSocket, "socket type \(type) is not SOCK_STREAM (use ListenStream=)", fileDescriptor: fd)
        }
        var family = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &family) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ServiceSupportError.systemCall("getsockname", fileDescriptor: fd) }
        guard family.ss_family == sa_family_t(AF_UNIX) else {
            throw ServiceSupportError(
                .notAListeningSocket, "address family \(family.ss_family) is not AF_UNIX", fileDescriptor: fd)
        }
        var listening: Int32 = 0
        guard getIntOption(fd, SO_ACCEPTCONN, into: &listening) else {
            throw ServiceSupportError.systemCall("getsockopt(SO_ACCEPTCONN)", fileDescriptor: fd)
        }
        guard listening != 0 else {
            // Accept=yes would pass a connected socket; reportd needs Accept=no.
            throw ServiceSupportError(
                .notAListeningSocket, "socket is not listening (is the unit Accept=no?)", fileDescriptor: fd)
        }
    }

    /// Reads an int-valued SOL_SOCKET option; false (errno set) on failure.
    private static func getIntOption(_ fd: Int32, _ option: Int32, into value: inout Int32) -> Bool {
        var length = socklen_t(MemoryLayout<Int32>.size)
        return getsockopt(fd, SOL_SOCKET, option, &value, &length) == 0
    }

    /// Sets FD_CLOEXEC, keeping the other descriptor flags.
    private static func setCloseOnExec(_ fd: Int32) throws {
        let flags = fcntl(fd, F_GETFD)
        guard flags >= 0, fcntl(fd, F_SETFD, flags | FD_CLOEXEC) == 0 else {
            throw ServiceSupportError.systemCall("fcntl(F_SETFD, FD_CLOEXEC)", fileDescriptor: fd)
        }
    }
}
