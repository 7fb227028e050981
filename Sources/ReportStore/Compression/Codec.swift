// Codec: one preset dictionary and the pooled inflaters and deflaters that use it. A store
// usually has one; after it retrains its dictionary (a store filled by writes starts with none),
// units made with the previous one stay readable through its codec until they are recompressed.
// Immutable apart from the pools, which are thread-safe; Sendable.
import ReportChecksum

/// A preset dictionary with its inflater and deflater pools.
final class Codec: Sendable {
    /// The preset dictionary (raw deflate needs it to inflate).
    let dictionary: [UInt8]
    /// CRC-32 of `dictionary`.
    let id: UInt32
    /// How many reports the dictionary was trained on (0: untrained, empty).
    let trainedOn: Int
    let inflaters: InflaterPool
    let deflaters: DeflaterPool

    init(dictionary: [UInt8], trainedOn: Int, level: Int, memLevel: Int) {
        self.dictionary = dictionary
        id = Checksum.crc32(dictionary)
        self.trainedOn = trainedOn
        inflaters = InflaterPool(dictionary: dictionary)
        deflaters = DeflaterPool(dictionary: dictionary, level: level, memLevel: memLevel)
    }
}
