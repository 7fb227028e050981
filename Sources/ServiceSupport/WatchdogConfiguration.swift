// WatchdogConfiguration: the watchdog timeout systemd asks a service to honour.
//
// systemd sets `WATCHDOG_USEC` (and `WATCHDOG_PID`, the process expected to ping) when the unit
// has `WatchdogSec=`. The service must send `WATCHDOG=1` more often than the timeout; like
// sd_watchdog_enabled(3) callers, we ping at half the timeout. An immutable value: Sendable.
import Glibc

/// The watchdog timeout and the interval at which to send `WATCHDOG=1`.
public struct WatchdogConfiguration: Sendable, Equatable {
    /// The timeout from `WATCHDOG_USEC`, in microseconds.
    public let timeoutMicroseconds: UInt64

    /// Creates a configuration for a timeout in microseconds (must be positive).
    public init?(timeoutMicroseconds: UInt64) {
        guard timeoutMicroseconds > 0 else { return nil }
        self.timeoutMicroseconds = timeoutMicroseconds
    }

    /// The timeout as a Duration.
    public var timeout: Duration { .microseconds(Int64(clamping: timeoutMicroseconds)) }

    /// How often to ping: half the timeout, so one late ping is not fatal.
    public var pingInterval: Duration { .microseconds(Int64(clamping: timeoutMicroseconds / 2)) }

    /// Reads `WATCHDOG_USEC` / `WATCHDOG_PID`.
    ///
    /// - Parameters:
    ///   - environment: explicit variables (tests); nil reads the process environment.
    ///   - pid: the process that would ping; defaults to getpid().
    /// - Returns: nil when no watchdog is requested, or it is meant for another process.
    /// - Throws: `ServiceSupportError` `.invalidEnvironment` when a variable is not a number.
    public static func fromEnvironment(
        _ environment: [String: String]? = nil, pid: pid_t = getpid()
    ) throws -> WatchdogConfiguration? {
        let values = environment ?? ProcessEnvironment.values(of: ["WATCHDOG_USEC", "WATCHDOG_PID"])
        guard let usecText = values["WATCHDOG_USEC"] else { return nil }
        guard let usec = UInt64(usecText), let configuration = WatchdogConfiguration(timeoutMicroseconds: usec)
        else {
            throw ServiceSupportError(
                .invalidEnvironment, "WATCHDOG_USEC=\(usecText.debugDescription) is not a positive integer")
        }
        if let pidText = values["WATCHDOG_PID"] {
            guard let watchdogPID = pid_t(pidText), watchdogPID > 0 else {
                throw ServiceSupportError(
                    .invalidEnvironment, "WATCHDOG_PID=\(pidText.debugDescription) is not a process id")
            }
            // Set for a parent that exec'd us through a wrapper: not ours to answer.
            if watchdogPID != pid { return nil }
        }
        return configuration
    }
}
