// ReportStore+Retraining: a store filled by writes (an empty daemon fed by `reportctl import`)
// starts without a trained dictionary, and a report compresses to ~0.41 of its size instead
// of ~0.31. Once 1,000 reports are live (and again at 4x the reports the dictionary was trained
// on, up to 4,000), a background job trains a dictionary on a sample of the live reports,
// makes it current for new writes, and recompresses every unit made with an older dictionary,
// in batches built off the write lock, each published by the writer with a version check: a
// unit is swapped only if the version current by then still has it where it was read.
// An older dictionary is dropped in the same publication as the scan that finds no unit using
// it. Readers never wait for the work: each unit names its codec and stays readable throughout.
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
        Self.isUndertrained(current.state)
    }

    /// `dictionaryIsUndertrained` for a given state.
    static func isUndertrained(_ s: CorpusState) -> Bool {
        let trainedOn = s.codecs[Int(s.current)]!.trainedOn
        return trainedOn < retrainCeiling && s.arena.liveCount >= max(retrainMinimum, 4 * trainedOn)
    }

    /// Trains a dictionary on up to `retrainSample` live reports and makes it current.
    private func trainNewDictionary() {
        let version = current
        let ids = version.state.ids
        let live = ids.indices.filter { ids[$0] != nil }
        guard !live.isEmpty else { return }
        let step = max(1, live.count / Self.retrainSample)
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for i in stride(from: 0, to: live.count, by: step) {
            guard let text = try? version.text(forDoc: UInt32(live[i])) else { continue }
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
        withWriter { now, publish in
            var s = now.state
            // Trained on another corpus if a reload came in between: dropped.
            guard s.lineage == version.state.lineage, s.codecs.count < Int(UInt8.max) else { return }
            s.codecs.append(codec)
            s.current = UInt8(s.codecs.count - 1)
            publish(s)
        }
    }

    /// Recompresses every live unit not made with the current dictionary, then drops the
    /// dictionaries no unit uses any more.
    private func recompressOlderUnits() {
        var lastStale = Int.max
        while true {
            let (stale, version) = withWriter { now, publish -> ([UInt32], CorpusVersion) in
                let s = now.state
                let stale = s.arena.entries.indices.filter { s.arena.entries[$0].isLive && s.arena.entries[$0].codec != s.current }
                if stale.isEmpty, s.codecs.indices.contains(where: { $0 != Int(s.current) && s.codecs[$0] != nil }) {
                    // Nothing uses the older codecs: drop them in this same publication, so a
                    // write prepared with one is compressed again by apply().
                    var next = s
                    for slot in next.codecs.indices where slot != Int(next.current) { next.codecs[slot] = nil }
                    publish(next)
                }
                return (stale.map(UInt32.init), now)
            }
            // A unit that cannot be read (damaged) stays as it is, with its codec.
            if stale.isEmpty || stale.count >= lastStale { break }
            lastStale = stale.count
            let current = version.state.current
            let codec = version.state.currentCodec
            for batch in stride(from: 0, to: stale.count, by: Self.recompressBatch) {
                // Built off the lock from `version`...
                var redone: [(doc: UInt32, read: ReportUnit, unit: [UInt8])] = []
                for doc in stale[batch..<min(batch + Self.recompressBatch, stale.count)] {
                    guard let read = version.unit(ofDoc: doc), let text = try? read.text(),
                        let unit = try? codec.deflaters.compress(text)
                    else { continue }
                    redone.append((doc, read, unit))
                }
                guard !redone.isEmpty else { continue }
                // ...and published with a version check per unit: swapped only if the unit is
                // still the one that was read and the current dictionary has not changed.
                update { s in
                    guard s.lineage == version.state.lineage, s.current == current else { return }
                    for (doc, read, unit) in redone {
                        guard let now = s.arena.entry(doc), s.arena.chunk(of: now) === read.chunk,
                            now.offset == read.entry.offset, now.codec == read.entry.codec
                        else { continue }
                        s.arena.recompress(doc, unit: unit, codec: current)
                    }
                }
            }
        }
        compactIfWasteful()
    }

    /// Units recompressed per publication.
    static let recompressBatch = 256
}
