// Ping: `reportctl ping` — checks that reportd answers, and how fast.
import ArgumentParser
import ReportClient

#if canImport(Glibc)
import Glibc
#endif

struct Ping: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check that reportd answers and show the round-trip time.")

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    func run() throws {
        let client = try connection.connect()
        let start = ContinuousClock.now
        do {
            _ = try client.ping()
        } catch {
            throw ExitStatus.fail(error)
        }
        let elapsed = ContinuousClock.now - start
        let micros = Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6
        var out = OutputBuffer()
        if connection.json {
            var line = JSONLine()
            line.bool("ok", true)
            line.string("server", client.server.serverName)
            line.number("microseconds", (micros * 10).rounded() / 10)
            out.write(line.finished())
        } else {
            out.write("pong from \(client.server.serverName) in \(String(format: micros)) µs\n")
        }
        out.flush()
    }
}

private func String(format micros: Double) -> String {
    String((micros * 10).rounded() / 10)
}
