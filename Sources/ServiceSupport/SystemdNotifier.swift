// SystemdNotifier: the sd_notify(3) protocol, without libsystemd.
//
// systemd passes the path of a datagram socket in `NOTIFY_SOCKET`; a service reports its state
// by sending newline-separated `KEY=VALUE` lines to it, one datagram per notification. A value
// starting with `@` names an abstract socket: the address is a NUL byte followed by the rest
// of the name, with no trailing NUL counted in the address length.
//
// Invariant: the notifier holds only the parsed address (immutable), so it is Sendable and may
// be called concurrently from any thread; each call opens, uses and closes its own socket.
// When `NOTIFY_SOCKET` is absent every call is a no-op that reports `.notConfigured`. Errors
// are returned, never thrown or fatal: a daemon must not die because the supervisor is gone.
import Glibc

/// Sends readiness, reload, stop, status and watchdog notifications to systemd.
public struct SystemdNotifier: Sendable {
    /// Whether a notification went out.
    public enum Delivery: Sendable, Equatable {
        /// The datagram was sent to the notification socket.
        case sent
        /// `NOTIFY_SOCKET` is not set: the service is not supervised by a notify-aware manager.
        case notConfigured
    }

    /// The environment variable systemd uses to pass the socket address.
    public static let environmentVariable = "NOTIFY_SOCKET"

    /// The raw `NOTIFY_SOCKET` value, or nil when notifications are disabled.
    public let socketAddress: String?

    /// Why the address was rejected, if it was; every send then returns this error.
    private let addressError: ServiceSupportError?

    /// Creates a notifier for an explicit `NOTIFY_SOCKET` value (nil or empty disables it).
    public init(notifySocket: String?) {
        guard let notifySocket, !notifySocket.isEmpty else {
            self.socketAddress = nil
            self.addressError = nil
            return
        }
        self.socketAddress = notifySocket
        self.addressError = Self.validate(notifySocket)
    }

    /// Creates a notifier from an explicit environment dictionary (used by tests).
    public init(environment: [String: String]) {
        self.init(notifySocket: environment[Self.environmentVariable])
    }

    /// Creates a notifier from the process environment.
    ///
    /// - Parameter unsetEnvironment: like sd_notify's `unset_environment`: remove `NOTIFY_SOCKET`
    ///   from the process environment so children do not inherit it. The notifier keeps working.
    ///   Call this during start-up only (unsetenv is not thread-safe).
    public static func fromProcessEnvironment(unsetEnvironment: Bool = false) -> SystemdNotifier {
        let values = ProcessEnvironment.values(of: [environmentVariable])
        if unsetEnvironment {
            ProcessEnvironment.unset([environmentVariable])
        }
        return SystemdNotifier(environment: values)
    }

    /// Whether notifications will be attempted (the variable is present).
    public var isEnabled: Bool { socketAddress != nil }

    /// `READY=1`: start-up (or a reload) is complete.
    @discardableResult
    public func ready(status: String? = nil) -> Result<Delivery, ServiceSupportError> {
        var fields = [("READY", "1")]
        if let status { fields.append(("STATUS", Self.singleLine(status))) }
        return send(ordered: fields)
    }

    /// `RELOADING=1` plus `MONOTONIC_USEC=<CLOCK_MONOTONIC in µs>`: a reload has begun.
    ///
    /// systemd ≥ 253 requires the timestamp to match the reload to the request; 252 ignores it.
    /// Send `ready()` when the reload is done.
    @discardableResult
    public func reloading(status: String? = nil) -> Result<Delivery, ServiceSupportError> {
        var fields = [("RELOADING", "1"), ("MONOTONIC_USEC", String(Self.monotonicMicroseconds()))]
        if let status { fields.append(("STATUS", Self.singleLine(status))) }
        return send(ordered: fields)
    }

    /// `STOPPING=1`: shutdown has begun.
    @discardableResult
    public func stopping(status: String? = nil) -> Result<Delivery, ServiceSupportError> {
        var fields = [("STOPPING", "1")]
        if let status { fields.append(("STATUS", Self.singleLine(status))) }
        return send(ordered: fields)
    }

