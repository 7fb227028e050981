// Reload and Shutdown: the admin requests (PROTOCOL.md §5, §10). They need a peer
// uid/gid the daemon's write policy admits; others get "permission denied" (exit 70).
import ArgumentParser
import ReportClient
import ReportProtocol

struct Reload: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make reportd re-read its config and import directories (admin).",
        discussion: "The new corpus replaces the old one atomically; on any failure the old one stays and the reason is printed."
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    func run() throws {
        try AdminRequest.send(.reload, connection: connection, done: "reloaded")
    }
}

struct Shutdown: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop reportd gracefully (admin).")

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    func run() throws {
        try AdminRequest.send(.shutdown, connection: connection, done: "reportd is stopping")
    }
}

/// Sends one admin request and reports the outcome.
enum AdminRequest {
    static func send(_ request: Request, connection: ConnectionOptions, done: String) throws {
        let client = try connection.connect()
        do {
            _ = try ReportClient.expectOK(client.connection.call(request), "\(request.opcode)")
        } catch {
            throw ExitStatus.fail(error)
        }
        var out = OutputBuffer()
        if connection.json {
            var line = JSONLine()
            line.bool("ok", true)
            out.write(line.finished())
        } else {
            out.write(done + "\n")
        }
        out.flush()
    }
}
