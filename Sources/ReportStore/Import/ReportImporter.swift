// ReportImporter: the reading half of an import. Walks the sources in order (directories
// recursively, entries sorted by name), reads `.txt` reports and JSON Lines into one
// RawCorpus, and records every skipped input as an ImportIssue. Nothing here throws: bad
// input becomes an issue and the import goes on.
// Invariant: every input is either in the corpus or in `issues` (exactly once).
// Not thread-safe: one importer per load, used by one thread.
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads import sources into a RawCorpus.
struct ReportImporter {
    private enum Kind { case text, jsonLines }

    let options: ImportOptions
    var corpus = RawCorpus()
    var issues: [ImportIssue] = []
    private let progress: (@Sendable (ImportProgress) -> Void)?
    private var filesDone = 0
    /// Reused read buffer (see `readAll`).
    private var scratch: [UInt8] = []
    private var lastProgress = ContinuousClock.now

    init(options: ImportOptions, progress: (@Sendable (ImportProgress) -> Void)?) {
        self.options = options
        self.progress = progress
    }

    private var maxBytes: Int { min(max(options.maxReportBytes, 0), Int(UInt32.max)) }

    /// Reads every source, in order.
    mutating func load(_ sources: [ImportSource]) {
        for source in sources {
            switch source {
            case .path("-"):
                let data = FileHandle.standardInput.readDataToEndOfFile()
                data.withUnsafeBytes { readJSONLines($0, name: "<stdin>") }
            case .path(let path):
                // Walk first, then reserve the whole text buffer at once: one large allocation
                // instead of a doubling chain, whose frees would raise malloc's dynamic mmap
                // threshold and leave later import buffers stranded in the heap.
                var files: [FoundFile] = []
                collect(path, explicit: true, depth: 0, into: &files)
                let textBytes = files.reduce(0) { $0 + ($1.jsonLines ? 0 : min($1.size, maxBytes)) }
                corpus.bytes.reserveCapacity(corpus.bytes.count + textBytes + 1)
                for file in files {
                    if file.jsonLines {
                        readJSONLinesFile(file.path)
                    } else {
                        readTextFile(file.path, rawID: file.stem, size: file.size)
                    }
                }
            case .jsonLines(let data, let name):
                data.withUnsafeBytes { readJSONLines($0, name: name) }
            }
        }
    }

    /// A report file or JSON Lines file found by the walk.
    private struct FoundFile {
        var path: String
        var stem: String
        var jsonLines: Bool
        var size: Int
    }

