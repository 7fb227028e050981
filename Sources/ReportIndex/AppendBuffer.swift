// AppendBuffer: a growable buffer of plain values for the decoders' hot loops. Appending checks
// only the capacity — an Array's append also checks that its storage is uniquely referenced, which
// costs as much as decoding a position — and the result is copied into an Array once, at the end.
// Invariant: storage[0..<count] initialised, count <= capacity. Noncopyable, so the storage has one
// owner and is freed exactly once; used by one thread.

/// Values appended in order, handed over as an Array.
struct AppendBuffer<Element: BitwiseCopyable>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(16, capacity)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    @inline(__always)
    mutating func append(_ value: Element) {
        if count == capacity { grow() }
        storage[count] = value
        count &+= 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.initialize(from: storage, count: count)
        storage.deallocate()
        storage = larger
        capacity *= 2
    }

    /// The values appended, as an Array.
    func array() -> [Element] {
        Array(UnsafeBufferPointer(start: storage, count: count))
    }
}
