// SyncProbe: an injectable sync function that counts calls, can hold the first one at a gate,
// can fail with an errno, and remembers the largest file size it synced. Thread-safe.
import Foundation
import Glibc

@testable import ReportDurability

/// A thread-safe counter and gate for sync hooks.
final class SyncProbe: @unchecked Sendable {
    private let condition = NSCondition()
    private var calls = 0
    private var gateOpen = true
    private var syncedSizes: [Int32: UInt64] = [:]
    var failWith: Int32 = 0

    /// The first sync blocks until `open()`.
    func closeGate() {
        condition.lock()
        gateOpen = false
        condition.unlock()
    }

    func open() {
        condition.lock()
        gateOpen = true
        condition.broadcast()
        condition.unlock()
    }

    var count: Int {
        condition.lock()
        defer { condition.unlock() }
        return calls
    }

    /// Largest file size seen at a successful sync.
    var syncedSize: UInt64 {
        condition.lock()
        defer { condition.unlock() }
        return syncedSizes.values.max() ?? 0
    }

    var hook: WriteAheadLog.SyncFunction {
        { [self] fd in
            var info = stat()
            fstat(fd, &info)
            condition.lock()
            calls += 1
            while !gateOpen { condition.wait() }
            let failure = failWith
            if failure == 0 { syncedSizes[fd] = max(syncedSizes[fd] ?? 0, UInt64(info.st_size)) }
            condition.unlock()
            if failure != 0 {
                errno = failure
                return -1
            }
            return 0
        }
    }
}
