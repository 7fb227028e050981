// ReportPrinter: writes fetched reports for people (raw bytes, with '==> ID <=='
// headers for several) or for scripts (JSON Lines), one record per id asked for (missing
// and failed ids too), and reports missing and failed ids on stderr.
// On a terminal the text's control characters but tab and newline are shown as `\xHH` and
// its bidi controls, U+2028, U+2029 and U+FEFF as `\u{HHHH}` (TerminalText); to a file or
// pipe the bytes are exactly the stored ones.
import NIOCore
import ReportProtocol

/// Output of `reportctl get`.
struct ReportPrinter {
    let json: Bool
    let headers: Bool
    /// stdout is a terminal: show control characters as escapes rather than send them.
    let terminal: Bool
    private(set) var missing = 0
    /// Exit status of the last failed request (0: none failed).
    var failed: Int32 = 0
    private var out = OutputBuffer()

    init(json: Bool, headers: Bool, terminal: Bool) {
        self.json = json
        self.headers = headers
        self.terminal = terminal
    }

    /// Prints one answered id.
    mutating func print(id: String, item: ReportItem) {
        switch item {
        case .plain(let text):
            let bytes = text.readableBytesView
            if json {
                var line = JSONLine()
                line.string("id", id)
                line.bool("found", true)
                line.string("text", utf8: bytes)
                out.write(line.finished())
            } else {
                if headers { out.write("==> \(shown(id)) <==\n") }
                if terminal {
                    out.write(TerminalText.inert(utf8: bytes, newlines: .keep))
                } else {
                    out.write(bytes)
                }
                if headers, bytes.last != UInt8(ascii: "\n") { out.write("\n") }
            }
        case .missing, .deflate:
            // `.deflate` is only sent when asked for with the RAW flag, which `get` never sets.
            missing += 1
            if json {
                var line = JSONLine()
                line.string("id", id)
                line.bool("found", false)
                out.write(line.finished())
            } else if headers {
                out.write("==> \(shown(id)) <== (not found)\n")
            }
            out.flush()
            StandardError.print("reportctl: report '\(TerminalText.excerpt(id))' not found")
        }
    }

    /// Prints an id whose request failed: a record in its place on stdout (with --json or
    /// headers) and the message on stderr.
    mutating func printError(id: String, status: Status?, message: String) {
        if json {
            out.write(JSONLine.failure("id", id, message: message, status: status.map { "\($0)" }))
        } else if headers {
            out.write("==> \(shown(id)) <== (error: \(TerminalText.inert(message)))\n")
        }
        out.flush()
        StandardError.print("reportctl: report '\(TerminalText.excerpt(id))': \(TerminalText.inert(message))")
    }

    private func shown(_ id: String) -> String { terminal ? TerminalText.inert(id) : id }

    /// Flushes stdout.
    mutating func finish() {
        out.flush()
    }
}
