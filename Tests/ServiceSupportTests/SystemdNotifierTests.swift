// Tests for SystemdNotifier: real datagrams to a socket the test binds itself.
import Glibc
import Testing

@testable import ServiceSupport

@Suite("SystemdNotifier")
struct SystemdNotifierTests {
    @Test("sends ready, status, stopping and watchdog as KEY=VALUE lines to a path socket")
    func pathSocket() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/notify"
        let receiver = try boundSocket(path, type: SOCK_DGRAM)
        defer { close(receiver) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])
        #expect(notifier.isEnabled)

        #expect(try notifier.ready().get() == .sent)
        #expect(try receiveDatagram(receiver) == "READY=1\n")
        #expect(try notifier.status("serving 10000 reports\nsecond line").get() == .sent)
        #expect(try receiveDatagram(receiver) == "STATUS=serving 10000 reports second line\n")
        #expect(try notifier.ready(status: "ready").get() == .sent)
        #expect(try receiveDatagram(receiver) == "READY=1\nSTATUS=ready\n")
        #expect(try notifier.stopping().get() == .sent)
        #expect(try receiveDatagram(receiver) == "STOPPING=1\n")
        #expect(try notifier.watchdog().get() == .sent)
        #expect(try receiveDatagram(receiver) == "WATCHDOG=1\n")
        #expect(try notifier.send(["STATUS": "x", "ERRNO": "5"]).get() == .sent)
        #expect(try receiveDatagram(receiver) == "ERRNO=5\nSTATUS=x\n")
    }

    @Test("reloading carries RELOADING=1 and a plausible CLOCK_MONOTONIC timestamp")
    func reloadingTimestamp() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let path = directory + "/notify"
        let receiver = try boundSocket(path, type: SOCK_DGRAM)
        defer { close(receiver) }
        let notifier = SystemdNotifier(notifySocket: path)

        let before = SystemdNotifier.monotonicMicroseconds()
        #expect(try notifier.reloading().get() == .sent)
        let after = SystemdNotifier.monotonicMicroseconds()
        let lines = try receiveDatagram(receiver).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first == "RELOADING=1")
        let stamp = try #require(
            lines.last.flatMap { $0.hasPrefix("MONOTONIC_USEC=") ? UInt64($0.dropFirst(15)) : nil })
        #expect(stamp >= before && stamp <= after)
        // Compare with the clock directly: same clock and unit (µs, not ns or s).
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        #expect(UInt64(now.tv_sec) >= stamp / 1_000_000)
        #expect(UInt64(now.tv_sec) - stamp / 1_000_000 <= 2)
    }

    @Test("an @name reaches an abstract socket: NUL first, no trailing NUL")
    func abstractSocket() throws {
        let name = "@reportd-test-notify-\(uniqueSuffix())"
        let receiver = try boundSocket(name, type: SOCK_DGRAM)
        defer { close(receiver) }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": name])
        #expect(try notifier.ready().get() == .sent)
        #expect(try receiveDatagram(receiver) == "READY=1\n")

        // The bound name has exactly the bytes after '@': a trailing NUL would be another name.
        var address = sockaddr_un()
        var length = socklen_t(MemoryLayout<sockaddr_un>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(receiver, $0, &length) }
        }
        let offset = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        #expect(Int(length) == offset + name.utf8.count)
    }

    @Test("without NOTIFY_SOCKET every call is a no-op")
    func disabled() throws {
        for notifier in [SystemdNotifier(environment: [:]), SystemdNotifier(notifySocket: "")] {
            #expect(!notifier.isEnabled)
            #expect(try notifier.ready().get() == .notConfigured)
            #expect(try notifier.reloading().get() == .notConfigured)
            #expect(try notifier.watchdog().get() == .notConfigured)
        }
    }

    @Test("a socket nobody listens on is an error value, not a crash")
    func missingReceiver() throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let result = SystemdNotifier(notifySocket: directory + "/absent").ready()
        guard case .failure(let error) = result else {
            Issue.record("expected failure, got \(result)")
            return
        }
        #expect(error.code == .systemCallFailed)
        #expect(error.errno == ENOENT)
    }

    @Test(
        "relative, vsock and over-long addresses are rejected",
        arguments: [
            "relative/notify", "vsock:2:1234", "/" + String(repeating: "a", count: 108), "@",
        ])
    func invalidAddress(_ address: String) {
        let result = SystemdNotifier(notifySocket: address).ready()
        guard case .failure(let error) = result else {
            Issue.record("expected failure for \(address), got \(result)")
            return
        }
        #expect(error.code == .invalidEnvironment)
    }

    @Test("malformed fields are refused before anything is sent")
    func malformedFields() {
        let notifier = SystemdNotifier(notifySocket: "/nonexistent/notify")
        for fields in [["": "1"], ["A=B": "1"], ["STATUS": "two\nlines"]] {
            guard case .failure(let error) = notifier.send(fields) else {
                Issue.record("expected failure for \(fields)")
                continue
            }
            #expect(error.code == .invalidNotification)
        }
    }
}
