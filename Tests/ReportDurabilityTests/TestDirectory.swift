// TestDirectory: a fresh temporary directory per test, removed at the end, plus byte-level
// helpers for damaging files. Used by one test at a time.
import Foundation
import Testing

@testable import ReportDurability

/// A temporary directory that removes itself.
final class TestDirectory {
    let path: String

    init(_ name: String = #function) {
        let safe = name.filter { $0.isLetter || $0.isNumber }
        path = NSTemporaryDirectory() + "reportd-durable-\(safe)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }

    /// Names in the directory, sorted.
    func names() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted() }
}

/// Whole-file byte helpers.
enum Bytes {
    static func read(_ path: String) -> [UInt8] { [UInt8](FileManager.default.contents(atPath: path) ?? Data()) }

    /// Replaces the file's contents.
    static func write(_ bytes: [UInt8], to path: String) {
        let file = try! PosixFile.openForWriting(path)
        try! file.truncate(to: 0)
        try! file.write(bytes, at: 0)
        file.close()
    }

    /// Overwrites one byte in place. (Rewriting a whole file through truncate-to-zero makes
    /// ext4 flush it on close; the byte-flip tests would take seconds.)
    static func patch(_ path: String, at offset: Int, to value: UInt8) {
        let file = try! PosixFile.openForWriting(path, create: false)
        try! file.write([value], at: UInt64(offset))
        file.close()
    }

    /// Cuts the file to `length` bytes.
    static func truncate(_ path: String, to length: Int) {
        let file = try! PosixFile.openForWriting(path, create: false)
        try! file.truncate(to: UInt64(length))
        file.close()
    }

    /// `bytes` with the byte at `offset` XORed with 0x5A.
    static func flipped(_ bytes: [UInt8], at offset: Int) -> [UInt8] {
        var copy = bytes
        copy[offset] ^= 0x5A
        return copy
    }

    /// Deterministic pseudo-random bytes (xorshift), so fixtures need no external data.
    static func pseudoRandom(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed | 1
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }
}

/// Runs `body` and returns the DurabilityError it throws, recording an issue if it does not.
func durabilityError<T>(
    _ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) -> DurabilityError? {
    do {
        _ = try body()
        Issue.record("expected a DurabilityError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as DurabilityError {
        return error
    } catch {
        Issue.record("expected a DurabilityError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
