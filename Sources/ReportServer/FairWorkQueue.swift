// FairWorkQueue: the worker pool's door for pooled reads (SEARCH, COUNT, MGET; RequestClass
// .pooled). At most `slots` jobs run at once (the pool's threads); the others wait in one queue per
// peer uid, and a freed slot goes to the uids in turn (round robin), each taking its oldest job. So a
// user holding many connections of expensive searches delays another user's cheap read by at most
// one job per user ahead of it, not by everything that user queued (PROTOCOL.md §1.1). A job from a
// peer whose credentials are unknown counts as its own user (uid UInt32.max).
//
// Invariants: `running` <= `slots`; a uid is in `turns` exactly when its queue is non-empty, once.
// Thread-safe: all state is behind `lock`; jobs run on the pool and complete their promise there.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Round robin over peer uids in front of a thread pool.
final class FairWorkQueue: @unchecked Sendable {
    private let pool: NIOThreadPool
    private let slots: Int
    private let lock = NIOLock()
    private var running = 0
    private var queues: [UInt32: CircularBuffer<@Sendable () -> Void>] = [:]
    private var turns = CircularBuffer<UInt32>()

    /// A queue running at most `slots` jobs at once on `pool`.
    init(pool: NIOThreadPool, slots: Int) {
        self.pool = pool
        self.slots = max(1, slots)
    }

    /// Runs `body` on the pool when `uid`'s turn comes; the future completes on `eventLoop` (failed
    /// with NIOThreadPoolError.ThreadPoolInactive once the pool has stopped).
    func submit<Value: Sendable>(
        uid: UInt32, on eventLoop: any EventLoop, _ body: @escaping @Sendable () throws -> Value
    ) -> EventLoopFuture<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        let job: @Sendable () -> Void = { [pool] in
            pool.submit { state in
                defer { self.finished() }
                guard case .active = state else {
                    promise.fail(NIOThreadPoolError.ThreadPoolInactive())
                    return
                }
                promise.completeWith(Result { try body() })
            }
        }
        let start: Bool = lock.withLock {
            if running < slots {
                running += 1
                return true
            }
            if queues[uid, default: []].isEmpty { turns.append(uid) }
            queues[uid, default: []].append(job)
            return false
        }
        if start { job() }
        return promise.futureResult
    }

    /// Jobs waiting (not running), for tests.
    var waiting: Int { lock.withLock { queues.values.reduce(0) { $0 + $1.count } } }

    /// A job ended: its slot goes to the next uid in turn, or is freed.
    private func finished() {
        let next: (@Sendable () -> Void)? = lock.withLock {
            guard let uid = turns.popFirst() else {
                running -= 1
                return nil
            }
            let job = queues[uid]!.removeFirst()
            if queues[uid]!.isEmpty { queues[uid] = nil } else { turns.append(uid) }
            return job
        }
        next?()
    }
}
