// FileSystem: the directory-level calls the durability rules need: list, rename, unlink, and
// fsync of a directory so that a rename or unlink is itself durable. Stateless; safe anywhere.
import Glibc

/// Directory operations with errors that carry the path.
enum FileSystem {
    /// Names in `directory` (no "." or "..").
    static func list(_ directory: String) throws -> [String] {
        guard let dir = opendir(directory) else {
            throw DurabilityError.system("opendir", path: directory, errno: errno)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates `directory` (one level) if it does not exist.
    static func createDirectory(_ directory: String) throws {
        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw DurabilityError.system("mkdir", path: directory, errno: errno)
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Size of the file at `path`, or nil when it does not exist.
    static func size(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_size) : nil
    }

    /// rename(2): atomically replaces `to` with `from`.
    static func rename(_ from: String, to: String) throws {
        guard Glibc.rename(from, to) == 0 else {
            throw DurabilityError.system("rename to \(to)", path: from, errno: errno)
        }
    }

    /// unlink(2); a file already gone is not an error.
    static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw DurabilityError.system("unlink", path: path, errno: errno) }
    }

    /// fsync on the directory itself, making creations, renames and unlinks in it durable.
    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DurabilityError.system("open directory", path: directory, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw DurabilityError.system("fsync directory", path: directory, errno: errno) }
    }

    /// `directory/name`.
    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
