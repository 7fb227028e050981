// ResultBox: collects LSNs and failures from many appending threads. Thread-safe.
import Foundation

/// Collects results from many threads.
final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [UInt64] = []
    private var synced: [(UInt64, UInt64)] = []
    private var errors: [String] = []

    func add(_ lsn: UInt64, syncedSize: UInt64 = 0) {
        lock.lock()
        values.append(lsn)
        synced.append((lsn, syncedSize))
        lock.unlock()
    }

    func fail(_ message: String) {
        lock.lock()
        errors.append(message)
        lock.unlock()
    }
    var lsns: [UInt64] {
        lock.lock()
        defer { lock.unlock() }
        return values
    }
    var pairs: [(UInt64, UInt64)] {
        lock.lock()
        defer { lock.unlock() }
        return synced
    }
    var failures: [String] {
        lock.lock()
        defer { lock.unlock() }
        return errors
    }
}
