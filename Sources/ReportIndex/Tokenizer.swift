// Tokenizer: splits UTF-8 text into tokens: maximal runs of Unicode letters, combining marks and
// decimal digits (everything else separates), each normalised by TextNormalizer. Invariant: the
// token byte ranges are increasing, disjoint and fall on scalar boundaries of the input.
// Stateless apart from the scratch buffers of a `Tokenizer.Scanner` value; the static entry points
// may be called concurrently, a Scanner value belongs to one thread.

/// Splits text into normalised tokens (see protocol/PROTOCOL.md, Appendix A.1-A.5).
public enum Tokenizer {
    /// All tokens of `text` (UTF-8 bytes; malformed sequences act as separators).
    public static func tokens(_ text: [UInt8]) -> [Token] {
        var result: [Token] = []
        var scanner = Scanner()
        text.withUnsafeBufferPointer { buffer in
            scanner.scan(buffer) { term, range in
                let folded = TextNormalizer.fold(utf8: term)
                result.append(
                    Token(
                        term: String(decoding: term, as: UTF8.self),
                        folded: String(decoding: folded, as: UTF8.self),
                        byteRange: range))
            }
        }
        return result
    }

    /// Tokens of a string (convenience for queries and tests).
    public static func tokens(_ text: String) -> [Token] {
        tokens(Array(text.utf8))
    }

    /// Reusable tokenizer state for the indexer's hot loop: emits each normalised term as UTF-8.
    struct Scanner {
        private var scalars: [UInt32] = []
        private var utf8: [UInt8] = []

        init() {
            scalars.reserveCapacity(64)
            utf8.reserveCapacity(128)
        }

        /// Calls `emit(termUTF8, byteRange)` for each token in order.
        mutating func scan(_ text: UnsafeBufferPointer<UInt8>, _ emit: ([UInt8], Range<Int>) -> Void) {
            scan(text, filtered: false, wanted: { _, _, _ in true }, stop: { false }, emit)
        }

        /// Calls `emit` with each token's normalised UTF-8 and its byte range. A token `wanted`
        /// rejects (it gets the text, the token's byte range and its scalar count before
        /// normalisation) is emitted with an empty term and not normalised — the snippeter's cheap
        /// filter for tokens that cannot match any query word. `stop`, checked before each token,
        /// ends the scan early. The closures are non-escaping, so what they capture is not boxed
        /// and checked for exclusive access on every token.
        mutating func scan(
            _ text: UnsafeBufferPointer<UInt8>, wanted: (UnsafeBufferPointer<UInt8>, Range<Int>, Int) -> Bool,
            stop: () -> Bool, _ emit: ([UInt8], Range<Int>) -> Void
        ) {
            scan(text, filtered: true, wanted: wanted, stop: stop, emit)
        }

        @inline(__always)
        private mutating func scan(
            _ text: UnsafeBufferPointer<UInt8>, filtered: Bool, wanted: (UnsafeBufferPointer<UInt8>, Range<Int>, Int) -> Bool,
            stop: () -> Bool, _ emit: ([UInt8], Range<Int>) -> Void
        ) {
            var index = 0
            let end = text.count
            while index < end {
                if stop() { return }
                // Skip separators.
                var start = index
                var value: UInt32 = 0
                var length = 0
                var kind: UInt8 = 0
                while start < end {
                    let byte = text[start]
                    if byte < 0x80 {
                        value = UInt32(byte)
                        length = 1
                        kind = Self.asciiKind(byte)
                    } else {
                        (value, length) = UTF8Codec.decode(text, at: start)
                        kind = TextNormalizer.kind(value)
                    }
                    if kind != 0 { break }
                    start += length
                }
                if start >= end { return }
                // With a filter, scalars are only counted on the first pass and collected
                // (by a second pass) for the tokens it accepts.
                let collecting = !filtered
                let first = (value, length)
                if collecting { scalars.removeAll(keepingCapacity: true) }
                var count = 0
                var ascii = true
                var hasMark = false
                var position = start
                while true {
                    if collecting { scalars.append(value) }
                    count += 1
                    if value >= 0x80 { ascii = false }
                    if kind == 2 { hasMark = true }
                    position += length
                    guard position < end else { break }
                    let byte = text[position]
                    if byte < 0x80 {
                        value = UInt32(byte)
                        length = 1
                        kind = Self.asciiKind(byte)
                    } else {
                        (value, length) = UTF8Codec.decode(text, at: position)
                        kind = TextNormalizer.kind(value)
                    }
                    if kind == 0 { break }
                }
                if filtered {
                    guard wanted(text, start..<position, count) else {
                        emit([], start..<position)
                        index = position
                        continue
                    }
                    scalars.removeAll(keepingCapacity: true)
                    var at = start
                    var (v, n) = first
                    while at < position {
                        if at > start { (v, n) = UTF8Codec.decode(text, at: at) }
                        scalars.append(v)
                        at += n
                    }
                }
                utf8.removeAll(keepingCapacity: true)
                if ascii {
                    for value in scalars {
                        let byte = UInt8(value)
                        utf8.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte)
                    }
                } else {
                    TextNormalizer.normalize(&scalars, hasMark: hasMark)
                    for value in scalars { UTF8Codec.append(value, to: &utf8) }
                }
                emit(utf8, start..<position)
                index = position
            }
        }

        @inline(__always)
        private static func asciiKind(_ byte: UInt8) -> UInt8 {
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A) ? 1 : 0
        }
    }
}