    /// `STATUS=<text>`: a one-line status shown by `systemctl status`; newlines become spaces.
    @discardableResult
    public func status(_ text: String) -> Result<Delivery, ServiceSupportError> {
        send(ordered: [("STATUS", Self.singleLine(text))])
    }

    /// `WATCHDOG=1`: the keep-alive ping; send it every `WatchdogConfiguration.pingInterval`.
    @discardableResult
    public func watchdog() -> Result<Delivery, ServiceSupportError> {
        send(ordered: [("WATCHDOG", "1")])
    }

    /// Sends arbitrary fields in one datagram, keys in sorted order.
    ///
    /// Keys must be non-empty and contain no `=` or newline; values must contain no newline.
    @discardableResult
    public func send(_ fields: [String: String]) -> Result<Delivery, ServiceSupportError> {
        send(ordered: fields.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Formats and sends `fields` in the given order.
    private func send(ordered fields: [(String, String)]) -> Result<Delivery, ServiceSupportError> {
        guard let socketAddress else { return .success(.notConfigured) }
        if let addressError { return .failure(addressError) }
        var message = ""
        for (key, value) in fields {
            if key.isEmpty || key.contains("=") || key.contains("\n") || value.contains("\n") {
                return .failure(
                    ServiceSupportError(.invalidNotification, "notification field \(key.debugDescription) is malformed")
                )
            }
            message += "\(key)=\(value)\n"
        }
        return Self.sendDatagram(message, to: socketAddress)
    }

    /// Rejects addresses the kernel cannot take: relative paths, `vsock:`, too long for sun_path.
    private static func validate(_ address: String) -> ServiceSupportError? {
        let capacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        guard address.hasPrefix("/") || address.hasPrefix("@") else {
            return ServiceSupportError(
                .invalidEnvironment,
                "NOTIFY_SOCKET=\(address.debugDescription) is neither an absolute path nor an @abstract name")
        }
        guard address.utf8.count > 1 else {
            return ServiceSupportError(.invalidEnvironment, "NOTIFY_SOCKET=\(address.debugDescription) names no socket")
        }
        // A path needs its terminating NUL inside sun_path; an abstract name swaps '@' for NUL.
        let needed = address.hasPrefix("@") ? address.utf8.count : address.utf8.count + 1
        guard needed <= capacity else {
            return ServiceSupportError(
                .invalidEnvironment, "NOTIFY_SOCKET is \(address.utf8.count) bytes; sun_path holds \(capacity)")
        }
        return nil
    }

    /// Sends one datagram to a path or abstract address with MSG_NOSIGNAL.
    private static func sendDatagram(_ message: String, to address: String) -> Result<Delivery, ServiceSupportError> {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.systemCall("socket(AF_UNIX, SOCK_DGRAM)")) }
        defer { close(fd) }

        var storage = sockaddr_un()
        storage.sun_family = sa_family_t(AF_UNIX)
        var nameBytes = Array(address.utf8)
        let isAbstract = nameBytes.first == UInt8(ascii: "@")
        if isAbstract { nameBytes[0] = 0 }
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: nameBytes)  // validate() guaranteed it fits; the rest stays zero
        }
        let pathOffset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        // Abstract names count exactly their bytes; paths include the terminating NUL.
        let length = socklen_t(pathOffset + nameBytes.count + (isAbstract ? 0 : 1))

        let bytes = Array(message.utf8)
        let sent = bytes.withUnsafeBytes { buffer in
            withUnsafePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL), address, length)
                }
            }
        }
        guard sent == bytes.count else {
            return .failure(.systemCall("sendto(\(address))", path: isAbstract ? nil : address))
        }
        return .success(.sent)
    }

    /// STATUS= is one line: systemd would otherwise read the next line as another field.
    private static func singleLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }

    /// CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC against.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
    }
}
