// DataDirectoryLayout: the file names in a data directory and what a listing of it holds
// (docs/DURABILITY.md, "Files"). A value type; safe anywhere.
//
//     LOCK                                   flock; holds the owner's PID
//     imports.rdimp                          fingerprints of the source reports last imported
//     snapshot-<generation, 20 digits>.rdsnap
//     snapshot-<generation>.rdsnap.tmp       a snapshot being written (never authoritative)
//     log-<generation, 20 digits>.rdlog      the writes since snapshot <generation>
//     <any of these>.damaged-<UTC time>      moved aside by --repair; never read, never deleted
//     log-<generation>.rdlog.torn-<UTC time> a torn tail cut off at startup; kept for the operator
import Foundation
import Glibc

/// Names and a parsed listing of a data directory.
struct DataDirectoryLayout {
    let directory: String
    /// Generations of snapshot files present, ascending.
    var snapshots: [UInt64] = []
    /// Generations of log files present, ascending.
    var logs: [UInt64] = []
    /// Leftover snapshot temporary files.
    var temporaries: [String] = []

    static let lockName = "LOCK"
    static let importLedgerName = "imports.rdimp"

    static func snapshotName(_ generation: UInt64) -> String { "snapshot-\(padded(generation)).rdsnap" }
    static func logName(_ generation: UInt64) -> String { "log-\(padded(generation)).rdlog" }

    func snapshotPath(_ generation: UInt64) -> String { FileSystem.join(directory, Self.snapshotName(generation)) }
    func logPath(_ generation: UInt64) -> String { FileSystem.join(directory, Self.logName(generation)) }

    /// Names only, no listing.
    init(directory: String) { self.directory = directory }

    /// Lists `directory`.
    init(scanning directory: String) throws {
        self.directory = directory
        for name in try FileSystem.list(directory) {
            if let generation = Self.generation(in: name, prefix: "snapshot-", suffix: ".rdsnap") {
                snapshots.append(generation)
            } else if let generation = Self.generation(in: name, prefix: "log-", suffix: ".rdlog") {
                logs.append(generation)
            } else if name.hasPrefix("snapshot-"), name.hasSuffix(".rdsnap.tmp") {
                temporaries.append(FileSystem.join(directory, name))
            }
        }
        snapshots.sort()
        logs.sort()
        temporaries.sort()
    }

    private static func generation(in name: String, prefix: String, suffix: String) -> UInt64? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix) else { return nil }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.count == 20, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    private static func padded(_ generation: UInt64) -> String {
        let digits = String(generation)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }

    /// A path next to `path` for moving it aside: `path.<tag>-<UTC yyyymmddThhmmssZ>`, with a
    /// counter added if that exists already.
    static func asidePath(for path: String, tag: String) -> String {
        var now = time(nil)
        var parts = tm()
        gmtime_r(&now, &parts)
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
        var candidate = "\(path).\(tag)-\(stamp)"
        var counter = 1
        while FileSystem.exists(candidate) {
            candidate = "\(path).\(tag)-\(stamp)-\(counter)"
            counter += 1
        }
        return candidate
    }
}
