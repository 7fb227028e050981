// Tests for SocketActivation with explicit environments and real descriptors moved to fixed,
// high fd numbers (each test its own range, so parallel tests do not collide).
import Glibc
import Testing

@testable import ServiceSupport

@Suite("SocketActivation")
struct SocketActivationTests {
    let me = getpid()

    @Test("no LISTEN_PID means not socket-activated")
    func notActivated() throws {
        #expect(try SocketActivation.listeningSockets(environment: [:], unsetEnvironment: false).isEmpty)
    }

    @Test("LISTEN_PID without LISTEN_FDS passes nothing, as sd_listen_fds does")
    func noCount() throws {
        let environment = ["LISTEN_PID": String(me)]
        #expect(try SocketActivation.listeningSockets(environment: environment, unsetEnvironment: false).isEmpty)
    }

    @Test("LISTEN_PID of another process means the sockets are not ours")
    func otherProcess() throws {
        let environment = ["LISTEN_PID": String(me + 1), "LISTEN_FDS": "1"]
        #expect(try SocketActivation.listeningSockets(environment: environment, unsetEnvironment: false).isEmpty)
    }

    @Test("a listening Unix stream socket is adopted, with its name and FD_CLOEXEC")
    func adoptsListeningSocket() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let fd = try moveDescriptor(try listeningSocket(directory + "/s"), to: 601)
        defer { close(fd) }
        // dup2 clears FD_CLOEXEC on the target, as an exec'd child would find it.
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC == 0)

        let sockets = try SocketActivation.listeningSockets(
            environment: ["LISTEN_PID": String(me), "LISTEN_FDS": "1", "LISTEN_FDNAMES": "reportd"],
            firstFD: fd, unsetEnvironment: false)
        #expect(sockets == [SocketActivation.ListeningSocket(fileDescriptor: 601, name: "reportd")])
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0)
    }

    @Test("several consecutive fds; names default to unknown")
    func severalSockets() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let first = try moveDescriptor(try listeningSocket(directory + "/a"), to: 611)
        let second = try moveDescriptor(try listeningSocket(directory + "/b"), to: 612)
        defer {
            close(first)
            close(second)
        }
        let environment = ["LISTEN_PID": String(me), "LISTEN_FDS": "2"]
        let sockets = try SocketActivation.listeningSockets(
            environment: environment, firstFD: 611, unsetEnvironment: false)
        #expect(sockets.map(\.fileDescriptor) == [611, 612])
        #expect(sockets.map(\.name) == ["unknown", "unknown"])
        #expect(
            try SocketActivation.listeningFileDescriptors(
                environment: environment, firstFD: 611, unsetEnvironment: false) == [611, 612])
    }

    @Test("a bound but not listening socket is refused")
    func notListening() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let fd = try moveDescriptor(try boundSocket(directory + "/s", type: SOCK_STREAM), to: 621)
        defer { close(fd) }
        try expectRefused(fd, mentioning: "not listening")
    }

    @Test("a datagram socket is refused")
    func datagram() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let fd = try moveDescriptor(try boundSocket(directory + "/d", type: SOCK_DGRAM), to: 631)
        defer { close(fd) }
        try expectRefused(fd, mentioning: "SOCK_STREAM")
    }

    @Test("a pipe is refused as not a socket")
    func pipeIsNotASocket() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer { close(ends[1]) }
        let fd = try moveDescriptor(ends[0], to: 641)
        defer { close(fd) }
        try expectRefused(fd, mentioning: "not a socket")
    }

    @Test("a closed descriptor is refused")
    func closedDescriptor() throws {
        try expectRefused(651, mentioning: "not an open file descriptor")
    }

    @Test(
        "malformed variables are errors",
        arguments: [
            ["LISTEN_PID": "abc", "LISTEN_FDS": "1"],
            ["LISTEN_PID": "SELF", "LISTEN_FDS": ""],
            ["LISTEN_PID": "0", "LISTEN_FDS": "1"],
            ["LISTEN_PID": "SELF", "LISTEN_FDS": "-1"],
            ["LISTEN_PID": "SELF", "LISTEN_FDS": "2", "LISTEN_FDNAMES": "only-one"],
        ])
    func malformed(_ template: [String: String]) {
        let environment = template.mapValues { $0 == "SELF" ? String(getpid()) : $0 }
        let error = #expect(throws: ServiceSupportError.self) {
            try SocketActivation.listeningSockets(environment: environment, firstFD: 661, unsetEnvironment: false)
        }
        #expect(error?.code == .invalidEnvironment)
    }

    /// Expects `fd` to be rejected with `.notAListeningSocket` and a message containing `text`.
    private func expectRefused(_ fd: Int32, mentioning text: String) throws {
        let environment = ["LISTEN_PID": String(me), "LISTEN_FDS": "1"]
        let error = try #require(throws: ServiceSupportError.self) {
            try SocketActivation.listeningSockets(environment: environment, firstFD: fd, unsetEnvironment: false)
        }
        #expect(error.code == .notAListeningSocket)
        #expect(error.fileDescriptor == fd)
        #expect(error.description.contains(text), "\(error)")
    }
}

@Suite("SocketActivation process environment", .serialized)
struct SocketActivationEnvironmentTests {
    @Test("the LISTEN_* variables are unset so children do not inherit them")
    func unsetsVariables() throws {
        // The only test touching the real environment; the other suites pass dictionaries.
        setenv("LISTEN_PID", "1", 1)
        setenv("LISTEN_FDS", "1", 1)
        setenv("LISTEN_FDNAMES", "x", 1)
        #expect(try SocketActivation.listeningSockets().isEmpty)  // pid 1 is not us
        #expect(getenv("LISTEN_PID") == nil)
        #expect(getenv("LISTEN_FDS") == nil)
        #expect(getenv("LISTEN_FDNAMES") == nil)
    }
}
