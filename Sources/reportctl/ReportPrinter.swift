// ReportPrinter: writes fetched reports for people (raw bytes, with '==> ID <=='
// headers for several) or for scripts (JSON Lines), and reports missing ids on stderr.
// On a terminal the text's control characters but tab and newline are shown as `\xHH`
// (TerminalText); to a file or pipe the bytes are exactly the stored ones.
import NIOCore
import ReportProtocol

/// Output of `reportctl get`.
struct ReportPrinter {
    let json: Bool
    let headers: Bool
    /// stdout is a terminal: show control characters as escapes rather than send them.
    let terminal: Bool
    private(set) var missing = 0
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
                if headers { out.write("==> \(terminal ? TerminalText.inert(id) : id) <==\n") }
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
            }
            out.flush()
            StandardError.print("reportctl: report \(id) not found")
        }
    }

    /// Flushes stdout.
    mutating func finish() {
        out.flush()
    }
}
