// RawCorpus: reports read at import but not yet compressed, texts back to back in one
// growing buffer (one large allocation, released as a whole after compression).
// Invariant: ids[i] is unique and text i is bytes[starts[i] ..< end(i)], valid UTF-8, non-empty.
// Not thread-safe while being filled; read-only (and shareable) during compression.

/// Uncompressed reports gathered by the importer.
struct RawCorpus {
    var bytes: [UInt8] = []
    var ids: [ReportID] = []
    var starts: [Int] = []
    /// First path (and line) each ID came from, for duplicate messages.
    var origins: [ReportID: String] = [:]

    var count: Int { ids.count }

    func range(_ i: Int) -> Range<Int> {
        starts[i]..<(i + 1 < starts.count ? starts[i + 1] : bytes.count)
    }

    /// Validates and appends the bytes already written at `bytes[start...]` as report `id`;
    /// on failure, trims them off again and returns the problem.
    mutating func commit(id: ReportID, from start: Int, origin: String, maxBytes: Int) -> (StoreError.Code, String)? {
        let length = bytes.count - start
        var problem: (StoreError.Code, String)?
        if length == 0 {
            problem = (.empty, "empty report")
        } else if length > maxBytes {
            problem = (.tooLarge, "report is \(length) bytes, over the limit of \(maxBytes)")
        } else if let first = origins[id] {
            problem = (.invalidID, "duplicate report id \"\(id)\" (first seen in \(first)); skipped")
        } else if !Self.isValidUTF8(bytes[start...]) {
            problem = (.invalidUTF8, "text is not valid UTF-8")
        }
        if let problem {
            bytes.removeSubrange(start...)
            return problem
        }
        ids.append(id)
        starts.append(start)
        origins[id] = origin
        return nil
    }

    static func isValidUTF8(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) != nil }
    }
}
