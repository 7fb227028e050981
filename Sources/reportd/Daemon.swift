// Daemon: the running reportd as the rest of the system sees it — the served corpus
// (a ServedCorpus), reloads (SIGHUP or the RELOAD request: re-read the config file and the
// import directories, swap atomically, keep the old corpus and write access on any failure),
// sd_notify state, and the shutdown request. A reload applies `import`, `write-users` and
// `write-groups` (`reloadableKeys`); every other key keeps its value from the start, and one that
// changed in the file is logged as needing a restart. Reloads are serialised by `reloading`.
// Thread-safe.
import Logging
import ReportEngine
import ReportServer
import ReportStore
import ServiceLifecycle
import ServiceSupport
import Synchronization

/// The daemon's shared state and its administrative actions.
final class Daemon: AdministrativeActions, Sendable {
    let corpus: ServedCorpus
    /// The settings reportd started with; a reload changes only `reloadableKeys` of them.
    private let startSettings: DaemonSettings
    /// Who may write; a reload replaces its policy.
    let access: WriteAccess
    let notifier: SystemdNotifier
    private let logger: Logger
    private let resolve: @Sendable () throws -> DaemonSettings
    private let reloading = Mutex(false)
    private let group = Mutex<ServiceGroup?>(nil)

    /// - Parameter resolve: re-reads the config file and merges the flags; called on reload.
    init(
        corpus: ServedCorpus, settings: DaemonSettings, access: WriteAccess, notifier: SystemdNotifier, logger: Logger,
        resolve: @escaping @Sendable () throws -> DaemonSettings
    ) {
        self.corpus = corpus
        self.startSettings = settings
        self.access = access
        self.notifier = notifier
        self.logger = logger
        self.resolve = resolve
    }

    /// Lets SHUTDOWN requests stop the service group.
    func attach(_ serviceGroup: ServiceGroup) {
        group.withLock { $0 = serviceGroup }
    }

    /// One line for `systemctl status`: report count and memory.
    func statusLine() -> String {
        let stats = corpus.store.statistics
        let rss = ProcessMemory.residentBytes() / 1_000_000
        var line = "serving \(stats.reportCount) reports (\(stats.rawBytes / 1_000_000) MB raw, \(stats.compressedBytes / 1_000_000) MB compressed), RSS \(rss) MB"
        if let p = corpus.persistenceStatistics {
            line += ", snapshot \(p.snapshotGeneration) + \(p.logBytes / 1_000_000) MB log, appendfsync \(p.appendfsync.rawValue)"
            if p.writesStopped {
                line += ", WRITES FAILING (\(p.lastWriteError ?? "log write failed"); each write retries)"
            }
        }
        return line
    }

    func reload() async throws -> String {
        let busy = reloading.withLock { running -> Bool in
            if running { return true }
            running = true
            return false
        }
        if busy { throw DaemonError("a reload is already running") }
        defer { reloading.withLock { $0 = false } }
        notifier.reloading(status: "reloading")
        logger.notice("reload: re-reading configuration and import directories")
        do {
            let file = try resolve()
            for change in Self.restartOnlyChanges(from: startSettings, to: file) {
                logger.warning("reload: \(change.key) changed in the configuration (\(change.running) -> \(change.file)); it needs a restart, the running value is kept")
            }
            for problem in StartupChecks.limitProblems(file) {
                logger.warning("reload: the next start will fail: \(problem)")
            }
            // Everything but the reloadable keys stays as reportd started.
            var settings = startSettings
            settings.imports = file.imports
            settings.writeUsers = file.writeUsers
            settings.writeGroups = file.writeGroups
            let policy = try settings.accessPolicy()
            if let problem = StartupChecks.importProblems(settings.imports).first { throw DaemonError("\(problem)") }
            let logger = self.logger
            if corpus.dataDirectory != nil {
                // The data directory is the source of truth: apply new and changed reports as
                // logged writes; nothing is dropped.
                let corpus = self.corpus
                let message = try await Task.detached {
                    try CorpusStartup(logger: logger).applyImports(settings, to: corpus)
                }.value
                apply(policy, settings)
                notifier.ready(status: statusLine())
                return "reloaded: " + message
            }
            // Import off the cooperative pool: it is seconds of CPU-bound work.
            let outcome = await Task.detached {
                CorpusLoader(logger: logger).load(settings.imports, options: settings.importOptions)
            }.value
            guard outcome.unreadableRoots.isEmpty else {
                throw DaemonError("cannot read \(outcome.unreadableRoots.joined(separator: ", "))")
            }
            let old = corpus.store.statistics.reportCount
            if outcome.summary.loaded == 0 && old > 0 {
                throw DaemonError("the new configuration loads no reports (the old corpus has \(old))")
            }
            corpus.replace(with: outcome.store)
            apply(policy, settings)
            let message = "reloaded: \(outcome.summary.loaded) reports, \(outcome.summary.skipped) skipped"
            logger.notice("\(message)")
            notifier.ready(status: statusLine())
            return message
        } catch {
            logger.error("reload failed, still serving the previous corpus: \(error)")
            notifier.ready(status: "reload failed (\(error)); " + statusLine())
            throw error
        }
    }

    /// Puts a reload's write access in force (for requests that arrive from now on).
    private func apply(_ policy: AccessPolicy, _ settings: DaemonSettings) {
        guard policy != access.policy else { return }
        access.replace(with: policy)
        func list(_ names: [String]) -> String { names.isEmpty ? "(none)" : names.joined(separator: ",") }
        logger.notice("reload: write access now root, reportd's own user, write-users \(list(settings.writeUsers)), write-groups \(list(settings.writeGroups))")
    }

    /// The keys a reload applies; the others need a restart.
    static let reloadableKeys: Set<String> = ["import", "write-users", "write-groups"]

    /// The keys, other than `reloadableKeys`, whose value differs between `running` and `file`, in
    /// the config file's order, with both values as `--check-config` prints them (so every key
    /// `DaemonSettings.description` lists is compared).
    static func restartOnlyChanges(
        from running: DaemonSettings, to file: DaemonSettings
    ) -> [(key: String, running: String, file: String)] {
        func values(_ settings: DaemonSettings) -> [(key: String, value: String)] {
            settings.description.split(separator: "\n").compactMap { line in
                guard let equals = line.range(of: " = ") else { return nil }
                return (String(line[..<equals.lowerBound]), String(line[equals.upperBound...]))
            }
        }
        let old = values(running), new = values(file)
        var changed: [(key: String, running: String, file: String)] = []
        for (key, value) in new where !reloadableKeys.contains(key) && !changed.contains(where: { $0.key == key }) {
            let before = old.first { $0.key == key }?.value ?? "(unset)"
            if before != value { changed.append((key, before, value)) }
        }
        return changed
    }

    func shutdown() {
        logger.notice("shutdown requested over the socket")
        guard let serviceGroup = group.withLock({ $0 }) else { return }
        Task { await serviceGroup.triggerGracefulShutdown() }
    }
}

/// A daemon-level failure with a message for the operator.
struct DaemonError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
