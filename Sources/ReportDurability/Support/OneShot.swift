// OneShot: a value delivered once by one thread and awaited by another (a blocking wait on a
// condition variable). Safe to use from any threads: `fulfil` once, `wait` any number of times.
import Foundation

/// A single result handed from a producer thread to blocked waiters.
final class OneShot<Value: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var value: Value?

    /// Delivers the value and wakes every waiter; later calls are ignored.
    func fulfil(_ newValue: Value) {
        condition.lock()
        if value == nil {
            value = newValue
            condition.broadcast()
        }
        condition.unlock()
    }

    /// Blocks until the value is delivered.
    func wait() -> Value {
        condition.lock()
        defer { condition.unlock() }
        while value == nil { condition.wait() }
        return value!
    }

    /// The value if already delivered.
    var peek: Value? {
        condition.lock()
        defer { condition.unlock() }
        return value
    }
}
