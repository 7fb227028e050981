// Tests that run the shell scripts in scripts/: unit verification and the installer's dry run.
//
// verify-units.sh needs systemd-analyze (Debian package `systemd`; present on the CI machine).
// Where it is missing the verify tests are skipped with that reason in the test output; the
// installer tests always run.
import Foundation
import Testing

@testable import ServiceSupport

/// Output and exit status of a finished script.
struct ScriptRun {
    var status: Int32
    var output: String
}

/// Runs `/bin/sh script arguments...`, capturing stdout and stderr together.
func runScript(_ script: String, _ arguments: [String] = []) throws -> ScriptRun {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = [script] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ScriptRun(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
}

let systemdAnalyzeAvailable = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].contains {
    FileManager.default.isExecutableFile(atPath: $0)
}

@Suite("scripts")
struct ScriptsTests {
    let scripts = repositoryRoot() + "/scripts"

    @Test(
        "verify-units.sh passes on the shipped units",
        .enabled(if: systemdAnalyzeAvailable, "systemd-analyze not installed (apt-get install systemd)"))
    func unitsVerify() throws {
        let run = try runScript(scripts + "/verify-units.sh")
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("verify-units: ok"), "\(run.output)")
    }

    @Test(
        "verify-units.sh fails on an unknown key and on a bad value, which systemd only warns about",
        .enabled(if: systemdAnalyzeAvailable, "systemd-analyze not installed (apt-get install systemd)"),
        arguments: [
            ("reportd.service", "ProtectHome=yes", "ProtectHome=yes\nProtectHomes=yes", "Unknown key"),
            ("reportd.socket", "SocketMode=0660", "SocketMode=066x", "Failed to parse mode"),
        ])
    func unitsVerifyCatchesMistakes(unit: String, original: String, broken: String, complaint: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { removeTree(directory) }
        let copy = directory + "/scripts"
        try FileManager.default.copyItem(atPath: scripts, toPath: copy)
        let text = try String(contentsOfFile: copy + "/" + unit, encoding: .utf8)
        #expect(text.contains(original))
        try text.replacingOccurrences(of: original, with: broken).write(
            toFile: copy + "/" + unit, atomically: true, encoding: .utf8)

        let run = try runScript(copy + "/verify-units.sh")
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("FAIL"), "\(run.output)")
        #expect(run.output.contains(complaint), "\(run.output)")
    }

    @Test(
        "every setting in a service unit's [Service] section carries a comment above it",
        arguments: [("reportd.service", 50), ("reportd-prometheus.service", 20)])
    func everyLineCommented(unit: String, minimumLines: Int) throws {
        let lines = try String(contentsOfFile: scripts + "/" + unit, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "[Service]"))
        let end = lines[start...].firstIndex(of: "[Install]") ?? lines.endIndex
        #expect(end - start > minimumLines)  // the section is long; make sure we are looking at it
        for index in start..<end where lines[index].contains("=") && !lines[index].hasPrefix("#") {
            let line = lines[index]
            // A setting is commented when the nearest non-setting line above it is a comment
            // (pairs such as SystemCallFilter/SystemCallErrorNumber share one comment).
            var above = index - 1
            while above >= 0, lines[above].contains("="), !lines[above].hasPrefix("#") { above -= 1 }
            #expect(above >= 0 && lines[above].hasPrefix("#"), "line \(index + 1) has no comment: \(line)")
        }
    }

    @Test("install.sh --dry-run prints every step and changes nothing")
    func installDryRun() throws {
        let prefix = try makeTemporaryDirectory() + "/prefix"
        defer { removeTree((prefix as NSString).deletingLastPathComponent) }
        let run = try runScript(scripts + "/install.sh", ["--dry-run", "--skip-build", "--prefix", prefix])
        #expect(run.status == 0, "\(run.output)")
        for expected in [
            "+ install -D -m 0755 \(repositoryRoot())/.build/release/reportd \(prefix)/bin/reportd",
            "+ install -D -m 0755 \(repositoryRoot())/.build/release/reportctl \(prefix)/bin/reportctl",
            "s|/usr/local/bin/reportd|\(prefix)/bin/reportd|; s|/usr/local/bin/reportctl|\(prefix)/bin/reportctl|'"
                + " scripts/reportd.service > /etc/systemd/system/reportd.service",
            "scripts/reportd-prometheus.timer > /etc/systemd/system/reportd-prometheus.timer",
            "+ \(prefix)/bin/reportctl --generate-completion-script bash > /usr/share/bash-completion/completions/reportctl",
            "dry run: nothing was changed",
        ] {
            #expect(run.output.contains(expected), "missing \(expected) in:\n\(run.output)")
        }
        // The import directory reportd.conf names is created (or found), and a dry run claims nothing.
        #expect(run.output.contains("/srv/reportd/import"), "\(run.output)")
        #expect(!run.output.contains("Installed"), "a dry run installs nothing: \(run.output)")
        // Either creates the account or reports it present; never both, never neither.
        #expect(
            run.output.contains("useradd --system --no-create-home") != run.output.contains("user reportd: present"))
        #expect(!FileManager.default.fileExists(atPath: prefix))
    }

    @Test("install.sh and uninstall.sh reject unknown options with status 2")
    func badOptions() throws {
        #expect(try runScript(scripts + "/install.sh", ["--bogus"]).status == 2)
        #expect(try runScript(scripts + "/uninstall.sh", ["--bogus"]).status == 2)
        let relative = try runScript(scripts + "/install.sh", ["--dry-run", "--prefix", "usr/local"])
        #expect(relative.status == 2)
    }

    @Test("uninstall.sh --dry-run keeps data unless --purge")
    func uninstallDryRun() throws {
        let keep = try runScript(scripts + "/uninstall.sh", ["--dry-run"])
        #expect(keep.status == 0)
        #expect(keep.output.contains("kept: /var/lib/reportd"))
        let purge = try runScript(scripts + "/uninstall.sh", ["--dry-run", "--purge"])
        #expect(purge.status == 0)
        #expect(!purge.output.contains("kept:"))
    }
}
