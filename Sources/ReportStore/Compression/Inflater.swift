// Inflater: one zlib raw-inflate stream reused for many GETs; each call inflates exactly one
// unit written by Deflater with the same preset dictionary.
// Invariant: the z_stream stays at a fixed heap address; each call starts with inflateReset
// followed by inflateSetDictionary (raw deflate never asks for the dictionary itself).
// Not thread-safe: InflaterPool hands each instance to one thread at a time.
import Atomics
import CZlib
import ReportChecksum

/// Inflates one compressed report unit, checking its length and CRC-32.
final class Inflater: @unchecked Sendable {
    // @unchecked: mutable C state, but InflaterPool guarantees exclusive use.
    private let stream: UnsafeMutablePointer<z_stream>
    private let dictionary: [UInt8]

    init(dictionary: [UInt8]) throws(StoreError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        self.dictionary = dictionary
        let status = reportd_inflateInitRaw(stream)
        guard status == Z_OK else {
            stream.deallocate()
            throw StoreError(.io, "inflateInit failed (zlib status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Room past the text that lets zlib decode the whole unit on its fast path: inflate_fast
    /// runs only while at least 258 bytes of output space remain, so without it the last 258
    /// bytes of every report are decoded one symbol at a time by the slow state machine.
    static let outputSlack = 258

    /// Inflates `unit` into exactly `textLength` bytes.
    /// - Throws: `.corrupt` when the unit does not inflate to exactly `textLength` bytes with
    ///   the given CRC-32 (when one is given), or is not one complete deflate stream.
    func inflate(_ unit: UnsafeRawBufferPointer, textLength: Int, crc: UInt32?) throws(StoreError) -> [UInt8] {
        var failure: StoreError?
        let text = [UInt8](unsafeUninitializedCapacity: textLength + Self.outputSlack) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            do throws(StoreError) {
                try inflate(unit, into: raw, textLength: textLength, crc: crc)
            } catch {
                failure = error
            }
            // The text's bytes are written (zeroed on failure); the slack is left out.
            if failure != nil { raw.initializeMemory(as: UInt8.self, repeating: 0) }
            initialized = textLength
        }
        if let failure { throw failure }
        return text
    }

    /// Inflates `unit` into the first `textLength` bytes of `out` (the caller's buffer, so a GET
    /// writes the text straight into its answer). Bytes of `out` past the text may be
    /// overwritten; give it `outputSlack` of them for speed.
    /// - Throws: `.corrupt` as `inflate(_:textLength:crc:)`; `out` then holds unspecified bytes.
    func inflate(_ unit: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer, textLength: Int, crc: UInt32?) throws(StoreError) {
        precondition(out.count >= textLength, "inflate: output smaller than the text")
        guard inflateReset(stream) == Z_OK else { throw StoreError(.io, "inflateReset failed") }
        if !dictionary.isEmpty {
            let status = dictionary.withUnsafeBufferPointer { d in
                inflateSetDictionary(stream, d.baseAddress, uInt(d.count))
            }
            guard status == Z_OK else { throw StoreError(.io, "inflateSetDictionary failed (zlib status \(status))") }
        }
        var status: Int32 = Z_OK
        // At least one spare output byte: a unit that would inflate past textLength fills it and
        // is caught below instead of being silently truncated.
        var spare: UInt8 = 0
        stream.pointee.next_in = UnsafeMutablePointer(mutating: unit.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(unit.count)
        if let base = out.baseAddress, out.count > 0 {
            stream.pointee.next_out = base.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(out.count)
            status = CZlib.inflate(stream, Z_FINISH)
        } else {
            status = Z_BUF_ERROR
        }
        if out.count == textLength, status == Z_BUF_ERROR || (status == Z_OK && stream.pointee.avail_out == 0) {
            withUnsafeMutablePointer(to: &spare) { p in
                stream.pointee.next_out = p
                stream.pointee.avail_out = 1
                status = CZlib.inflate(stream, Z_FINISH)
            }
        }
        let leftIn = Int(stream.pointee.avail_in)
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
        let total = Int(stream.pointee.total_out)
        guard status == Z_STREAM_END, total == textLength, leftIn == 0 else {
            throw StoreError(.corrupt, "unit does not inflate to \(textLength) bytes (zlib status \(status), got \(total))")
        }
        guard crc == nil || Checksum.crc32(UnsafeRawBufferPointer(rebasing: out[0..<textLength])) == crc else {
            throw StoreError(.corrupt, "CRC-32 mismatch after inflating \(textLength) bytes")
        }
    }
}

/// InflaterPool keeps idle instances in atomic slots.
extension Inflater: AtomicReference {}
