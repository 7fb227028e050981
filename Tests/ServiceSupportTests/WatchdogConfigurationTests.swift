// Tests for WatchdogConfiguration: explicit environments, no process state.
import Glibc
import Testing

@testable import ServiceSupport

@Suite("WatchdogConfiguration")
struct WatchdogConfigurationTests {
    @Test("WATCHDOG_USEC gives the timeout and pings at half of it")
    func halfInterval() throws {
        let configuration = try #require(try WatchdogConfiguration.fromEnvironment(["WATCHDOG_USEC": "30000000"]))
        #expect(configuration.timeout == .seconds(30))
        #expect(configuration.pingInterval == .seconds(15))
    }

    @Test("WATCHDOG_PID must be absent or ours")
    func pidCheck() throws {
        let mine: pid_t = 4242
        #expect(
            try WatchdogConfiguration.fromEnvironment(["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "4242"], pid: mine)
                != nil)
        #expect(
            try WatchdogConfiguration.fromEnvironment(["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"], pid: mine) == nil)
        #expect(try WatchdogConfiguration.fromEnvironment([:], pid: mine) == nil)
    }

    @Test(
        "malformed watchdog variables throw",
        arguments: [
            ["WATCHDOG_USEC": "0"], ["WATCHDOG_USEC": "-5"], ["WATCHDOG_USEC": "30s"],
            ["WATCHDOG_USEC": "1000", "WATCHDOG_PID": "abc"],
        ])
    func malformed(_ environment: [String: String]) {
        #expect(throws: ServiceSupportError.self) { try WatchdogConfiguration.fromEnvironment(environment) }
    }
}
