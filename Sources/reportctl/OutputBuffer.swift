// OutputBuffer: buffered, byte-exact writes to stdout. Report texts are written as
// the bytes the server returned (no String round trip), which is what makes
// `reportctl get` byte-identical. Not thread-safe; one per command run.
#if canImport(Glibc)
import Glibc
#endif

/// A growable byte buffer flushed to stdout in large writes.
struct OutputBuffer {
    private var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(1 << 16)
    }

    /// Appends raw bytes.
    mutating func write<C: Collection>(_ data: C) where C.Element == UInt8 {
        bytes.append(contentsOf: data)
        if bytes.count >= 1 << 16 { flush() }
    }

    /// Appends a string's UTF-8.
    mutating func write(_ text: String) {
        write(text.utf8)
    }

    /// Writes everything buffered to stdout.
    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 {
                    if n < 0 && errno == EINTR { continue }
                    // stdout is gone (a full disk, a closed pipe with SIGPIPE ignored): say so, as
                    // cat does, rather than let a truncated file pass for the output.
                    let reason = n < 0 ? String(cString: strerror(errno)) : "nothing was written"
                    StandardError.print("reportctl: cannot write to standard output: \(reason)")
                    exit(ExitStatus.outputFailed)
                }
                offset += n
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }
}
