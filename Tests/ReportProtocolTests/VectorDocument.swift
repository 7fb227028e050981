// VectorDocument: test helper that reads the worked examples of protocol/PROTOCOL.md (fenced
// ```vector name=... direction=...``` blocks) and the JSON files of protocol/vectors/.
//
// Each block line is `hex bytes` + two or more spaces + the ASCII column; the ASCII column is
// checked against the bytes so a hand edit of one side shows up. Files are found from #filePath.

import Foundation
import NIOCore

/// One worked example: its name, direction and bytes.
struct Vector: Hashable {
    var name: String
    var direction: String
    var bytes: [UInt8]

    /// `5.3` from `get-request-5.3`, `6` from `unknown-opcode-request-6`.
    var section: String { String(name.split(separator: "-").last ?? "") }

    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }
}

/// Problems found while reading vectors; tests assert the list is empty.
struct VectorReadError: Error, CustomStringConvertible {
    var description: String
}

enum VectorDocument {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let protocolURL = repositoryRoot.appendingPathComponent("protocol/PROTOCOL.md")
    static let vectorsURL = repositoryRoot.appendingPathComponent("protocol/vectors")

    static func documentText() throws -> String {
        try String(contentsOf: protocolURL, encoding: .utf8)
    }

    /// The printable column: 0x21-0x7E as themselves, every other byte as `.`.
    static func asciiColumn(_ bytes: some Sequence<UInt8>) -> String {
        String(bytes.map { (0x21...0x7E).contains($0) ? Character(UnicodeScalar($0)) : "." })
    }

    /// Parses every `vector` block of a markdown text.
    static func parse(markdown: String) throws -> [Vector] {
        var vectors: [Vector] = []
        var current: Vector?
        for (number, rawLine) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let lineNumber = number + 1
            if var vector = current {
                if line == "```" {
                    vectors.append(vector)
                    current = nil
                    continue
                }
                vector.bytes += try parseDumpLine(line, lineNumber: lineNumber)
                current = vector
            } else if line.hasPrefix("```vector") {
                var attributes: [String: String] = [:]
                for field in line.dropFirst("```vector".count).split(separator: " ") {
                    let pair = field.split(separator: "=", maxSplits: 1)
                    guard pair.count == 2 else {
                        throw VectorReadError(description: "line \(lineNumber): bad attribute \(field)")
                    }
                    attributes[String(pair[0])] = String(pair[1])
                }
                guard let name = attributes["name"], let direction = attributes["direction"],
                    direction == "request" || direction == "response"
                else {
                    throw VectorReadError(
                        description: "line \(lineNumber): vector needs name= and direction=request|response")
                }
                current = Vector(name: name, direction: direction, bytes: [])
            }
        }
        if let current {
            throw VectorReadError(description: "vector \(current.name) is not closed with ```")
        }
        return vectors
    }

    static func parseDumpLine(_ line: String, lineNumber: Int) throws -> [UInt8] {
        guard let gap = line.range(of: "  ") else {
            throw VectorReadError(description: "line \(lineNumber): no ASCII column in '\(line)'")
        }
        let hexPart = line[..<gap.lowerBound]
        let asciiPart = line[gap.upperBound...].drop(while: { $0 == " " })
        var bytes: [UInt8] = []
        for token in hexPart.split(separator: " ", omittingEmptySubsequences: false) {
            guard token.count == 2, let byte = UInt8(token, radix: 16) else {
                throw VectorReadError(description: "line \(lineNumber): '\(token)' is not a hex byte")
            }
            bytes.append(byte)
        }
        guard bytes.count <= 16 else {
            throw VectorReadError(description: "line \(lineNumber): more than 16 bytes")
        }
        guard String(asciiPart) == asciiColumn(bytes) else {
            throw VectorReadError(
                description:
                    "line \(lineNumber): ASCII column '\(asciiPart)' does not match bytes ('\(asciiColumn(bytes))')")
        }
        return bytes
    }

    /// All vectors of PROTOCOL.md, keyed by name; duplicate names are an error.
    static func documentVectors() throws -> [String: Vector] {
        try keyed(parse(markdown: documentText()))
    }

    /// All protocol/vectors/*.json files, keyed by name.
    static func fileVectors() throws -> [String: Vector] {
        struct File: Decodable {
            var name: String
            var section: String
            var direction: String
            var hex: String
        }
        let urls = try FileManager.default.contentsOfDirectory(at: vectorsURL, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
        var vectors: [Vector] = []
        for url in urls {
            let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
            guard url.deletingPathExtension().lastPathComponent == file.name else {
                throw VectorReadError(description: "\(url.lastPathComponent) holds vector \(file.name)")
            }
            guard let bytes = bytes(hex: file.hex) else {
                throw VectorReadError(description: "\(url.lastPathComponent): bad hex")
            }
            let vector = Vector(name: file.name, direction: file.direction, bytes: bytes)
            guard vector.section == file.section else {
                throw VectorReadError(description: "\(url.lastPathComponent): section \(file.section) vs name")
            }
            vectors.append(vector)
        }
        return try keyed(vectors)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            bytes.append(byte)
        }
        return bytes
    }

    private static func keyed(_ vectors: [Vector]) throws -> [String: Vector] {
        var byName: [String: Vector] = [:]
        for vector in vectors {
            guard byName.updateValue(vector, forKey: vector.name) == nil else {
                throw VectorReadError(description: "vector \(vector.name) appears twice")
            }
        }
        return byName
    }
}
