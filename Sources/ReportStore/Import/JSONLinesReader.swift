// JSONLinesReader: splits JSON Lines input (`{"id": "...", "text": "..."}` per line) into
// reports for the RawCorpus, turning every bad line into an ImportIssue with its line number.
// Blank lines are skipped silently; a trailing "\r" is dropped. Stateless; safe anywhere.
import Foundation

/// Parses JSON Lines into reports.
enum JSONLinesReader {
    /// One line's verdict: a report, or a problem.
    enum Line {
        case report(id: ReportID, text: String)
        case problem(StoreError.Code, String)
    }

    /// Calls `body(lineNumber, verdict)` for each non-blank line of `data`.
    static func forEachLine(_ data: UnsafeRawBufferPointer, _ body: (Int, Line) -> Void) {
        let bytes = data.bindMemory(to: UInt8.self)
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let next = end + 1
            if end > start && bytes[end - 1] == 0x0D { end -= 1 }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<end])
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                body(lineNumber, parse(line))
            }
            start = next
        }
    }

    static func parse(_ line: UnsafeBufferPointer<UInt8>) -> Line {
        guard String(validating: line, as: UTF8.self) != nil else {
            return .problem(.invalidUTF8, "line is not valid UTF-8")
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(buffer: line), options: [])
        } catch {
            return .problem(.io, "malformed JSON")
        }
        guard let fields = object as? [String: Any] else {
            return .problem(.io, "line is not a JSON object")
        }
        guard let rawID = fields["id"] as? String else {
            return .problem(.invalidID, "missing string field \"id\"")
        }
        guard let text = fields["text"] as? String else {
            return .problem(.io, "missing string field \"text\"")
        }
        guard let id = ReportID(rawID) else {
            return .problem(.invalidID, ReportID.problem(with: rawID) ?? "invalid report id")
        }
        return .report(id: id, text: text)
    }
}
