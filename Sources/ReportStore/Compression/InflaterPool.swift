// InflaterPool: a small stack of idle Inflaters shared by all reader threads, so a GET costs
// inflateReset + inflateSetDictionary instead of inflateInit/inflateEnd.
// Invariant: an Inflater is either in the stack or held by exactly one caller.
// Thread-safe: the stack is guarded by a Mutex; inflating happens outside the lock.
import Foundation
import Synchronization

/// A bounded pool of Inflaters for one dictionary.
final class InflaterPool: Sendable {
    private let idle = Mutex<[Inflater]>([])
    private let dictionary: [UInt8]
    private let maxIdle: Int

    /// - Parameter maxIdle: idle inflaters kept (~40 KB each once used): two per core covers the
    ///   event loops and the search workers inflating at once.
    init(dictionary: [UInt8], maxIdle: Int = max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)) {
        self.dictionary = dictionary
        self.maxIdle = maxIdle
    }

    /// Inflates one unit with a pooled Inflater (a new one when all are busy).
    func inflate(_ unit: UnsafeRawBufferPointer, textLength: Int, crc: UInt32) throws(StoreError) -> [UInt8] {
        try withInflater { inflater throws(StoreError) in try inflater.inflate(unit, textLength: textLength, crc: crc) }
    }

    /// Inflates one unit straight into the first `textLength` bytes of `out` with a pooled
    /// Inflater (bytes past them may be overwritten: see `Inflater.outputSlack`).
    func inflate(
        _ unit: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, textLength: Int, crc: UInt32
    ) throws(StoreError) {
        try withInflater { inflater throws(StoreError) in try inflater.inflate(unit, into: out, textLength: textLength, crc: crc) }
    }

    private func withInflater<R>(_ body: (Inflater) throws(StoreError) -> R) throws(StoreError) -> R {
        let inflater: Inflater
        if let pooled = idle.withLock({ $0.popLast() }) {
            inflater = pooled
        } else {
            inflater = try Inflater(dictionary: dictionary)
        }
        defer {
            idle.withLock { stack in
                if stack.count < maxIdle { stack.append(inflater) }
            }
        }
        return try body(inflater)
    }
}
