// Deflater: one zlib raw-deflate stream (windowBits -15) that compresses one report per call,
// each as a complete, independent unit primed with the store's preset dictionary.
// Invariant: the z_stream lives at a fixed heap address for the Deflater's whole life, and
// between calls it is in the "just reset, dictionary set" state.
// Not thread-safe: one thread at a time (import workers each own one; writers borrow one
// from a DeflaterPool).
import CZlib

/// Compresses reports into independent raw-deflate units with a preset dictionary.
final class Deflater: @unchecked Sendable {
    // @unchecked: used by one thread at a time; handed between threads only through
    // DeflaterPool's lock.
    private let stream: UnsafeMutablePointer<z_stream>
    private let dictionary: [UInt8]

    /// - Parameters:
    ///   - level: zlib level 0...9.
    ///   - memLevel: zlib memLevel 1...9.
    ///   - dictionary: preset dictionary (only its last 32 KiB is used by zlib); may be empty.
    init(level: Int, memLevel: Int, dictionary: [UInt8]) throws(StoreError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        self.dictionary = dictionary
        let status = reportd_deflateInitRaw(stream, Int32(level), Int32(memLevel))
        guard status == Z_OK else {
            stream.deallocate()
            throw StoreError(.io, "deflateInit failed (zlib status \(status))")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `text` as one complete raw-deflate unit and appends it to `output`.
    /// - Returns: the number of bytes appended.
    @discardableResult
    func compress(_ text: UnsafeRawBufferPointer, appendingTo output: inout [UInt8]) throws(StoreError) -> Int {
        guard deflateReset(stream) == Z_OK else { throw StoreError(.io, "deflateReset failed") }
        try setDictionary()
        let bound = Int(deflateBound(stream, uLong(text.count))) + 16
        let start = output.count
        output.reserveCapacity(start + bound)
        var status: Int32 = Z_OK
        var produced = 0
        // Grow the output by `bound` uninitialised-equivalent bytes, deflate into them in one
        // Z_FINISH call (deflateBound guarantees room), then trim back to what was produced.
        output.append(contentsOf: repeatElement(0, count: bound))
        output.withUnsafeMutableBufferPointer { out in
            let base = out.baseAddress! + start
            stream.pointee.next_in = UnsafeMutablePointer(mutating: text.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.pointee.avail_in = uInt(text.count)
            stream.pointee.next_out = base
            stream.pointee.avail_out = uInt(bound)
            status = deflate(stream, Z_FINISH)
            produced = bound - Int(stream.pointee.avail_out)
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        output.removeLast(bound - produced)
        guard status == Z_STREAM_END else {
            throw StoreError(.io, "deflate did not finish (zlib status \(status))")
        }
        return produced
    }

    /// Compresses `text` as one complete raw-deflate unit.
    func compress(_ text: [UInt8]) throws(StoreError) -> [UInt8] {
        var unit: [UInt8] = []
        var failure: StoreError?
        text.withUnsafeBytes { raw in
            do throws(StoreError) {
                try compress(raw, appendingTo: &unit)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return unit
    }

    private func setDictionary() throws(StoreError) {
        guard !dictionary.isEmpty else { return }
        let status = dictionary.withUnsafeBufferPointer { d in
            deflateSetDictionary(stream, d.baseAddress, uInt(d.count))
        }
        guard status == Z_OK else { throw StoreError(.io, "deflateSetDictionary failed (zlib status \(status))") }
    }
}
