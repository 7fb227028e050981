// Tests for PeerCredentials as a value. Reading them from a socket is ReportServer's job (one
// SO_PEERCRED read per accepted connection), tested against the real daemon with setpriv in
// SystemdTests.peerCredentialsGateAdminRequests and LimitTests.reservedSlots.
import Glibc
import Testing

@testable import ServiceSupport

@Suite("PeerCredentials")
struct PeerCredentialsTests {
    @Test("credentials print as pid, uid and gid, and compare by value")
    func description() {
        let credentials = PeerCredentials(pid: 42, uid: 1000, gid: 100)
        #expect(credentials.description == "pid=42 uid=1000 gid=100")
        #expect(credentials == PeerCredentials(pid: 42, uid: 1000, gid: 100))
        #expect(credentials != PeerCredentials(pid: 42, uid: 0, gid: 100))
    }
}
