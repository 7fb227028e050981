// ParallelCompressor: the compressing half of an import. Splits the RawCorpus into batches,
// compresses them on `concurrency` worker threads (each with its own Deflater, pulling
// batches from an atomic counter), then packs the units in corpus order into as few arena
// chunks as possible (one, below 2 GiB), so doc number i is corpus report i.
// Invariant: batch b's result is written by exactly one worker, read only after all finish.
// Call from one thread; it runs its own workers.
import Dispatch
import ReportIndex
import Synchronization
import ReportChecksum

/// Compresses a RawCorpus into arena chunks and entries.
struct ParallelCompressor {
    private struct Batch {
        var bytes: [UInt8] = []
        var lengths: [UInt32] = []
        var crcs: [UInt32] = []
    }

    let dictionary: [UInt8]
    let options: ImportOptions
    let progress: (@Sendable (ImportProgress) -> Void)?
    static let batchSize = 64

    func compress(_ corpus: RawCorpus) throws(StoreError) -> CompressedArena {
        let n = corpus.count
        let batchCount = (n + Self.batchSize - 1) / Self.batchSize
        let results = WorkerResults<Batch>(repeating: Batch(), count: batchCount)
        let nextBatch = Atomic<Int>(0)
        let reportsDone = Atomic<Int>(0)
        let bytesDone = Atomic<Int>(0)
        let lastReport = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)
        let failure = Mutex<StoreError?>(nil)
        let interval = UInt64(options.progressInterval * 1e9)
        let workers = max(1, min(options.concurrency, batchCount))

        // Workers read disjoint texts and each batch slot is written by the one worker that
        // took the batch (WorkerResults' contract).
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let deflater: Deflater
            do throws(StoreError) {
                deflater = try Deflater(level: options.level, memLevel: options.memLevel, dictionary: dictionary)
            } catch {
                failure.withLock { $0 = $0 ?? error }
                return
            }
            while true {
                let b = nextBatch.wrappingAdd(1, ordering: .relaxed).oldValue
                if b >= batchCount { break }
                var batch = Batch()
                var batchBytes = 0
                for i in (b * Self.batchSize)..<min(n, (b + 1) * Self.batchSize) {
                    let r = corpus.range(i)
                    let outcome = corpus.bytes.withUnsafeBytes { all -> Result<(Int, UInt32), StoreError> in
                        let text = UnsafeRawBufferPointer(rebasing: all[r])
                        do throws(StoreError) {
                            return .success((try deflater.compress(text, appendingTo: &batch.bytes), Checksum.crc32(text)))
                        } catch {
                            return .failure(error)
                        }
                    }
                    switch outcome {
                    case .success(let (length, crc)):
                        batch.lengths.append(UInt32(length))
                        batch.crcs.append(crc)
                    case .failure(let error):
                        failure.withLock { $0 = $0 ?? error }
                        return
                    }
                    batchBytes += r.count
                }
                results.set(b, batch)
                report(
                    reports: reportsDone.wrappingAdd(batch.lengths.count, ordering: .relaxed).newValue,
                    bytes: bytesDone.wrappingAdd(batchBytes, ordering: .relaxed).newValue,
                    lastReport: lastReport, interval: interval)
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return pack(corpus, results)
    }

    /// At most one progress call per interval, from whichever worker notices first.
    private func report(reports: Int, bytes: Int, lastReport: borrowing Atomic<UInt64>, interval: UInt64) {
        guard let progress else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        let last = lastReport.load(ordering: .relaxed)
        guard now &- last >= interval,
            lastReport.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged
        else { return }
        progress(ImportProgress(phase: .compressing, filesDone: reports, bytesDone: bytes))
    }

    /// Copies the batches, in order, into chunks of at most CompressedArena.maxChunkSize.
    private func pack(_ corpus: RawCorpus, _ results: WorkerResults<Batch>) -> CompressedArena {
        var total = 0
        for b in 0..<results.count { total += results[b].bytes.count }
        var chunks: [ArenaChunk] = []
        var entries: [Entry] = []
        entries.reserveCapacity(corpus.count)
        var remaining = total
        var doc = 0
        for b in 0..<results.count {
            let batch = results[b]
            var offsetInBatch = 0
            for (k, length) in batch.lengths.enumerated() {
                let len = Int(length)
                if chunks.last.map({ $0.free < len }) ?? true {
                    chunks.append(ArenaChunk(capacity: min(max(remaining, len), CompressedArena.maxChunkSize)))
                }
                let offset = batch.bytes.withUnsafeBytes { all in
                    chunks[chunks.count - 1].append(UnsafeRawBufferPointer(rebasing: all[offsetInBatch..<(offsetInBatch + len)]))
                }
                entries.append(
                    Entry(chunk: UInt32(chunks.count - 1), offset: UInt32(offset), length: length,
                          textLength: UInt32(corpus.range(doc).count), crc: batch.crcs[k]))
                offsetInBatch += len
                remaining -= len
                doc += 1
            }
            results.set(b, Batch())  // release the batch as soon as it is packed
        }
        return CompressedArena(chunks: chunks, entries: entries)
    }
}
