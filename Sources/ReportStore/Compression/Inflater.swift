// Inflater: one ISA-L inflate state reused for many GETs; each call inflates exactly one unit
// written by Deflater (zlib raw deflate) with the same preset dictionary, and checks its length
// and CRC-32, which ISA-L computes while it writes the text.
// Invariant: the state stays at a fixed heap address; each call starts with isal_inflate_reset
// followed by isal_inflate_set_dict (raw deflate never asks for the dictionary itself), or by
// marking the dictionary still in place when every call since the last copy ended cleanly.
// Not thread-safe: InflaterPool hands each instance to one thread at a time.
import Atomics
import CIsal

/// Inflates one compressed report unit, checking its length and CRC-32.
final class Inflater: @unchecked Sendable {
    // @unchecked: mutable C state, but InflaterPool guarantees exclusive use.
    private let state: UnsafeMutablePointer<inflate_state>
    private let dictionary: [UInt8]
    /// The dictionary's length in the state's history buffer (its last 32 KiB) while the buffer
    /// still starts with it — every call since it was copied there ended with its stream
    /// finished — so the next call need not copy it again (a GET's 32 KiB copy, 10% of an MGET's
    /// CPU); nil when the next call must.
    private var dictionaryKept: UInt32?

    init(dictionary: [UInt8]) throws(StoreError) {
        // ISA-L's state (~87 KB: its window and decode tables) needs no allocation of its own.
        state = .allocate(capacity: 1)
        state.initialize(to: inflate_state())
        isal_inflate_init(state)
        self.dictionary = dictionary
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Room past the text that lets the inflater decode the whole unit on its fast path, which
    /// runs only while a long match's worth of output space remains (258 bytes); without it the
    /// last bytes of every report are decoded one symbol at a time.
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
        isal_inflate_reset(state)
        // ISAL_GZIP_NO_HDR: a raw deflate stream whose CRC-32 (gzip's, which is zlib's) ISA-L
        // computes as it writes; no header or trailer is read.
        state.pointee.crc_flag = UInt32(ISAL_GZIP_NO_HDR)
        if let kept = dictionaryKept {
            reportd_isal_keep_dict(state, kept)
        } else if !dictionary.isEmpty {
            let status = dictionary.withUnsafeBufferPointer { d in
                isal_inflate_set_dict(state, UnsafeMutablePointer(mutating: d.baseAddress), UInt32(d.count))
            }
            guard status == COMP_OK else { throw StoreError(.io, "isal_inflate_set_dict failed (status \(status))") }
        }
        let dictionaryLength = state.pointee.dict_length
        dictionaryKept = nil
        guard unit.count <= Int(UInt32.max), out.count <= Int(UInt32.max) else {
            throw StoreError(.corrupt, "unit of \(unit.count) bytes is past the inflater's 4 GiB limit")
        }
        state.pointee.next_in = UnsafeMutablePointer(mutating: unit.baseAddress?.assumingMemoryBound(to: UInt8.self))
        state.pointee.avail_in = UInt32(unit.count)
        state.pointee.next_out = out.baseAddress?.assumingMemoryBound(to: UInt8.self)
        state.pointee.avail_out = UInt32(out.count)
        // One call: the whole unit is in memory. It returns when the stream ends, the input or the
        // output runs out, or the stream is invalid.
        let status = reportd_isal_inflate(state)
        let finished = state.pointee.block_state == ISAL_BLOCK_FINISH
        // A call that ends with its stream finished leaves the dictionary where set_dict put it.
        if dictionaryLength > 0 && status == ISAL_DECOMP_OK && finished { dictionaryKept = dictionaryLength }
        let total = Int(state.pointee.total_out)
        // ISA-L 2.30 keeps up to 7 bytes it read ahead in its bit buffer when the stream ends
        // (later versions give them back to avail_in): counted as left over, so no trailing byte
        // passes.
        let leftIn = Int(state.pointee.avail_in) + Int(state.pointee.read_in_length) / 8
        state.pointee.next_in = nil
        state.pointee.next_out = nil
        // A stream longer than textLength fills `out` unfinished or ends past textLength; a
        // truncated one ends unfinished; bytes after the stream's end are left over.
        guard status == ISAL_DECOMP_OK, finished, total == textLength, leftIn == 0 else {
            throw StoreError(.corrupt, "unit does not inflate to \(textLength) bytes (ISA-L status \(status), got \(total))")
        }
        guard crc == nil || state.pointee.crc == crc else {
            throw StoreError(.corrupt, "CRC-32 mismatch after inflating \(textLength) bytes")
        }
    }
}

/// InflaterPool keeps idle instances in atomic slots.
extension Inflater: AtomicReference {}
