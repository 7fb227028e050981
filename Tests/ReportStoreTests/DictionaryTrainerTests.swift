// DictionaryTrainer: size, determinism, ordering, and that it actually helps.
import Testing
@testable import ReportStore

@Suite("DictionaryTrainer")
struct DictionaryTrainerTests {
    static let texts = (0..<300).map { Fixtures.report(seed: UInt64($0)) }

    func train(_ trainer: DictionaryTrainer, _ texts: [[UInt8]]) -> [UInt8] {
        let buffers = texts.map { t in
            let p = UnsafeMutableRawBufferPointer.allocate(byteCount: t.count, alignment: 1)
            p.copyBytes(from: t)
            return UnsafeRawBufferPointer(p)
        }
        defer { buffers.forEach { $0.deallocate() } }
        return trainer.train(count: buffers.count) { buffers[$0] }
    }

    @Test("the dictionary is at most dictionarySize bytes and the same for the same input")
    func sizeAndDeterminism() {
        var trainer = DictionaryTrainer()
        trainer.dictionarySize = 4096
        trainer.sampleCount = 100
        let a = train(trainer, Self.texts)
        let b = train(trainer, Self.texts)
        #expect(a.count == 4096)
        #expect(a == b)
    }

    @Test("an empty corpus gives an empty dictionary; texts shorter than a d-mer are ignored")
    func empty() {
        #expect(train(DictionaryTrainer(), []).isEmpty)
        #expect(train(DictionaryTrainer(), [[1, 2, 3]]).isEmpty)
    }

    @Test("the most common segment ends up at the end of the dictionary")
    func commonAtEnd() {
        var trainer = DictionaryTrainer()
        trainer.dictionarySize = 2048
        let dictionary = train(trainer, Self.texts)
        // Every fixture ends with this boilerplate, so its d-mers have the top frequency.
        let tail = Array("Các tin khác".utf8)
        let lastQuarter = Array(dictionary.suffix(dictionary.count / 4))
        #expect(lastQuarter.indices.contains { i in lastQuarter[i...].starts(with: tail) })
    }

    @Test("units compressed with the trained dictionary are smaller than without")
    func helps() throws {
        let dictionary = train(DictionaryTrainer(), Array(Self.texts.prefix(200)))
        let plain = try Deflater(level: 9, memLevel: 9, dictionary: [])
        let primed = try Deflater(level: 9, memLevel: 9, dictionary: dictionary)
        var withSize = 0
        var withoutSize = 0
        for text in Self.texts.suffix(100) {
            withSize += try primed.compress(text).count
            withoutSize += try plain.compress(text).count
        }
        #expect(Double(withSize) < 0.8 * Double(withoutSize))
    }
}
