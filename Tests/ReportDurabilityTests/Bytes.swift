// Bytes: whole-file and single-byte helpers for damaging files, and deterministic pseudo-random
// fixture bytes. Stateless.
import Foundation

@testable import ReportDurability

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
