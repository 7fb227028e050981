// The command-line surface as reviewers see it: `reportctl --help` is pinned to a golden
// file so every CLI change shows in review, the completion scripts know every subcommand,
// and the committed man pages are current, in UTF-8, and read by man(1) without warnings.
import Foundation
import Testing

@Suite("reportctl help, completions and man page")
struct HelpTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let subcommands = ["get", "search", "count", "stats", "ping", "shell", "reload", "shutdown"]

    static func reportctl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = DaemonProcess.binDirectory.appendingPathComponent("reportctl")
        process.arguments = arguments
        process.environment = ["COLUMNS": "100", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text
    }

    @Test("reportctl --help matches Tests/ReportServerTests/Golden/reportctl-help.txt")
    func helpIsPinned() throws {
        let golden = Self.repository.appendingPathComponent("Tests/ReportServerTests/Golden/reportctl-help.txt")
        let help = try Self.reportctl(["--help"])
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try Data(help.utf8).write(to: golden)
        }
        #expect(help == (try String(contentsOf: golden, encoding: .utf8)), "run with UPDATE_GOLDEN=1 after a deliberate change")
        for name in Self.subcommands { #expect(help.contains("  \(name) ")) }
    }

    @Test("bash, zsh and fish completions offer every subcommand")
    func completions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try Self.reportctl(["--generate-completion-script", shell])
            for name in Self.subcommands { #expect(script.contains(name), "\(shell) completion lacks \(name)") }
        }
    }

    @Test("the committed man pages document every subcommand, keep their Vietnamese and read without warnings")
    func manPages() throws {
        let page = try String(contentsOf: Self.repository.appendingPathComponent("docs/man/reportctl.1"), encoding: .utf8)
        for name in Self.subcommands { #expect(page.contains(".SS reportctl \(name)"), "docs/man/reportctl.1 lacks \(name)") }
        #expect(page.contains("search Bộ Công Thương"), "non-ASCII kept (scripts/generate-docs.sh)")
        for name in ["reportd", "reportctl"] {
            let path = Self.repository.appendingPathComponent("docs/man/\(name).1").path
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/man")
            process.arguments = ["--warnings", "-l", path]
            process.environment = ["LC_ALL": "C.UTF-8", "MANWIDTH": "100", "PATH": "/usr/bin:/bin", "MAN_KEEP_FORMATTING": ""]
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let warnings = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            #expect(warnings.isEmpty, "man -l \(name).1: \(warnings)")
            #expect(text.contains("\(name.uppercased())(1)"))
            // The page is what scripts/generate-docs.sh makes from today's --help (the date aside).
            #expect(try Self.regeneratedPage(name) == Self.withoutDate(try String(contentsOfFile: path, encoding: .utf8)),
                    "docs/man/\(name).1 is stale: run scripts/generate-docs.sh")
        }
    }

    private static func withoutDate(_ page: String) -> String {
        page.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(".TH ") }.joined(separator: "\n")
    }

    /// The page scripts/man-from-help.py writes from the built executable's help, without its .TH line.
    static func regeneratedPage(_ name: String) throws -> String {
        let dump = Process()
        dump.executableURL = DaemonProcess.binDirectory.appendingPathComponent(name)
        dump.arguments = ["--experimental-dump-help"]
        let json = Pipe()
        dump.standardOutput = json
        let convert = Process()
        convert.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        convert.arguments = [repository.appendingPathComponent("scripts/man-from-help.py").path, name, "date"]
        convert.standardInput = json
        let out = Pipe()
        convert.standardOutput = out
        try dump.run()
        try convert.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        dump.waitUntilExit()
        convert.waitUntilExit()
        return withoutDate(text)
    }
}
