// InflaterPool: a few idle Inflaters shared by all reader threads, so a GET costs a reset and a
// dictionary copy instead of setting up an inflate state.
// Invariant: an Inflater is either in one slot or held by exactly one caller.
// Thread-safe and lock-free: each slot is an atomic reference; taking one is an atomic exchange,
// giving it back a compare-and-exchange into an empty slot, so a read never waits for another
// (reads take no lock anywhere: docs/ARCHITECTURE.md). Inflating happens outside the pool.
import Atomics
import Foundation

/// A bounded, lock-free pool of Inflaters for one dictionary.
final class InflaterPool: Sendable {
    private let slots: [ManagedAtomic<Inflater?>]
    private let dictionary: [UInt8]

    /// - Parameter maxIdle: idle inflaters kept (~87 KB each: ISA-L's state): two per core covers the
    ///   event loops and the search workers inflating at once.
    init(dictionary: [UInt8], maxIdle: Int = max(2, 2 * ProcessInfo.processInfo.activeProcessorCount)) {
        self.dictionary = dictionary
        slots = (0..<maxIdle).map { _ in ManagedAtomic<Inflater?>(nil) }
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
        var taken: Inflater?
        for slot in slots where taken == nil {
            taken = slot.exchange(nil, ordering: .acquiring)
        }
        let inflater: Inflater
        if let taken {
            inflater = taken
        } else {
            inflater = try Inflater(dictionary: dictionary)
        }
        defer {
            for slot in slots {
                if slot.compareExchange(expected: nil, desired: inflater, ordering: .releasing).exchanged { break }
            }
        }
        return try body(inflater)
    }
}
