// UnitInflater: the public face of Inflater for clients that fetch stored deflate units
// as they are (GET/MGET with the RAW flag) and inflate them on their own cores with the
// server's dictionary. It checks that a unit is one complete stream of exactly the
// announced length. Not thread-safe: one per thread.

/// Inflates raw-deflate report units made with a known preset dictionary.
public final class UnitInflater {
    private let inflater: Inflater

    /// Prepares an inflater primed with `dictionary` (from the DICTIONARY request).
    /// - Throws: ``StoreError`` `.io` if the inflater cannot be initialised.
    public init(dictionary: [UInt8]) throws(StoreError) {
        inflater = try Inflater(dictionary: dictionary)
    }

    /// Inflates `unit` to exactly `textLength` bytes.
    /// - Throws: ``StoreError`` `.corrupt` when the unit is damaged or of another length.
    public func inflate(_ unit: UnsafeRawBufferPointer, textLength: Int) throws(StoreError) -> [UInt8] {
        try inflater.inflate(unit, textLength: textLength, crc: nil)
    }
}
