// ProcessMemory: the daemon's resident set size, read from /proc/self/statm, for
// STATS and for sd_notify STATUS=. Stateless; thread-safe.
#if canImport(Glibc)
import Glibc
#endif

/// Reads this process's memory figures.
public enum ProcessMemory {
    /// Resident set size in bytes, or 0 where /proc is unavailable.
    public static func residentBytes() -> UInt64 {
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return 0 }
        // statm: "size resident shared text lib data dt", in pages.
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = UInt64(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
