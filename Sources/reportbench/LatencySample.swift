// LatencySample: collects per-operation durations and reports percentiles. Not
// thread-safe: one per measuring thread; merge afterwards.

/// A set of measured durations, in nanoseconds.
struct LatencySample {
    private(set) var nanoseconds: [Int64] = []

    init(capacity: Int = 0) {
        nanoseconds.reserveCapacity(capacity)
    }

    /// Records one duration.
    mutating func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        nanoseconds.append(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    /// The `p`-th percentile (0...100) in microseconds.
    func percentile(_ p: Double) -> Double {
        guard !nanoseconds.isEmpty else { return .nan }
        let sorted = nanoseconds.sorted()
        let rank = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank]) / 1000
    }

    /// "p50 12.3 µs, p99 45.6 µs".
    var summary: String {
        "p50 \(Self.format(percentile(50))) µs, p99 \(Self.format(percentile(99))) µs"
    }

    static func format(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return String((value * scale).rounded() / scale)
    }
}
