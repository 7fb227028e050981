// ReportPrinter: writes fetched reports for people (raw bytes, with '==> ID <=='
// headers for several) or for scripts (JSON Lines), and reports missing ids on stderr.
import NIOCore
import ReportProtocol

/// Output of `reportctl get`.
struct ReportPrinter {
    let json: Bool
    let headers: Bool
    private(set) var missing = 0
    private var out = OutputBuffer()

    init(json: Bool, headers: Bool) {
        self.json = json
        self.headers = headers
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
                if headers { out.write("==> \(id) <==\n") }
                out.write(bytes)
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
