// DeflaterPool: idle Deflaters for one dictionary, shared by the threads that prepare writes,
// so concurrent PUTs compress in parallel and a PUT costs deflateReset instead of deflateInit.
// Invariant: a Deflater is either in the stack or held by exactly one caller.
// Thread-safe: the stack is guarded by a Mutex; compressing happens outside the lock.
import Foundation
import Synchronization

/// A bounded pool of Deflaters for one dictionary and level.
final class DeflaterPool: Sendable {
    private let idle = Mutex<[Deflater]>([])
    private let dictionary: [UInt8]
    private let level: Int
    private let memLevel: Int
    private let maxIdle: Int

    /// - Parameter maxIdle: idle deflaters kept; a level-9 deflater holds ~400 KB, so the
    ///   default keeps one per core (writes compress on at most that many threads at once).
    init(
        dictionary: [UInt8], level: Int, memLevel: Int,
        maxIdle: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
    ) {
        self.dictionary = dictionary
        self.level = level
        self.memLevel = memLevel
        self.maxIdle = maxIdle
    }

    /// Compresses one text into an independent raw-deflate unit with a pooled Deflater.
    func compress(_ text: [UInt8]) throws(StoreError) -> [UInt8] {
        let deflater: Deflater
        if let pooled = idle.withLock({ $0.popLast() }) {
            deflater = pooled
        } else {
            deflater = try Deflater(level: level, memLevel: memLevel, dictionary: dictionary)
        }
        defer {
            idle.withLock { stack in
                if stack.count < maxIdle { stack.append(deflater) }
            }
        }
        return try deflater.compress(text)
    }
}