    /// Lists the files under `path` to read, in order; problems with the walk become issues.
    private mutating func collect(_ path: String, explicit: Bool, depth: Int, into files: inout [FoundFile]) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            issue(path, .io, "cannot stat: \(String(cString: strerror(errno)))")
            return
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            // Symlink loops would recurse forever; real corpora are nowhere near this deep.
            guard depth < 64 else {
                issue(path, .io, "directory nesting deeper than 64 levels; skipped")
                return
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            } catch {
                issue(path, .io, "cannot list directory")
                return
            }
            for name in names {
                collect(path.hasSuffix("/") ? path + name : path + "/" + name, explicit: false, depth: depth + 1, into: &files)
            }
            return
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            if explicit { issue(path, .io, "not a regular file or directory") }
            return
        }
        let name = (path as NSString).lastPathComponent
        // Split at the last dot ourselves: ".txt" is then a report with an empty (invalid) ID,
        // where NSString would call it an extension-less hidden file.
        let dot = name.lastIndex(of: ".")
        let ext = dot.map { name[name.index(after: $0)...].lowercased() } ?? ""
        let stem = dot.map { String(name[..<$0]) } ?? name
        let size = Int(info.st_size)
        switch ext {
        case "jsonl", "ndjson":
            files.append(FoundFile(path: path, stem: stem, jsonLines: true, size: size))
        case "txt":
            files.append(FoundFile(path: path, stem: stem, jsonLines: false, size: size))
        default:
            // A file named explicitly is a report whatever its extension; in a directory
            // only *.txt counts.
            if explicit { files.append(FoundFile(path: path, stem: stem, jsonLines: false, size: size)) }
        }
    }

    private mutating func readTextFile(_ path: String, rawID: String, size: Int) {
        guard let id = ReportID(rawID) else {
            issue(path, .invalidID, ReportID.problem(with: rawID) ?? "invalid report id")
            return
        }
        if let first = corpus.origins[id] {
            issue(path, .invalidID, "duplicate report id \"\(id)\" (first seen in \(first)); skipped")
            return
        }
        // Reject by the size stat reports before allocating anything.
        guard size <= maxBytes else {
            issue(path, .tooLarge, "report is \(size) bytes, over the limit of \(maxBytes)")
            return
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            issue(path, .io, "cannot open: \(String(cString: strerror(errno)))")
            return
        }
        defer { close(fd) }
        let start = corpus.bytes.count
        // Read up to one byte past the limit so a file that grew since stat is still caught.
        guard readAll(fd, limit: maxBytes + 1, hint: size) else {
            corpus.bytes.removeSubrange(start...)
            issue(path, .io, "read failed: \(String(cString: strerror(errno)))")
            return
        }
        let length = corpus.bytes.count - start
        if let (code, reason) = corpus.commit(id: id, from: start, origin: path, maxBytes: maxBytes) {
            issue(path, code, reason)
        } else {
            tick(bytes: length)
        }
    }

    /// Appends the rest of `fd` (at most `limit` bytes) to the corpus buffer.
    private mutating func readAll(_ fd: Int32, limit: Int, hint: Int) -> Bool {
        // Read through a scratch buffer and append with one memcpy per chunk: growing and
        // trimming `corpus.bytes` element by element costs ~10 µs per KiB in debug builds.
        var total = 0
        while total < limit {
            // First ask for the stat size plus one (EOF in one or two calls), then 64 KiB steps.
            let want = min(limit - total, total == 0 ? hint + 1 : 1 << 16)
            if scratch.count < want { scratch = [UInt8](repeating: 0, count: want) }
            let n = scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress!, want) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            if n == 0 { break }
            scratch.withUnsafeBytes { corpus.bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            total += n
        }
        return true
    }

    private mutating func readJSONLinesFile(_ path: String) {
        guard let data = FileManager.default.contents(atPath: path) else {
            issue(path, .io, "cannot read file")
            return
        }
        data.withUnsafeBytes { readJSONLines($0, name: path) }
    }

    private mutating func readJSONLines(_ data: UnsafeRawBufferPointer, name: String) {
        JSONLinesReader.forEachLine(data) { lineNumber, verdict in
            switch verdict {
            case .problem(let code, let reason):
                issues.append(ImportIssue(path: name, line: lineNumber, code: code, reason: reason))
            case .report(let id, let text):
                let start = corpus.bytes.count
                corpus.bytes.append(contentsOf: text.utf8)
                let origin = "\(name):\(lineNumber)"
                if let (code, reason) = corpus.commit(id: id, from: start, origin: origin, maxBytes: maxBytes) {
                    issues.append(ImportIssue(path: name, line: lineNumber, code: code, reason: reason))
                } else {
                    tick(bytes: text.utf8.count)
                }
            }
        }
    }

    private mutating func issue(_ path: String, _ code: StoreError.Code, _ reason: String) {
        issues.append(ImportIssue(path: path, code: code, reason: reason))
    }

    private mutating func tick(bytes: Int) {
        filesDone += 1
        guard let progress else { return }
        let now = ContinuousClock.now
        if now - lastProgress >= .seconds(options.progressInterval) {
            lastProgress = now
            progress(ImportProgress(phase: .reading, filesDone: filesDone, bytesDone: corpus.bytes.count))
        }
    }
}
