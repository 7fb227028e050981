// Tests for PeerCredentials: a socketpair's peer is this very process.
import Glibc
import Testing

@testable import ServiceSupport

@Suite("PeerCredentials")
struct PeerCredentialsTests {
    @Test("a socketpair reports our own pid, uid and gid")
    func socketpairPeer() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer {
            close(pair[0])
            close(pair[1])
        }
        let credentials = try PeerCredentials.of(fileDescriptor: pair[0])
        #expect(credentials == PeerCredentials(pid: getpid(), uid: geteuid(), gid: getegid()))
        #expect(credentials.description == "pid=\(getpid()) uid=\(geteuid()) gid=\(getegid())")
    }

    @Test("a pipe has no peer credentials")
    func notASocket() throws {
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)
        defer {
            close(ends[0])
            close(ends[1])
        }
        let error = try #require(throws: ServiceSupportError.self) { try PeerCredentials.of(fileDescriptor: ends[0]) }
        #expect(error.code == .systemCallFailed)
        #expect(error.errno == ENOTSOCK)
    }
}
