// PipelinedWriter: sends PUTs with up to `window` unanswered, matches each answer to its
// report in order, and prints one line per report (JSON) or per failure, plus progress and a
// summary. Keeps the pipe full so that reportd's group commit covers many writes per fsync.
// Not thread-safe: one command's helper.
import ArgumentParser
import Foundation
import NIOCore
import ReportClient
import ReportProtocol

/// Pipelined PUTs with per-report outcomes.
final class PipelinedWriter {
    private let client: ReportClient
    private let json: Bool
    private let quiet: Bool
    private let window: Int
    private let progress: Bool
    private var pending: [(id: String, origin: String, bytes: Int)] = []
    private var pendingHead = 0
    private var out = OutputBuffer()
    private var stored = 0
    private var storedBytes = 0
    private var failed = 0
    private var worstExit: Int32 = 0
    private let started = Date()
    private var lastProgress = Date()

    init(client: ReportClient, json: Bool, quiet: Bool, window: Int = 64, progress: Bool = false) {
        self.client = client
        self.json = json
        self.quiet = quiet
        self.window = window
        self.progress = progress
    }

    /// Queues one PUT, first reading answers while `window` are unanswered.
    func put(id: String, text: [UInt8], origin: String) {
        if let reason = WireLimit.refusal("id", id) {
            failLocally(id: id, path: origin, reason: reason)
            return
        }
        var body = ByteBuffer()
        body.writeBytes(text)
        client.connection.send(.put(id: id, text: body))
        pending.append((id, origin, text.count))
        while pending.count - pendingHead >= window { receiveOne() }
        if progress, Date().timeIntervalSince(lastProgress) >= 1 {
            lastProgress = Date()
            StandardError.print("import: \(Plural.of(stored, "report")) stored (\(storedBytes / 1_000_000) MB), \(failed) failed, \(pending.count - pendingHead) in flight")
        }
    }

    /// Records a report that could not even be sent (unreadable file, bad JSON line).
    func failLocally(id: String?, path: String, reason: String) {
        failed += 1
        worstExit = max(worstExit, ExitStatus.badRequest)
        StandardError.print("reportctl: \(path): \(reason)")
        if json {
            var line = JSONLine()
            if let id { line.string("id", id) }
            line.string("path", path)
            line.bool("ok", false)
            line.string("error", reason)
            out.write(line.finished())
        }
    }

    /// Waits for every answer, prints the summary, and throws the exit status if any failed.
    func finish() throws {
        while pendingHead < pending.count { receiveOne() }
        let seconds = Date().timeIntervalSince(started)
        if !json {
            if pending.count == 1 && failed == 0 {
                out.write("stored \(pending[0].id)\n")
            } else {
                let rate = seconds > 0 ? Int(Double(stored) / seconds) : stored
                out.write("stored \(Plural.of(stored, "report")) (\(Plural.of(storedBytes, "byte"))) in \(String(format: "%.2f", seconds)) s (\(rate)/s), \(failed) failed\n")
            }
        }
        out.flush()
        if worstExit != 0 { throw ExitCode(worstExit) }
    }

    private func receiveOne() {
        let report = pending[pendingHead]
        pendingHead += 1
        let response: Response
        do {
            response = try client.connection.receive().response
        } catch {
            // The connection is gone: nothing further can be acknowledged.
            out.flush()
            StandardError.print("reportctl: \(error.message); \(Plural.of(stored, "report")) \(stored == 1 ? "was" : "were") stored and acknowledged before this")
            Foundation.exit(ExitStatus.code(for: error))
        }
        var line = JSONLine()
        line.string("id", report.id)
        if case .failure(let status, let message) = response {
            failed += 1
            let error = ClientError(.server(status), "PUT \(report.id) (\(report.origin)): \(status): \(message)")
            worstExit = max(worstExit, ExitStatus.code(for: error))
            StandardError.print("reportctl: \(error.message)")
            line.bool("ok", false)
            line.string("error", "\(status): \(message)")
        } else {
            stored += 1
            storedBytes += report.bytes
            line.bool("ok", true)
        }
        if json { out.write(line.finished()) }
        // Keep the bookkeeping small during long imports.
        if pendingHead > 4096 && pendingHead * 2 > pending.count {
            pending.removeFirst(pendingHead)
            pendingHead = 0
        }
    }
}
