// Put, Del, Import and Snapshot: the write and persistence commands (PROTOCOL.md §5.9-5.11).
// They need a peer uid/gid the daemon's write policy admits; others get "permission
// denied" (exit 70). Each write is acknowledged only once reportd has logged it as its
// --appendfsync promises, so a success here means the write survives a crash.
import ArgumentParser
import Foundation
import ReportClient
import ReportProtocol

struct Put: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add or replace reports from files (admin).",
        discussion: """
            The report id is the file name without its extension; --id names it instead (one \
            file, or - for the text on stdin). The text is stored byte for byte and must be UTF-8.

            Examples:
              reportctl put 9001.txt 9002.txt
              reportctl put --id 9003 draft.txt
              generate-report | reportctl put --id 9004 -
            """
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    @Option(help: ArgumentHelp("Report id (only with a single file or -).", valueName: "id"))
    var id: String?

    @Argument(help: ArgumentHelp("Report files, or - for stdin (with --id).", valueName: "file"))
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file, or --id ID -") }
        if id != nil && files.count != 1 { throw ValidationError("--id names one report: give exactly one file or -") }
        if files.contains("-") && id == nil { throw ValidationError("text on stdin (-) needs --id") }
    }

    func run() throws {
        var reports: [(id: String, path: String)] = []
        for file in files {
            let name = id ?? ((file as NSString).lastPathComponent as NSString).deletingPathExtension
            reports.append((name, file))
        }
        let client = try connection.connect()
        let writer = PipelinedWriter(client: client, json: connection.json, quiet: false)
        for report in reports {
            guard let text = ReportFiles.read(report.path) else {
                writer.failLocally(id: report.id, path: report.path, reason: ReportFiles.unreadable(report.path))
                continue
            }
            writer.put(id: report.id, text: text, origin: report.path)
        }
        try writer.finish()
    }
}

struct Del: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "del",
        abstract: "Delete reports by id (admin).",
        discussion: "A missing id is reported on stderr and makes the exit status 1.\n\nExample:\n  reportctl del 9001 9002"
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    @Argument(help: ArgumentHelp("Report ids.", valueName: "id"))
    var ids: [String]

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("give at least one id") }
    }

    func run() throws {
        do { try WireLimit.check("id", ids) } catch { throw ExitStatus.fail(error) }
        let client = try connection.connect()
        var out = OutputBuffer()
        var missing = 0
        do {
            try client.pipeline(ids.map { Request.delete(id: $0) }, window: 64) { (i: Int, response: Response) throws(ClientError) in
                var found = true
                if case .failure(let status, _) = response, status == .notFound {
                    found = false
                    missing += 1
                    StandardError.print("reportctl: report \(ids[i]) not found")
                } else {
                    _ = try ReportClient.expectOK(response, "DEL \(ids[i])")
                }
                if connection.json {
                    var line = JSONLine()
                    line.string("id", ids[i])
                    line.bool("deleted", found)
                    out.write(line.finished())
                } else if found {
                    out.write("deleted \(ids[i])\n")
                }
            }
        } catch {
            out.flush()
            throw ExitStatus.fail(error)
        }
        out.flush()
        if missing > 0 { throw ExitCode(ExitStatus.notFound) }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stream report files into reportd as pipelined PUTs (admin).",
        discussion: """
            A directory is read recursively (*.txt: id = file name without .txt; *.jsonl: one \
            {"id": ..., "text": ...} per line). Many PUTs are in flight at once, so with \
            appendfsync=always one disk sync covers a whole batch (group commit). Progress goes \
            to stderr; a report reportd refuses is named on stderr and the rest go on.

            Examples:
              reportctl import ./reports
              reportctl import a.jsonl b/ --window 512
              generate-reports | reportctl import -      # JSON Lines on stdin
            """
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    @Argument(help: ArgumentHelp("Files or directories, or - for JSON Lines on stdin.", valueName: "path"))
    var paths: [String]

    @Option(help: ArgumentHelp("PUT requests in flight at once.", valueName: "n"))
    var window: Int = 256

    @Flag(help: "No progress lines.")
    var quiet = false

    func validate() throws {
        guard !paths.isEmpty else { throw ValidationError("give at least one file or directory") }
        guard window > 0 else { throw ValidationError("--window must be positive") }
    }

    func run() throws {
        let client = try connection.connect()
        let writer = PipelinedWriter(client: client, json: connection.json, quiet: quiet, window: window, progress: !quiet)
        for path in paths {
            ReportFiles.walk(path) { item in
                switch item {
                case .report(let id, let text, let origin): writer.put(id: id, text: text, origin: origin)
                case .problem(let origin, let reason): writer.failLocally(id: nil, path: origin, reason: reason)
                }
            }
        }
        try writer.finish()
    }
}

struct Snapshot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make reportd write a snapshot of its data directory now (admin).",
        discussion: "Returns once the snapshot is on disk. Writes go on meanwhile. Needs reportd --data-dir."
    )

    @ParentCommand var root: ReportCtl
    @OptionGroup(title: "Shared options") var shared: ConnectionOptions
    private var connection: ConnectionOptions { shared.merged(over: root.connection) }

    func run() throws {
        try AdminRequest.send(.snapshot, connection: connection, done: "snapshot written")
    }
}
