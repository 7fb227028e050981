// Tests for UnixSocketPermissions on a socket file the test binds itself.
import Glibc
import Testing

@testable import ServiceSupport

@Suite("UnixSocketPermissions")
struct UnixSocketPermissionsTests {
    func status(_ path: String) throws -> stat {
        var info = stat()
        guard stat(path, &info) == 0 else { throw ServiceSupportError.systemCall("stat", path: path) }
        return info
    }

    @Test("sets the mode and the group (our own, by name and by gid) of a bound socket")
    func appliesModeAndGroup() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/reportd.sock"
        let fd = try listeningSocket(path)
        defer { close(fd) }

        // Our own group is one we may always chown to, root or not.
        let groupName = String(cString: try #require(getgrgid(getegid())).pointee.gr_name)
        try UnixSocketPermissions.apply(path: path, mode: 0o660, group: groupName)
        var info = try status(path)
        #expect(info.st_mode & 0o7777 == 0o660)
        #expect(info.st_mode & S_IFMT == S_IFSOCK)
        #expect(info.st_gid == getegid())

        try UnixSocketPermissions.apply(path: path, mode: 0o600, groupID: getegid())
        info = try status(path)
        #expect(info.st_mode & 0o7777 == 0o600)

        try UnixSocketPermissions.apply(path: path, mode: 0o640)
        #expect(try status(path).st_mode & 0o7777 == 0o640)
    }

    @Test("a missing path, an unknown group and impossible mode bits are errors")
    func errors() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let missing = try #require(throws: ServiceSupportError.self) {
            try UnixSocketPermissions.apply(path: directory + "/absent", mode: 0o660)
        }
        #expect(missing.errno == ENOENT)
        #expect(missing.path == directory + "/absent")

        let path = directory + "/s"
        let fd = try listeningSocket(path)
        defer { close(fd) }
        let group = try #require(throws: ServiceSupportError.self) {
            try UnixSocketPermissions.apply(path: path, mode: 0o660, group: "no-such-group-reportd-test")
        }
        #expect(group.code == .unknownGroup)
        #expect(throws: ServiceSupportError.self) { try UnixSocketPermissions.apply(path: path, mode: 0o10660) }
    }
}
