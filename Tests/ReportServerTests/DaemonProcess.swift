// DaemonProcess: starts the real `reportd` binary (built next to this test bundle) on a
// socket in a fresh temporary directory, waits until it accepts connections, and
// stops it. Each test owns its daemon, so tests run in parallel without sharing state.
import Foundation

/// A running reportd for one test.
final class DaemonProcess: @unchecked Sendable {
    let directory: URL
    let socketPath: String
    let process: Process
    private let stderrPipe = Pipe()

    /// The directory holding the built executables (reportd, reportctl): the test runner
    /// lives in .build/<triple>/<config>/, and so do they.
    static var binDirectory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var dir = executable.deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("reportd").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return executable.deletingLastPathComponent()
    }

    /// Starts reportctl with `arguments` on this daemon's socket as uid/gid 65534 (nobody, through
    /// setpriv), stdout discarded; the caller reads the returned stderr pipe. Needs root.
    func reportctlAsNobody(_ arguments: [String], stdin: Pipe? = nil) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups",
                             Self.binDirectory.appendingPathComponent("reportctl").path, "--socket", socketPath] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        if let stdin { process.standardInput = stdin }
        try process.run()
        return (process, err)
    }

    /// Runs reportctl as nobody to the end (see `reportctlAsNobody`): its exit status and stderr.
    func runReportctlAsNobody(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let (process, err) = try reportctlAsNobody(arguments)
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    /// Writes `reports` (id -> exact bytes) as <id>.txt files into a new temp dir.
    static func makeCorpus(_ reports: [String: [UInt8]]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("reportd-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (id, bytes) in reports {
            try Data(bytes).write(to: dir.appendingPathComponent("\(id).txt"))
        }
        return dir
    }

    /// Starts reportd with `arguments` (the socket is added) and waits for its socket.
    init(arguments: [String], socketPath: String? = nil, waitForSocket: Bool = true, environment: [String: String] = [:]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("reportd-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.socketPath = socketPath ?? directory.appendingPathComponent("r.sock").path
        process = Process()
        process.executableURL = Self.binDirectory.appendingPathComponent("reportd")
        process.arguments = ["--socket", self.socketPath] + arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardError = stderrPipe
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        if waitForSocket { try self.waitForSocket() }
    }

    /// Waits up to 20 s for the socket to accept connections.
    func waitForSocket() throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if !process.isRunning {
                throw TestFailure("reportd exited early with \(process.terminationStatus): \(stderrText())")
            }
            if FileManager.default.fileExists(atPath: socketPath), let probe = try? RawSocket(path: socketPath) {
                probe.close()
                return
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw TestFailure("reportd did not open \(socketPath) in time")
    }

    /// Sends SIGSTOP and waits (up to 5 s) until every thread of reportd is stopped: on a loaded
    /// machine a thread can still run a moment after kill(2) returns, and a request it reads then
    /// is answered, which a test of an unanswered request must not see.
    func pause() {
        Self.pause(pid: process.processIdentifier)
    }

    /// pause() for any process.
    static func pause(pid: pid_t) {
        kill(pid, SIGSTOP)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            let stopped = tasks.allSatisfy { task in
                guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                    let close = stat.lastIndex(of: ")"), stat.index(close, offsetBy: 2) < stat.endIndex
                else { return false }
                let state = stat[stat.index(close, offsetBy: 2)]
                return state == "T" || state == "t"
            }
            if !tasks.isEmpty && stopped { return }
            Thread.sleep(forTimeInterval: 0.005)
        }
    }

    /// Sends SIGTERM and waits for exit; returns the exit status.
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Everything reportd wrote to stderr so far (call after it exited for the full log).
    func stderrText() -> String {
        if process.isRunning { return "(still running)" }
        let data = stderrPipe.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self)
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A test failure with a message.
struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
