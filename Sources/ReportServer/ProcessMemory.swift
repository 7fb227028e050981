// ProcessMemory: the daemon's resident set size, read from /proc/self/statm, for
// STATS and for sd_notify STATUS=. Stateless; thread-safe.
#if canImport(Glibc)
import Glibc
#endif

/// Reads this process's memory figures.
public enum ProcessMemory {
    /// Resident set size in bytes, or 0 where /proc is unavailable.
    public static func residentBytes() -> UInt64 {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var size: UInt64 = 0
        var resident: UInt64 = 0
        guard fscanf(file, "%llu %llu", &size, &resident) == 2 else { return 0 }
        return resident * UInt64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
