// TopScores: the k largest of the scores offered so far, kept as a min-heap, so their least — the
// k-th largest so far, which only rises as scores are offered — is one load. BestMatchRanker uses
// it for the k-th of a page and for the bar rescoring rounds must clear.
// Invariant: `heap` holds the min(k, offered) largest values offered, heap[0] the least of them.
// A value; one thread.

struct TopScores {
    let capacity: Int
    private var heap: [Double] = []

    /// Keeps the `capacity` (>= 1) largest.
    init(capacity: Int) {
        self.capacity = capacity
        heap.reserveCapacity(capacity)
    }

    /// The capacity-th largest value offered so far; -∞ until `capacity` values were offered.
    var floor: Double { heap.count == capacity ? heap[0] : -.infinity }

    /// Keeps `value` if it is among the capacity largest so far.
    @inline(__always)
    mutating func offer(_ value: Double) {
        if heap.count < capacity {
            heap.append(value)
            var i = heap.count - 1
            while i > 0 && heap[(i - 1) / 2] > heap[i] {
                heap.swapAt(i, (i - 1) / 2)
                i = (i - 1) / 2
            }
        } else if value > heap[0] {
            heap[0] = value
            var i = 0
            while true {
                let l = 2 * i + 1
                let r = l + 1
                var m = i
                if l < capacity && heap[l] < heap[m] { m = l }
                if r < capacity && heap[r] < heap[m] { m = r }
                if m == i { break }
                heap.swapAt(i, m)
                i = m
            }
        }
    }
}
