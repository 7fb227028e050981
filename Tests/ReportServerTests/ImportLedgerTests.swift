// The data directory is the source of truth: a PUT or DEL of an id that an import directory
// also holds is never reverted by `reportctl reload` nor by a restart with --import, while a
// source file changed since it was last imported is still applied (the import ledger,
// docs/DURABILITY.md §9). Real reportd and reportctl processes.
import Foundation
import Testing

@Suite("imports never revert acknowledged writes")
struct ImportLedgerTests {
    static func get(_ socket: String, _ ids: [String]) throws -> [String: String] {
        let run = try ReportctlTests.reportctl(["--socket", socket, "--json", "get"] + ids)
        var found: [String: String] = [:]
        for line in String(decoding: run.stdout, as: UTF8.self).split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            if let id = object?["id"] as? String, object?["found"] as? Bool == true, let text = object?["text"] as? String {
                found[id] = text
            }
        }
        return found
    }

    @Test("PUT and DEL of imported ids stay after reload and after a restart with --import; a changed file still applies")
    func putAndDeleteSurviveReloadAndRestart() throws {
        let source = try DaemonProcess.makeCorpus([
            "a": Array("Tin A\nbản đầu".utf8), "b": Array("Tin B\nbản đầu".utf8), "c": Array("Tin C\nbản đầu".utf8),
        ])
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("reportd-ledger-\(UUID().uuidString)")
        defer { for dir in [source, data] { try? FileManager.default.removeItem(at: dir) } }
        let arguments = ["--data-dir", data.path, "--import", source.path]
        do {
            let daemon = try DaemonProcess(arguments: arguments)
            defer { daemon.stop() }
            let socket = daemon.socketPath
            let put = try ReportctlTests.reportctl(["--socket", socket, "put", "--id", "a", "-"], stdin: Data("Tin A\nqua PUT".utf8))
            #expect(put.status == 0, "\(put.stderr)")
            #expect(try ReportctlTests.reportctl(["--socket", socket, "del", "b"]).status == 0)
            // c changes at the source: that change is applied, a and b stay as written.
            try Data("Tin C\nbản sửa".utf8).write(to: source.appendingPathComponent("c.txt"))
            let reload = try ReportctlTests.reportctl(["--socket", socket, "reload"])
            #expect(reload.status == 0, "\(reload.stderr)")
            #expect(try Self.get(socket, ["a", "b", "c"]) == ["a": "Tin A\nqua PUT", "c": "Tin C\nbản sửa"])
        }
        let again = try DaemonProcess(arguments: arguments)
        defer { again.stop() }
        #expect(try Self.get(again.socketPath, ["a", "b", "c"]) == ["a": "Tin A\nqua PUT", "c": "Tin C\nbản sửa"])
        let reload = try ReportctlTests.reportctl(["--socket", again.socketPath, "reload"])
        #expect(reload.status == 0, "\(reload.stderr)")
        #expect(try Self.get(again.socketPath, ["a", "b", "c"]) == ["a": "Tin A\nqua PUT", "c": "Tin C\nbản sửa"])
        #expect(FileManager.default.fileExists(atPath: data.appendingPathComponent("imports.rdimp").path))
    }
}
