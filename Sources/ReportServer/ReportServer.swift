// ReportServer: the listening side as a swift-service-lifecycle Service. `run()` binds
// (or adopts an inherited socket), serves until graceful shutdown, then stops
// accepting, lets every connection answer what it has read, closes them, and removes
// the socket file it created. Invariant: `connections` holds exactly the open child
// channels. Thread-safe: `run` is called once; the rest is internal.
#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOCore
import NIOPosix
import ReportEngine
import ReportProtocol
import ServiceLifecycle
import ServiceSupport
import Synchronization

/// Serves the report protocol on a Unix-domain socket.
public final class ReportServer: Service, Sendable {
    private let configuration: ServerConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let dispatcher: RequestDispatcher
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])
    private let onListening: @Sendable () -> Void
    /// The bounded pool that runs SEARCH, COUNT, MGET and PUT compression off the event loops.
    private let workers: NIOThreadPool
    /// Counters reported by STATS.
    public let statistics: ServerStatistics
    /// Which BUSY refusals get a log line (at most one a second).
    private let refusalLog = ThrottledWarning()

    /// Creates a server.
    /// - Parameters:
    ///   - corpus: the corpus to serve and write to.
    ///   - access: who may write and take reserved slots; the daemon replaces its policy on reload.
    ///   - onListening: called once the socket accepts connections (sd_notify READY=1 goes here).
    public init(
        configuration: ServerConfiguration,
        corpus: ServedCorpus,
        group: any EventLoopGroup,
        logger: Logger,
        serverName: String = "reportd",
        access: WriteAccess = WriteAccess(),
        actions: (any AdministrativeActions)? = nil,
        onListening: @escaping @Sendable () -> Void = {}
    ) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        self.onListening = onListening
        let statistics = ServerStatistics()
        self.statistics = statistics
        let threads = max(1, configuration.workerThreads ?? System.coreCount)
        let workers = NIOThreadPool(numberOfThreads: threads)
        workers.start()
        self.workers = workers
        self.dispatcher = RequestDispatcher(
            corpus: corpus,
            configuration: configuration,
            statistics: statistics,
            startedAt: .now,
            serverName: serverName,
            access: access,
            actions: actions,
            logger: logger,
            workers: workers,
            reads: FairWorkQueue(pool: workers, slots: threads),
            outputBudget: OutputBudget(limit: configuration.maxQueuedBytesTotal, access: access, statistics: statistics, logger: logger)
        )
    }

    /// Serves until the surrounding ServiceGroup begins a graceful shutdown.
    public func run() async throws {
        let channel = try await bind()
        logger.info("listening", metadata: ["socket": "\(describeListener())"])
        onListening()
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            self.logger.info("shutting down: no new connections; draining open ones")
            channel.close(promise: nil)
        }
        await drainConnections()
        try? await workers.shutdownGracefully()
        if case .path(let path) = configuration.listener {
            unlink(path)
        }
        logger.info("stopped")
    }

    private func describeListener() -> String {
        switch configuration.listener {
        case .path(let path): return path
        case .inherited(let fd, let path): return "fd \(fd)" + (path.map { " (\($0))" } ?? "")
        }
    }

    private func bind() async throws -> any Channel {
        let backlog = Int32(clamping: max(256, configuration.maxConnections))
        let bootstrap = ServerBootstrap(group: group)
            // A burst of connects (a batch script's workers starting at once) waits in the backlog
            // to be admitted or refused with BUSY (PROTOCOL.md §1.3) instead of failing with
            // EAGAIN: room for every slot (the kernel caps it at net.core.somaxconn).
            .serverChannelOption(ChannelOptions.backlog, value: backlog)
            .childChannelOption(ChannelOptions.maxMessagesPerRead, value: 16)
            // A client's shutdown(SHUT_WR) ends its requests, not the connection: answers still go out.
            .childChannelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                Self.readPeer(of: channel).flatMapThrowing { peer in
                    try self.initialize(channel, peer: peer)
                }
            }
        switch configuration.listener {
        case .path(let path):
            let verdict = try SocketPathGuard.prepare(path: path)
            if verdict == .removedStale {
                logger.warning("removed stale socket file", metadata: ["socket": "\(path)"])
            }
            // The socket is created with the umask's mode; tighten the umask first so it
            // is never, even briefly, more open than the configured mode.
            let previous = umask(0o177)
            defer { umask(previous) }
            do {
                let channel = try await bootstrap.bind(unixDomainSocketPath: path).get()
                do {
                    try UnixSocketPermissions.apply(path: path, mode: mode_t(configuration.socketMode), group: configuration.socketGroup)
                } catch {
                    channel.close(promise: nil)
                    throw ServerError(.socketPath, "cannot set up socket \(path): \(error)")
                }
                return channel
            } catch let error as ServerError {
                throw error
            } catch {
                throw ServerError(.listen, "cannot listen on \(path): \(error)")
            }
        case .inherited(let fd, _):
            do {
                let channel = try await bootstrap.withBoundSocket(fd).get()
                // NIO listens again on an adopted socket with its own default backlog (128),
                // which replaces systemd's Backlog=; listening once more sets reportd's.
                if Glibc.listen(fd, backlog) != 0 {
                    logger.warning("cannot set the listen backlog", metadata: ["fd": "\(fd)", "errno": "\(errno)"])
                }
                return channel
            } catch {
                throw ServerError(.listen, "cannot serve inherited socket fd \(fd): \(error)")
            }
        }
    }

    /// Admits `channel` or refuses it with BUSY. Unprivileged peers may take
    /// `unprivilegedConnections` slots; privileged ones (root, write users) all `maxConnections`.
    private func initialize(_ channel: any Channel, peer: ConnectionPeer) throws {
        let id = ObjectIdentifier(channel)
        let privileged = peer.credentials.map { dispatcher.access.permitsWrites($0) } ?? false
        let limit = privileged ? configuration.maxConnections : configuration.unprivilegedConnections
        let admitted = connections.withLock { open -> Bool in
            guard open.count < limit else { return false }
            open[id] = channel
            return true
        }
        let sync = channel.pipeline.syncOperations
        guard admitted else {
            statistics.bump(statistics.refusedConnections)
            let reserved = configuration.maxConnections - configuration.unprivilegedConnections
            func taken(_ n: Int, _ whose: String) -> String {
                n == 1 ? "the 1 connection slot\(whose) is taken" : "all \(n) connection slots\(whose) are taken"
            }
            let message = privileged
                ? "\(taken(configuration.maxConnections, "")); try again later"
                : "\(taken(configuration.unprivilegedConnections, " open to unprivileged peers")) (\(reserved) more \(reserved == 1 ? "is" : "are") reserved for root and the write users); try again later"
            // At most one line a second: any peer that can open the socket can cause these at will.
            if let unlogged = refusalLog.record(now: Int64(clamping: NIODeadline.now().uptimeNanoseconds)) {
                let more = unlogged > 0 ? "; \(unlogged) more refused since the last such line" : ""
                logger.warning("connection refused with BUSY: \(message) (\(peer.description))\(more)")
            }
            try sync.addHandler(BusyResponder(message: message))
            return
        }
        statistics.bump(statistics.acceptedConnections)
        // connections_open counts exactly the connections admission counts, so STATS and
        // the max-connections check never disagree.
        statistics.bump(statistics.openConnections)
        channel.closeFuture.whenComplete { _ in
            _ = self.connections.withLock { $0.removeValue(forKey: id) }
            self.statistics.bump(self.statistics.openConnections, by: -1)
        }
        try sync.addHandler(ByteToMessageHandler(FrameDecoder(maxBodyBytes: configuration.maxFrameBytes)))
        try sync.addHandler(ConnectionHandler(dispatcher: dispatcher, peer: peer, logger: logger))
    }

    /// Reads the peer's credentials (SO_PEERCRED). On the channel's event loop the option read
    /// completes at once, before any request is read; unknown credentials are unprivileged.
    private static func readPeer(of channel: any Channel) -> EventLoopFuture<ConnectionPeer> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(ConnectionPeer(credentials: nil))
        }
        // struct ucred { pid_t; uid_t; gid_t } is hidden behind _GNU_SOURCE in Glibc's headers;
        // three 32-bit fields have its layout.
        let future: EventLoopFuture<PeerCredentialsLayout> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET),
            name: SocketOptionName(SO_PEERCRED)
        )
        return future.map { raw in
            ConnectionPeer(credentials: PeerCredentials(pid: raw.pid, uid: raw.uid, gid: raw.gid))
        }.recover { _ in ConnectionPeer(credentials: nil) }
    }

    private func drainConnections() async {
        let open = connections.withLock { Array($0.values) }
        for channel in open {
            channel.pipeline.fireUserInboundEventTriggered(ConnectionHandler.Drain())
        }
        let deadline = ContinuousClock.now + .milliseconds(Int64(configuration.shutdownGraceSeconds * 1000))
        for channel in open {
            let remaining = deadline - .now
            if remaining <= .zero {
                channel.close(promise: nil)
                continue
            }
            let timer = channel.eventLoop.scheduleTask(in: .nanoseconds(remaining.nanoseconds)) {
                channel.close(promise: nil)
            }
            try? await channel.closeFuture.get()
            timer.cancel()
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// The memory layout of Linux's `struct ucred`.
struct PeerCredentialsLayout: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}
