// HeapTrimmer: keeps glibc's heap from holding on to memory the store has freed. `trim()`
// returns free heap pages to the OS (`malloc_trim(0)`): after an import, and after the
// background jobs that free large buffers (index flushes and merges, recompression,
// compaction, snapshots). Without it, a daemon that took 10,000 PUTs kept ~150 MB of freed
// memory in its malloc arenas. `tuneForLongRunningProcess()` caps the arenas at two and fixes
// the mmap threshold at 128 KiB (glibc otherwise raises it after each large free, so later
// large buffers land in the heap and stay there after they are freed). Both are looked up
// with dlsym because the Glibc module does not export <malloc.h>; no-ops where absent.
// Stateless; safe from any thread.
#if canImport(Glibc)
import Glibc
#endif

/// Returns free heap pages to the operating system where the C library allows it.
public enum HeapTrimmer {
    #if canImport(Glibc)
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
    private static let mallocTrim: MallocTrim? = symbol("malloc_trim")
    private static let mallopt: Mallopt? = symbol("mallopt")

    private static func symbol<T>(_ name: String) -> T? {
        guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(address, to: T.self)
    }
    #endif

    /// Calls `malloc_trim(0)` when available.
    public static func trim() {
        #if canImport(Glibc)
        _ = mallocTrim?(0)
        #endif
    }

    /// For a daemon: at most two malloc arenas and a fixed 128 KiB mmap threshold (glibc's
    /// M_ARENA_MAX = -8, M_MMAP_THRESHOLD = -3). Call once, early, before threads start.
    public static func tuneForLongRunningProcess() {
        #if canImport(Glibc)
        _ = mallopt?(-8, 2)
        _ = mallopt?(-3, 128 << 10)
        #endif
    }
}
