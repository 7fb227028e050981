// HeapTrimmer: asks glibc to return freed heap memory to the OS (`malloc_trim(0)`), so RSS
// drops after an import releases its raw-text buffers. Looked up with dlsym because the
// Glibc module does not export <malloc.h>; a no-op where the symbol does not exist.
// Stateless; safe from any thread.
#if canImport(Glibc)
import Glibc
#endif

/// Returns free heap pages to the operating system where the C library allows it.
enum HeapTrimmer {
    #if canImport(Glibc)
    private typealias MallocTrim = @convention(c) (Int) -> Int32
    private static let mallocTrim: MallocTrim? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: MallocTrim.self)
    }()
    #endif

    /// Calls `malloc_trim(0)` when available.
    static func trim() {
        #if canImport(Glibc)
        _ = mallocTrim?(0)
        #endif
    }
}
