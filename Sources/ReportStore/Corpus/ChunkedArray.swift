// ChunkedArray: a growable array kept as fixed-size chunks of `chunkSize` elements, so that a
// copy shares every chunk and changing one element of the copy copies one chunk (plus the
// table of chunk references) instead of the whole array. The corpus versions keep their
// per-doc tables in it: publishing a version after a PUT costs O(chunkSize + count/chunkSize)
// instead of O(count).
//
//   chunks[0] = elements 0..<512, chunks[1] = 512..<1024, ...   (all full but the last)
//
// Invariant: every chunk but the last holds exactly `chunkSize` elements; `count` is their sum.
// A value type with copy-on-write chunks; Sendable when its elements are.

/// A copy-on-write array whose copies share fixed-size chunks.
struct ChunkedArray<Element> {
    static var chunkShift: Int { 9 }
    static var chunkSize: Int { 1 << chunkShift }

    private var chunks: [[Element]] = []
    private(set) var count = 0

    init() {}

    init(_ elements: some Sequence<Element>) {
        for e in elements { append(e) }
    }

    init(repeating element: Element, count: Int) {
        var left = count
        while left > 0 {
            let n = Swift.min(left, Self.chunkSize)
            chunks.append([Element](repeating: element, count: n))
            left -= n
        }
        self.count = count
    }

    mutating func append(_ element: Element) {
        if count & (Self.chunkSize - 1) == 0 {
            var chunk: [Element] = []
            chunk.reserveCapacity(Self.chunkSize)
            chunk.append(element)
            chunks.append(chunk)
        } else {
            chunks[chunks.count - 1].append(element)
        }
        count += 1
    }
}

extension ChunkedArray: RandomAccessCollection, MutableCollection {
    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> Element {
        get { chunks[position >> Self.chunkShift][position & (Self.chunkSize - 1)] }
        set { chunks[position >> Self.chunkShift][position & (Self.chunkSize - 1)] = newValue }
    }
}

extension ChunkedArray: Sendable where Element: Sendable {}
