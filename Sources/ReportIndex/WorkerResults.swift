// WorkerResults: the one audited way for the iterations of a DispatchQueue.concurrentPerform to
// hand values back without locks: one slot per iteration (or per worker), in memory allocated
// once and never moved. Used by every parallel loop of ReportIndex, ReportStore and ReportEngine.
//
// Why it is safe (the audit): the slots are a fixed buffer, so no write resizes or moves storage
// another thread is using; slot i is written only by the iteration that owns i (callers index by
// their own iteration or worker number), so no two threads write one slot; and `values` and the
// subscript are read only after concurrentPerform returns, which orders every write before them.
// Breaking any of the three rules is a data race: that is the contract of `set`.

/// Fixed slots filled by concurrent iterations, one each.
public final class WorkerResults<Value>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Value>

    /// `count` slots holding `value`.
    public init(repeating value: Value, count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: value)
    }

    deinit {
        slots.deinitialize().deallocate()
    }

    /// Number of slots.
    public var count: Int { slots.count }

    /// Stores iteration `i`'s value; call only from the iteration that owns slot `i`.
    public func set(_ i: Int, _ value: Value) {
        slots[i] = value
    }

    /// Slot `i`, once every iteration has finished.
    public subscript(i: Int) -> Value { slots[i] }

    /// All values, once every iteration has finished.
    public var values: [Value] { Array(slots) }
}
