// WorkerResults: one result slot per index of a DispatchQueue.concurrentPerform, so workers can
// hand values back without locks. Invariant: slot i is written only by iteration i, and read only
// after concurrentPerform returns (which orders the writes before the reads).

/// Fixed slots filled by concurrent iterations, one each.
final class WorkerResults<Value>: @unchecked Sendable {
    private var slots: [Value]

    init(repeating value: Value, count: Int) {
        slots = [Value](repeating: value, count: count)
    }

    /// Stores iteration `i`'s value; call only from iteration `i`.
    func set(_ i: Int, _ value: Value) {
        slots.withUnsafeMutableBufferPointer { $0[i] = value }
    }

    /// All values, once every iteration has finished.
    var values: [Value] { slots }
}
