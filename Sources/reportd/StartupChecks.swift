// StartupChecks: everything about the environment a start depends on, checked before
// anything is imported — so a start fails in milliseconds with every reason at once, and
// `--check-config` tells the truth about whether a start would work. Checked: the socket's
// group and the write users and groups exist; every import path exists and is readable; the
// data directory (or, if it is still to be made, its parent) is writable; the socket's
// directory exists and is writable and no live reportd is serving the socket; the size limits
// agree with each other (`limitProblems`). The server checks the socket again when it binds;
// these checks only move the failure earlier.
// Stateless; the checks read the file system and the account databases.
import Glibc
import ServiceSupport

/// One reason a start would fail.
struct StartupProblem: CustomStringConvertible {
    let description: String
    /// The exit status a start ends with for this problem (DaemonDefaults).
    let exitCode: Int32
}

/// The checks reportd runs before it imports anything.
enum StartupChecks {
    /// Every problem found, in the order of the config file's keys; empty when a start can go on.
    /// - Parameter socketInherited: systemd passed the listening socket: reportd neither binds
    ///   the path nor sets its group (reportd.socket's SocketGroup= applies).
    static func problems(_ settings: DaemonSettings, socketInherited: Bool) -> [StartupProblem] {
        var problems: [StartupProblem] = []
        func configuration(_ message: String) {
            problems.append(StartupProblem(description: message, exitCode: DaemonDefaults.exitConfiguration))
        }
        if !socketInherited {
            problems += socketProblems(settings.socket)
            if let group = settings.socketGroup {
                do { _ = try SystemAccounts.groupID(named: group) } catch { configuration("socket-group: \(error)") }
            }
        }
        problems += importProblems(settings.imports)
        for problem in limitProblems(settings) { configuration(problem) }
        for user in settings.writeUsers {
            do { _ = try SystemAccounts.userID(named: user) } catch { configuration("write-users: \(error)") }
        }
        for group in settings.writeGroups {
            do { _ = try SystemAccounts.groupID(named: group) } catch { configuration("write-groups: \(error)") }
        }
        if let directory = settings.dataDirectory, let problem = dataDirectoryProblem(directory) {
            configuration("data-dir \(directory): \(problem)")
        }
        return problems
    }

    /// The smallest `max-frame-bytes`: every answer that is not a list — DICTIONARY's (a dictionary
    /// is at most 32 KiB), STATS, HELLO, every error — then fits in one frame (PROTOCOL.md §5.6, §7).
    static let minimumFrameBytes = 64 << 10
    /// Bytes of a PUT body besides the text: the id's u16 length, the longest id (255 bytes), the
    /// text's u32 length. A GET answer of the same text needs fewer (status, kind, u32 length).
    static let putOverheadBytes = 2 + 255 + 4

    /// Why the size limits contradict each other: a report of `max-report-bytes` must fit in a PUT
    /// frame and in a GET answer, and `max-frame-bytes` must hold the answers that are not lists.
    static func limitProblems(_ settings: DaemonSettings) -> [String] {
        var problems: [String] = []
        let frame = Int(settings.maxFrameBytes)
        if frame < minimumFrameBytes {
            problems.append(
                "max-frame-bytes \(frame) is below the minimum of \(minimumFrameBytes) (64k): DICTIONARY's answer (up to 32 KiB) and STATS must fit in one frame")
        }
        let needed = settings.maxReportBytes + putOverheadBytes
        if needed > frame {
            problems.append(
                "max-report-bytes \(settings.maxReportBytes) does not fit in max-frame-bytes \(frame): a PUT of a report that size with a 255-byte id is a \(needed)-byte frame body; raise max-frame-bytes to at least \(needed) or lower max-report-bytes to at most \(max(0, frame - putOverheadBytes))")
        }
        if settings.maxQueuedBytesTotal < settings.maxQueuedBytes {
            problems.append(
                "max-queued-bytes-total \(settings.maxQueuedBytesTotal) is below max-queued-bytes \(settings.maxQueuedBytes): one client's allowance would exceed all clients' together; raise max-queued-bytes-total or lower max-queued-bytes")
        }
        return problems
    }

    /// Why reportd could not serve `path`: it is too long, its directory is missing or read-only,
    /// or a live process accepts connections on it.
    private static func socketProblems(_ path: String) -> [StartupProblem] {
        if path.utf8.count > UnixStreamConnector.maxPathBytes {
            return [StartupProblem(
                description: "socket \(path): the path is \(path.utf8.count) bytes; a Unix socket path holds at most \(UnixStreamConnector.maxPathBytes) (choose a shorter --socket)",
                exitCode: DaemonDefaults.exitConfiguration)]
        }
        let directory = parent(of: path)
        guard isDirectory(directory) else {
            return [StartupProblem(
                description: "socket \(path): the directory \(directory) does not exist", exitCode: DaemonDefaults.exitCannotServe)]
        }
        if case .success(let fd) = UnixStreamConnector.connect(path: path) {
            close(fd)
            return [StartupProblem(
                description: "socket \(path): another process is serving it (a running reportd?); stop it or choose another --socket",
                exitCode: DaemonDefaults.exitCannotServe)]
        }
        if faccessat(AT_FDCWD, directory, W_OK | X_OK, AT_EACCESS) != 0 {
            return [StartupProblem(
                description: "socket \(path): cannot create it: \(directory) is not writable (\(String(cString: strerror(errno))))",
                exitCode: DaemonDefaults.exitCannotServe)]
        }
        return []
    }

    /// The import paths that do not exist or cannot be read (`-`, stdin, is not checked); a
    /// reload runs this too, so it never swaps in a corpus that silently lost a directory.
    static func importProblems(_ paths: [String]) -> [StartupProblem] {
        paths.filter { $0 != "-" }.compactMap { path in
            importProblem(path).map {
                StartupProblem(description: "import \(path): \($0)", exitCode: DaemonDefaults.exitConfiguration)
            }
        }
    }

    /// Why `path` cannot be imported, or nil.
    private static func importProblem(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            return errno == ENOENT ? "does not exist" : String(cString: strerror(errno))
        }
        let mode = (info.st_mode & S_IFMT) == S_IFDIR ? R_OK | X_OK : R_OK
        if faccessat(AT_FDCWD, path, mode, AT_EACCESS) != 0 {
            return "not readable by this user (\(String(cString: strerror(errno))))"
        }
        return nil
    }

    /// Why reportd could not keep its data in `directory`, or nil. A missing directory is made
    /// at start (one level), so then its parent must be writable.
    private static func dataDirectoryProblem(_ directory: String) -> String? {
        var info = stat()
        if stat(directory, &info) == 0 {
            guard (info.st_mode & S_IFMT) == S_IFDIR else { return "not a directory" }
            if faccessat(AT_FDCWD, directory, R_OK | W_OK | X_OK, AT_EACCESS) != 0 {
                return "not writable by this user (\(String(cString: strerror(errno))))"
            }
            return nil
        }
        let above = parent(of: directory)
        guard isDirectory(above) else { return "does not exist, nor does \(above)" }
        if faccessat(AT_FDCWD, above, W_OK | X_OK, AT_EACCESS) != 0 {
            return "does not exist and cannot be created: \(above) is not writable"
        }
        return nil
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
