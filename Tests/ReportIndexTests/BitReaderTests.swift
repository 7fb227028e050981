// BitReader.skipRice and readRiceRun against reading the same codes one by one: after any run of
// Rice codes (short ones that share a window, and quotients long enough to need the one-by-one
// fallback) all stop at the same bit, and readRiceRun yields the same values.
import Testing

@testable import ReportIndex

@Suite("Bit reader")
struct BitReaderTests {
    @Test("skipRice and readRiceRun end where readRice does, with its values, for short and long codes")
    func skipRiceMatchesReadRice() {
        var rng = SplitMix64(seed: 42_4242)
        for k in [0, 1, 3, 7, 12, 20] {
            var writer = BitWriter()
            var runs: [Int] = []
            for _ in 0..<300 {
                let count = Int(rng.next() % 9)
                runs.append(count)
                for _ in 0..<count {
                    // Mostly small quotients, sometimes 40...200 zeros (past one window).
                    let quotient = rng.next() % 10 == 0 ? 40 + Int(rng.next() % 160) : Int(rng.next() % 4)
                    writer.writeRice(quotient << k | Int(rng.next() % (1 << UInt64(k))), k: k)
                }
                writer.writeGamma(5)  // a marker between runs
            }
            writer.finish()
            let bytes = writer.bytes + [UInt8](repeating: 0, count: 8)
            bytes.withUnsafeBufferPointer { buffer in
                var skipping = BitReader(base: buffer.baseAddress!, byteOffset: 0)
                var reading = BitReader(base: buffer.baseAddress!, byteOffset: 0)
                for count in runs {
                    let before = skipping
                    skipping.skipRice(count, k: k)
                    var run = before
                    var values: [Int] = []
                    run.readRiceRun(count, k: k) { values.append($0) }
                    #expect(values == (0..<count).map { _ in reading.readRice(k: k) }, "k \(k)")
                    #expect(skipping.bit == reading.bit, "k \(k)")
                    #expect(run.bit == reading.bit, "k \(k)")
                    #expect(skipping.readGamma() == 5)
                    #expect(reading.readGamma() == 5)
                }
            }
        }
    }
}
