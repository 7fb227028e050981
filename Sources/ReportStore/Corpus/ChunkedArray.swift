// ChunkedArray: a growable array kept as fixed-size chunks of `chunkSize` elements, so that a
// copy shares every chunk and changing one element of the copy copies one chunk (plus the
// table of chunk references) instead of the whole array. The corpus versions keep their
// per-doc tables in it: publishing a version after a PUT costs O(chunkSize + count/chunkSize)
// instead of O(count).
//
//   chunks[0] = elements 0..<512, chunks[1] = 512..<1024, ...   (all full but the last;
//   512 by default, `shift` sets the size)
//
// Invariant: every chunk but the last holds exactly `1 << shift` elements; `count` is their sum.
// A value type with copy-on-write chunks; Sendable when its elements are.

/// A copy-on-write array whose copies share fixed-size chunks.
struct ChunkedArray<Element> {
    /// log2 of the elements per chunk (9: 512, the default).
    private let shift: Int
    private var chunks: [[Element]] = []
    private(set) var count = 0

    private var chunkSize: Int { 1 << shift }

    /// An empty array whose chunks hold `1 << shift` elements: smaller chunks make a change
    /// of a copy cheaper when the elements are expensive to copy (references to retain).
    init(shift: Int = 9) {
        self.shift = shift
    }

    init(_ elements: some Sequence<Element>, shift: Int = 9) {
        self.init(shift: shift)
        for e in elements { append(e) }
    }

    init(repeating element: Element, count: Int) {
        self.init()
        var left = count
        while left > 0 {
            let n = Swift.min(left, chunkSize)
            chunks.append([Element](repeating: element, count: n))
            left -= n
        }
        self.count = count
    }

    mutating func append(_ element: Element) {
        if count & (chunkSize - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(chunkSize)
            chunk.append(element)
            chunks.append(chunk)
        } else {
            chunks[chunks.count - 1].append(element)
        }
        count += 1
    }

    /// Removes the first `n` elements: O(count - n), the elements left are copied.
    mutating func removeFirst(_ n: Int) {
        precondition(n >= 0 && n <= count, "removeFirst past the end")
        self = ChunkedArray(self[n...], shift: shift)
    }
}

extension ChunkedArray: RandomAccessCollection, MutableCollection {
    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> Element {
        get { chunks[position >> shift][position & (chunkSize - 1)] }
        set { chunks[position >> shift][position & (chunkSize - 1)] = newValue }
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}
