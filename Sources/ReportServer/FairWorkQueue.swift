// FairWorkQueue: the worker pool's door for pooled reads (SEARCH, COUNT, MGET; RequestClass
// .pooled). At most `slots` jobs run at once (the pool's threads); the others wait in one queue per
// peer uid, and a freed slot goes to the uids in turn (round robin), each taking its oldest job. So a
// user holding many connections of expensive searches delays another user's cheap read by about
// one job per busy user, not by everything that user queued (PROTOCOL.md §1.1). Peers whose
// credentials are unknown share one queue (uid UInt32.max).
//
// A job's slot passes to the next job exactly once: from the pool thread that ran it, or — when the
// pool ran it at once as cancelled (stopped) — from the loop in `run`, so a stopped pool drains the
// queues iteratively, never by recursion. Invariants: `running` <= `slots`; a uid is in `turns`
// exactly when its queue is non-empty, once. Thread-safe: all state is behind `lock`; every
// promise is completed, failed with NIOThreadPoolError.ThreadPoolInactive when the pool stopped.
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Round robin over peer uids in front of a thread pool.
final class FairWorkQueue: @unchecked Sendable {
    private typealias Job = @Sendable (NIOThreadPool.WorkItemState) -> Void

    private let pool: NIOThreadPool
    private let slots: Int
    private let lock = NIOLock()
    private var running = 0
    private var queues: [UInt32: CircularBuffer<Job>] = [:]
    private var turns = CircularBuffer<UInt32>()

    /// A queue running at most `slots` jobs at once on `pool`.
    init(pool: NIOThreadPool, slots: Int) {
        self.pool = pool
        self.slots = max(1, slots)
    }

    /// Runs `body` on the pool when `uid`'s turn comes; the future completes on `eventLoop`.
    func submit<Value: Sendable>(
        uid: UInt32, on eventLoop: any EventLoop, _ body: @escaping @Sendable () throws -> Value
    ) -> EventLoopFuture<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        let job: Job = { state in
            guard case .active = state else {
                promise.fail(NIOThreadPoolError.ThreadPoolInactive())
                return
            }
            promise.completeWith(Result { try body() })
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
        if start { run(job) }
        return promise.futureResult
    }

    /// Jobs waiting (not running), for tests.
    var waiting: Int { lock.withLock { queues.values.reduce(0) { $0 + $1.count } } }

    /// Runs `first` in a held slot, then, for as long as the pool runs jobs at once (cancelled),
    /// the next ones here.
    private func run(_ first: @escaping Job) {
        var job: Job? = first
        while let current = job {
            job = nil
            // 0: submit not returned yet; 1: returned first; 2: the job ended first (inline, or on a
            // pool thread before submit returned) and this loop passes its slot on.
            let phase = NIOLockedValueBox(0)
            pool.submit { state in
                current(state)
                let passedHere = phase.withLockedValue { phase -> Bool in
                    guard phase == 0 else { return false }
                    phase = 2
                    return true
                }
                if !passedHere { self.finished() }
            }
            let ended = phase.withLockedValue { phase -> Bool in
                if phase == 2 { return true }
                phase = 1
                return false
            }
            if ended { job = takeNext() }
        }
    }

    /// A job ended on a pool thread: its slot goes to the next job.
    private func finished() {
        if let job = takeNext() { run(job) }
    }

    /// The next uid's oldest job, keeping the slot; nil (and the slot freed) when none waits.
    private func takeNext() -> Job? {
        lock.withLock {
            guard let uid = turns.popFirst() else {
                running -= 1
                return nil
            }
            let job = queues[uid]!.removeFirst()
            if queues[uid]!.isEmpty { queues[uid] = nil } else { turns.append(uid) }
            return job
        }
    }
}
