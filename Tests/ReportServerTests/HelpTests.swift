// The command-line surface as reviewers see it: `reportctl --help` is pinned to a golden
// file so every CLI change shows in review, the completion scripts and the committed man
// page know every subcommand.
import Foundation
import Testing

@Suite("reportctl help, completions and man page")
struct HelpTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let subcommands = ["get", "search", "stats", "ping", "reload", "shutdown"]

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

    @Test("the committed man page documents every subcommand (scripts/generate-docs.sh)")
    func manPage() throws {
        let page = try String(contentsOf: Self.repository.appendingPathComponent("docs/man/reportctl.1"), encoding: .utf8)
        for name in Self.subcommands { #expect(page.contains(name), "docs/man/reportctl.1 lacks \(name)") }
    }
}
