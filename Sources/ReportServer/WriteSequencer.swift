// WriteSequencer: orders one connection's writes. PUTs are compressed in parallel off the
// event loop (the costly part), but committed — applied and logged — in the order the client
// sent them, and a DEL waits for the writes sent before it: a pipelined "PUT x; DEL x" ends
// with x deleted, and the log holds the connection's writes in its order.
// Invariant: `tail` completes only after every step enqueued before it has committed.
// Confined to its connection's event loop (created by, and used only from, ConnectionHandler).
import NIOCore

/// The chain of one connection's pending writes.
final class WriteSequencer: @unchecked Sendable {
    // @unchecked: `tail` is read and written only on `loop`.
    private let loop: any EventLoop
    private var tail: EventLoopFuture<Void>

    init(loop: any EventLoop) {
        self.loop = loop
        tail = loop.makeSucceededVoidFuture()
    }

    /// Runs `step` once every earlier step has committed; `step` returns a future that
    /// completes when its own commit has happened (not when the write is durable).
    func enqueue(_ step: @escaping @Sendable () -> EventLoopFuture<Void>) {
        loop.preconditionInEventLoop()
        tail = tail.flatMap(step)
    }
}
