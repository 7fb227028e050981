// SystemdService: reportd's side of the systemd contract while it runs — WATCHDOG=1 at
// half the watchdog timeout when WATCHDOG_USEC is set, RELOAD on SIGHUP, and STOPPING=1
// when a graceful stop begins. READY=1 is sent by the server once it listens.
// A Service in the daemon's ServiceGroup; thread-safe.
import Logging
import ServiceLifecycle
import ServiceSupport
import UnixSignals

/// Watchdog pings, SIGHUP reloads and the stop notification.
struct SystemdService: Service {
    let daemon: Daemon
    let watchdog: WatchdogConfiguration?
    let logger: Logger

    func run() async throws {
        await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.reloadOnHangup() }
            if let watchdog {
                tasks.addTask { await self.pingWatchdog(every: watchdog.pingInterval) }
            }
            tasks.addTask {
                try? await gracefulShutdown()
                self.daemon.notifier.stopping(status: "stopping: draining connections")
            }
            await tasks.next()
            tasks.cancelAll()
        }
    }

    private func reloadOnHangup() async {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            _ = try? await daemon.reload()
        }
    }

    private func pingWatchdog(every interval: Duration) async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            daemon.notifier.watchdog()
            try? await Task.sleep(for: interval)
        }
    }
}
