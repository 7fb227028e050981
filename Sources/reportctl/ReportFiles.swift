// ReportFiles: finds and reads the reports `reportctl put` and `import` send: .txt files
// (id = file name without extension, text = the file's bytes) and JSON Lines files
// ({"id": ..., "text": ...} per line). Directories are walked recursively in name order.
// Stateless.
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reading report files for the write commands.
enum ReportFiles {
    /// One report found, or one input that could not be used.
    enum Item {
        case report(id: String, text: [UInt8], origin: String)
        case problem(origin: String, reason: String)
    }

    /// The bytes of `path`, or stdin for `-`; nil when unreadable.
    static func read(_ path: String) -> [UInt8]? {
        if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        return FileManager.default.contents(atPath: path).map { Array($0) }
    }

    /// Why ``read(_:)`` found `path` unreadable, in the system's words: "cannot read the file:
    /// Permission denied" (or "Is a directory", "No such file or directory").
    static func unreadable(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "cannot read the file: " + String(cString: strerror(errno)) }
        defer { close(fd) }
        var byte: UInt8 = 0
        guard Glibc.read(fd, &byte, 1) >= 0 else { return "cannot read the file: " + String(cString: strerror(errno)) }
        return "cannot read the file"
    }

    /// Calls `body` for every report under `path`, in name order; `-` is JSON Lines on stdin.
    static func walk(_ path: String, _ body: (Item) -> Void) {
        if path == "-" {
            return readJSONLines(FileHandle.standardInput.readDataToEndOfFile(), name: "<stdin>", body)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return body(.problem(origin: path, reason: "no such file or directory"))
        }
        if isDirectory.boolValue {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else {
                return body(.problem(origin: path, reason: "cannot read the directory"))
            }
            for name in names.sorted() where !name.hasPrefix(".") {
                let child = (path as NSString).appendingPathComponent(name)
                var childIsDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: child, isDirectory: &childIsDirectory)
                if childIsDirectory.boolValue || name.hasSuffix(".txt") || name.hasSuffix(".jsonl") { walk(child, body) }
            }
        } else if path.hasSuffix(".jsonl") {
            readJSONLines(path, body)
        } else {
            guard let text = read(path) else { return body(.problem(origin: path, reason: unreadable(path))) }
            let id = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            body(.report(id: id, text: text, origin: path))
        }
    }

    private static func readJSONLines(_ path: String, _ body: (Item) -> Void) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return body(.problem(origin: path, reason: unreadable(path)))
        }
        readJSONLines(data, name: path, body)
    }

    private static func readJSONLines(_ data: Data, name path: String, _ body: (Item) -> Void) {
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let origin = "\(path):\(lineNumber)"
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let id = object["id"] as? String, let text = object["text"] as? String
            else {
                body(.problem(origin: origin, reason: "expected {\"id\": \"...\", \"text\": \"...\"}"))
                continue
            }
            body(.report(id: id, text: Array(text.utf8), origin: origin))
        }
    }
}
