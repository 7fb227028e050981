// ReportStore+Retraining: a store filled by writes (an empty daemon fed by `reportctl import`)
// starts without a trained dictionary, and a report compresses to ~0.41 of its size instead
// of ~0.31. Once 1,000 reports are live (and again at 4x the reports the dictionary was trained
// on, up to 4,000), a background job trains a dictionary on a sample of the live reports,
// makes it current for new writes, and recompresses every unit made with an older dictionary,
// one at a time, swapping each in under the lock only if the report has not changed meanwhile.
// An older dictionary is dropped in the same lock hold as the scan that finds no unit using it.
// Readers never wait for the work: each unit names its codec and stays readable throughout.
import ReportIndex

extension ReportStore {
    /// Live reports before an untrained store trains a dictionary.
    static let retrainMinimum = 1_000
    /// Dictionaries trained on this many reports are kept for good.
    static let retrainCeiling = 4_000
    /// Reports sampled for training.
    static let retrainSample = 2_000

    /// Queues a retraining when one is due, and the recompression of units on older
    /// dictionaries (after a retraining, a restore, or a write prepared with a dropped
    /// dictionary), on the maintenance queue, once at a time.
    func scheduleRetraining() {
        guard retraining.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged
        else { return }
        maintenance.async { [self] in
            defer { retraining.store(false, ordering: .releasing) }
            if dictionaryIsUndertrained() { trainNewDictionary() }
            recompressOlderUnits()
            HeapTrimmer.trim()
        }
    }

    /// The current dictionary was trained on too few of the live reports.
    private func dictionaryIsUndertrained() -> Bool {
        state.withLock { Self.isUndertrained($0) }
    }

    /// `dictionaryIsUndertrained` for a caller already holding the lock.
    static func isUndertrained(_ s: State) -> Bool {
        let trainedOn = s.codecs[Int(s.current)]!.trainedOn
        return trainedOn < retrainCeiling && s.arena.liveCount >= max(retrainMinimum, 4 * trainedOn)
    }

    /// Trains a dictionary on up to `retrainSample` live reports and makes it current.
    private func trainNewDictionary() {
        let live = state.withLock { s in s.ids.indices.filter { s.ids[$0] != nil } }
        guard !live.isEmpty else { return }
        let step = max(1, live.count / Self.retrainSample)
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for i in stride(from: 0, to: live.count, by: step) {
            guard let text = try? self.text(forDoc: UInt32(live[i])) else { continue }
            ranges.append(bytes.count..<(bytes.count + text.count))
            bytes += text
        }
        var trainer = self.trainer
        trainer.dictionarySize = dictionarySize
        let dictionary = bytes.withUnsafeBytes { all in
            trainer.train(count: ranges.count) { UnsafeRawBufferPointer(rebasing: all[ranges[$0]]) }
        }
        guard !dictionary.isEmpty else { return }
        let codec = Codec(dictionary: dictionary, trainedOn: live.count, level: level, memLevel: memLevel)
        state.withLock { s in
            guard s.codecs.count < Int(UInt8.max) else { return }
            s.codecs.append(codec)
            s.current = UInt8(s.codecs.count - 1)
        }
    }

    /// Recompresses every live unit not made with the current dictionary, then drops the
    /// dictionaries no unit uses any more.
    private func recompressOlderUnits() {
        var lastStale = Int.max
        while true {
            let (stale, current, codec) = state.withLock { s -> ([UInt32], UInt8, Codec) in
                let stale = s.arena.entries.indices.filter { s.arena.entries[$0].isLive && s.arena.entries[$0].codec != s.current }
                if stale.isEmpty {
                    // Nothing uses the older codecs: drop them in this same lock hold, so a write
                    // prepared with one is compressed again by apply().
                    for slot in s.codecs.indices where slot != Int(s.current) { s.codecs[slot] = nil }
                }
                return (stale.map(UInt32.init), s.current, s.codecs[Int(s.current)]!)
            }
            // A unit that cannot be read (damaged) stays as it is, with its codec.
            if stale.isEmpty || stale.count >= lastStale { break }
            lastStale = stale.count
            for doc in stale {
                guard let (chunk, entry, old) = location(doc),
                    let text = try? old.inflaters.inflate(
                        chunk.bytes(at: Int(entry.offset), count: Int(entry.length)), textLength: Int(entry.textLength),
                        crc: entry.crc),
                    let unit = try? codec.deflaters.compress(text)
                else { continue }
                state.withLock { s in
                    // Swap only if the unit is still the one that was read.
                    guard let now = s.arena.entry(doc), now.chunk == entry.chunk, now.offset == entry.offset,
                        now.codec == entry.codec, s.current == current
                    else { return }
                    s.arena.recompress(doc, unit: unit, codec: current)
                }
            }
        }
        compactIfWasteful()
    }
}
