// ArenaChunk: one fixed-size block of memory holding compressed report units back to back.
//
//   [unit 0][unit 1][unit 2] ... [free room]
//   0                           used       capacity
//
// Invariant: bytes below `used` never change once written, and the memory never moves, so a
// reader holding a reference to the chunk can inflate a published unit without a lock.
// `used` and the bytes above it are touched only by the store's writer, under its write lock.

#if canImport(Glibc)
import Glibc
#endif

/// An append-only block of compressed bytes.
final class ArenaChunk: @unchecked Sendable {
    // @unchecked: the only mutation (append) happens under ReportStore's write lock, above every
    // published offset; published bytes are immutable.
    let base: UnsafeMutableRawPointer
    let capacity: Int
    private(set) var used = 0
    private let mapped: Bool

    /// Chunks this big get their own anonymous mapping: the memory is then exactly the
    /// store's, and goes back to the OS the moment the chunk dies, whatever malloc's
    /// (dynamic) mmap threshold has grown to during the import.
    static let mapThreshold = 256 << 10

    init(capacity: Int) {
        self.capacity = capacity
        #if canImport(Glibc)
        if capacity >= Self.mapThreshold,
            let p = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            p != MAP_FAILED
        {
            base = p
            mapped = true
            return
        }
        #endif
        base = .allocate(byteCount: max(capacity, 1), alignment: 16)
        mapped = false
    }

    deinit {
        #if canImport(Glibc)
        if mapped {
            munmap(base, capacity)
            return
        }
        #endif
        base.deallocate()
    }

    var free: Int { capacity - used }

    /// Copies `bytes` to the end; the caller checked `free`. Returns their offset.
    func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        precondition(bytes.count <= free, "ArenaChunk overflow")
        let offset = used
        if let src = bytes.baseAddress, bytes.count > 0 {
            (base + offset).copyMemory(from: src, byteCount: bytes.count)
        }
        used += bytes.count
        return offset
    }

    /// The bytes of one unit.
    func bytes(at offset: Int, count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + offset, count: count)
    }
}
