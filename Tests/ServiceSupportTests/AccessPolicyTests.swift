// Tests for AccessPolicy and the name lookups behind it (root and group root exist everywhere).
import Glibc
import Testing

@testable import ServiceSupport

@Suite("AccessPolicy")
struct AccessPolicyTests {
    func peer(uid: uid_t, gid: gid_t) -> PeerCredentials { PeerCredentials(pid: 100, uid: uid, gid: gid) }

    @Test("the default policy admits root and the daemon's uid only")
    func defaultPolicy() {
        let policy = AccessPolicy.default(daemonUID: 998)
        #expect(policy.permitsWrites(peer(uid: 0, gid: 5000)))
        #expect(policy.permitsWrites(peer(uid: 998, gid: 5000)))
        #expect(!policy.permitsWrites(peer(uid: 1000, gid: 1000)))
        #expect(AccessPolicy.default().allowedUIDs == [0, geteuid()])
    }

    @Test("listed uids and primary gids are admitted; others are not")
    func explicitPolicy() {
        let policy = AccessPolicy(allowedUIDs: [1001], allowedGIDs: [2000])
        #expect(policy.permitsWrites(peer(uid: 1001, gid: 1)))
        #expect(policy.permitsWrites(peer(uid: 1500, gid: 2000)))
        #expect(!policy.permitsWrites(peer(uid: 0, gid: 0)))  // nothing implicit in init
        #expect(!policy.permitsWrites(peer(uid: 1500, gid: 2001)))
    }

    @Test("names and numeric ids resolve, on top of the default")
    func resolving() throws {
        let policy = try AccessPolicy.resolving(
            writeUsers: ["root", "1234"], writeGroups: ["root", "4321"], daemonUID: 998)
        #expect(policy.allowedUIDs == [0, 998, 1234])
        #expect(policy.allowedGIDs == [0, 4321])
        #expect(policy.permitsWrites(peer(uid: 5000, gid: 4321)))
    }

    @Test("unknown names are errors naming the name")
    func unknownNames() throws {
        let user = try #require(throws: ServiceSupportError.self) {
            try AccessPolicy.resolving(writeUsers: ["no-such-user-reportd-test"], writeGroups: [])
        }
        #expect(user.code == .unknownUser)
        #expect(user.description.contains("no-such-user-reportd-test"))
        let group = try #require(throws: ServiceSupportError.self) {
            try AccessPolicy.resolving(writeUsers: [], writeGroups: ["no-such-group-reportd-test"])
        }
        #expect(group.code == .unknownGroup)
    }

    @Test("SystemAccounts agrees with getpwuid for the current user")
    func currentUser() throws {
        let entry = try #require(getpwuid(geteuid()))
        let name = String(cString: entry.pointee.pw_name)
        #expect(try SystemAccounts.userID(named: name) == geteuid())
        let group = try #require(getgrgid(entry.pointee.pw_gid))
        #expect(try SystemAccounts.groupID(named: String(cString: group.pointee.gr_name)) == entry.pointee.pw_gid)
    }
}
