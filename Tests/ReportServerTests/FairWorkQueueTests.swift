// FairWorkQueueTests: the pool's door for SEARCH, COUNT and MGET. Uids take turns for a freed
// slot, so one user's queue of reads does not hold up another user's; no more than `slots` jobs run
// at once; a job submitted after the pool stopped fails instead of hanging.
import Dispatch
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import ReportServer
import Testing

@Suite("fair work queue")
struct FairWorkQueueTests {
    /// A started pool of `threads` and a one-loop group for the futures.
    static func started(threads: Int) -> (NIOThreadPool, MultiThreadedEventLoopGroup) {
        let pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        return (pool, MultiThreadedEventLoopGroup(numberOfThreads: 1))
    }

    /// Stops what `started` made (`pool` nil when the test stopped it itself).
    static func stop(_ pool: NIOThreadPool?, _ group: MultiThreadedEventLoopGroup) {
        try? pool?.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }

    @Test("a freed slot goes to the uids in turn: another user's read runs after one of the first user's queued reads, not all five")
    func uidsTakeTurns() throws {
        let (pool, group) = Self.started(threads: 1)
        defer { Self.stop(pool, group) }
        let queue = FairWorkQueue(pool: pool, slots: 1)
        let loop = group.next()
        let order = NIOLockedValueBox<[String]>([])
        let gate = DispatchSemaphore(value: 0)
        var futures: [EventLoopFuture<Void>] = []
        futures.append(queue.submit(uid: 1, on: loop) {
            gate.wait()
            order.withLockedValue { $0.append("first") }
        })
        for i in 1...5 { futures.append(queue.submit(uid: 1, on: loop) { order.withLockedValue { $0.append("a\(i)") } }) }
        futures.append(queue.submit(uid: 2, on: loop) { order.withLockedValue { $0.append("b") } })
        #expect(queue.waiting == 6)
        gate.signal()
        for future in futures { try future.wait() }
        #expect(order.withLockedValue { $0 } == ["first", "a1", "b", "a2", "a3", "a4", "a5"])
        #expect(queue.waiting == 0)
    }

    @Test("at most `slots` jobs run at once on a larger pool, and every job runs")
    func slotsBoundConcurrency() throws {
        let (pool, group) = Self.started(threads: 4)
        defer { Self.stop(pool, group) }
        let queue = FairWorkQueue(pool: pool, slots: 2)
        let state = NIOLockedValueBox((now: 0, most: 0, done: 0))
        let futures = (0..<40).map { i in
            queue.submit(uid: UInt32(i % 3), on: group.next()) {
                state.withLockedValue { $0.now += 1; $0.most = max($0.most, $0.now) }
                usleep(2_000)
                state.withLockedValue { $0.now -= 1; $0.done += 1 }
                return i
            }
        }
        #expect(try futures.map { try $0.wait() } == Array(0..<40))
        let final = state.withLockedValue { $0 }
        #expect(final.done == 40 && final.most == 2, "\(final)")
    }

    @Test("when the pool stops, queued jobs and later ones fail, slots are freed, and a long queue drains without recursion")
    func stoppedPoolFails() throws {
        let (pool, group) = Self.started(threads: 1)
        defer { Self.stop(nil, group) }
        let queue = FairWorkQueue(pool: pool, slots: 1)
        let loop = group.next()
        let gate = DispatchSemaphore(value: 0)
        let first = queue.submit(uid: 1, on: loop) { gate.wait() }
        // Queued behind the running job when the pool stops: 20,000 (a recursive drain of that
        // many would overflow the stack).
        let queued = (0..<20_000).map { i in queue.submit(uid: UInt32(i % 7), on: loop) { i } }
        #expect(queue.waiting == 20_000)
        let stopped = DispatchSemaphore(value: 0)
        pool.shutdownGracefully { _ in stopped.signal() }
        gate.signal()
        try first.wait()
        #expect(stopped.wait(timeout: .now() + 10) == .success)
        let failures = NIOLockedValueBox(0)
        let all = EventLoopFuture.whenAllComplete(queued, on: loop)
        for result in try all.wait() { if case .failure = result { failures.withLockedValue { $0 += 1 } } }
        #expect(failures.withLockedValue { $0 } == 20_000)
        // Submitted after the stop: failed at once, the slot freed each time.
        for _ in 0..<3 {
            #expect(throws: (any Error).self) { try queue.submit(uid: 0, on: loop) { 1 }.wait() }
        }
        #expect(queue.waiting == 0)
    }
}
