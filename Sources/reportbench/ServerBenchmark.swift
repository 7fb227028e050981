// ServerBenchmark: `reportbench server` measures a running reportd over its socket —
// single-connection GET latency, MGET throughput with several connections, and the
// RAW path where the client inflates — and, given --redis-socket, Redis over the same
// kind of socket with the same loops, so the ratio comes from one run.
import ArgumentParser
import Dispatch
import Foundation
import ReportClient
import ReportIndex
import ReportProtocol
import ReportStore

struct ServerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Measure GET latency and MGET throughput of a running reportd (and Redis)."
    )

    @Option(help: "reportd's socket.")
    var socket: String

    @Option(help: "Directory whose *.txt names are the ids to ask for (the imported corpus).")
    var corpus: String

    @Option(help: "Redis unix socket to measure in the same run (loaded by this command).")
    var redisSocket: String?

    @Option(help: "GETs for the latency measurement.")
    var gets: Int = 20_000

    @Option(help: "Seconds per throughput measurement.")
    var seconds: Double = 5

    @Option(help: "Client connections (threads) for throughput.")
    var connections: Int = 2

    @Option(help: "Ids per MGET.")
    var batch: Int = 100

    func run() throws {
        let ids = try corpusIDs()
        print("ids: \(ids.count) from \(corpus)")
        var rng = SplitMix64(seed: 42)

        let client = try ReportClient(socketPath: socket, clientName: "reportbench")
        // Warm-up, then one GET at a time on one connection.
        for _ in 0..<1000 { _ = try client.get(ids[Int(rng.next() % UInt64(ids.count))]) }
        var latency = LatencySample(capacity: gets)
        let start = ContinuousClock.now
        for _ in 0..<gets {
            let id = ids[Int(rng.next() % UInt64(ids.count))]
            let t0 = ContinuousClock.now
            _ = try client.get(id)
            latency.record(ContinuousClock.now - t0)
        }
        let getRate = Double(gets) / (ContinuousClock.now - start).seconds
        print("reportd GET, 1 connection: \(latency.summary), \(Int(getRate)) GET/s")

        let mgetRate = try throughput(ids: ids) { () throws -> (([String]) throws -> Int) in
            let c = try ReportClient(socketPath: socket, clientName: "reportbench")
            return { batch in try c.mget(batch).count }
        }
        print("reportd MGET \(batch) ids, \(connections) connections: \(Int(mgetRate)) reports/s")

        // RAW: the server sends stored deflate units; the client inflates on its own cores.
        let dictionary = try client.dictionary()
        let dictionaryBytes = Array(dictionary.bytes.readableBytesView)
        let rawRate = try throughput(ids: ids) { () throws -> (([String]) throws -> Int) in
            let c = try ReportClient(socketPath: socket, clientName: "reportbench")
            let inflater = try UnitInflater(dictionary: dictionaryBytes)
            return { batch in
                var inflated = 0
                for item in try c.mget(batch, raw: true) {
                    guard case .deflate(_, let length, let bytes) = item else { continue }
                    let text = try bytes.withUnsafeReadableBytes { try inflater.inflate($0, textLength: Int(length)) }
                    inflated += text.count == Int(length) ? 1 : 0
                }
                return inflated
            }
        }
        print("reportd MGET \(batch) ids RAW + client inflate, \(connections) connections: \(Int(rawRate)) reports/s")

        if let redisSocket {
            try measureRedis(path: redisSocket, ids: ids, getRate: getRate, latency: latency, mgetRate: mgetRate)
        }
    }

    private func corpusIDs() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: corpus)
        let ids = names.filter { $0.hasSuffix(".txt") }.map { String($0.dropLast(4)) }.sorted()
        guard !ids.isEmpty else { throw ValidationError("no .txt files in \(corpus)") }
        return ids
    }

    /// Runs `connections` threads each calling the worker (made on its own thread: a client
    /// connection is used by one thread only) with random batches for `seconds`.
    private func throughput(
        ids: [String],
        makeWorker: @escaping @Sendable () throws -> (([String]) throws -> Int)
    ) throws -> Double {
        // One slot per connection, each written only by its own iteration.
        let counts = WorkerResults<Int>(repeating: 0, count: connections)
        let failures = WorkerResults<String?>(repeating: nil, count: connections)
        let batch = self.batch
        let connections = self.connections
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: connections) { index in
            let worker: ([String]) throws -> Int
            do {
                worker = try makeWorker()
            } catch {
                failures.set(index, "\(error)")
                return
            }
            var rng = SplitMix64(seed: UInt64(index + 7))
            var done = 0
            while ContinuousClock.now < deadline {
                let chunk = (0..<batch).map { _ in ids[Int(rng.next() % UInt64(ids.count))] }
                done += (try? worker(chunk)) ?? 0
            }
            counts.set(index, done)
        }
        if let failure = failures.values.compactMap({ $0 }).first { throw ValidationError("cannot connect: \(failure)") }
        return Double(counts.values.reduce(0, +)) / (ContinuousClock.now - start).seconds
    }

    private func measureRedis(path: String, ids: [String], getRate: Double, latency: LatencySample, mgetRate: Double) throws {
        guard let redis = RespClient(path: path) else { throw ValidationError("cannot connect to redis at \(path)") }
        // Load the same reports, pipelined.
        var pending = 0
        for id in ids {
            let text = try Array(Data(contentsOf: URL(fileURLWithPath: "\(corpus)/\(id).txt")))
            redis.send(RespClient.command([Array("SET".utf8), Array(id.utf8), text]))
            pending += 1
            if pending == 64 {
                for _ in 0..<pending { _ = redis.readReply() }
                pending = 0
            }
        }
        for _ in 0..<pending { _ = redis.readReply() }

        var rng = SplitMix64(seed: 42)
        var redisLatency = LatencySample(capacity: gets)
        let start = ContinuousClock.now
        for _ in 0..<gets {
            let id = ids[Int(rng.next() % UInt64(ids.count))]
            let t0 = ContinuousClock.now
            redis.send(RespClient.command([Array("GET".utf8), Array(id.utf8)]))
            _ = redis.readReply()
            redisLatency.record(ContinuousClock.now - t0)
        }
        let redisGetRate = Double(gets) / (ContinuousClock.now - start).seconds
        print("redis GET, 1 connection: \(redisLatency.summary), \(Int(redisGetRate)) GET/s")
        let redisMget = try throughput(ids: ids) { () throws -> (([String]) throws -> Int) in
            guard let c = RespClient(path: path) else { throw ValidationError("cannot connect to redis") }
            return { batch in
                c.send(RespClient.command([Array("MGET".utf8)] + batch.map { Array($0.utf8) }))
                _ = c.readReply()
                return batch.count
            }
        }
        print("redis MGET \(batch) ids, \(connections) connections: \(Int(redisMget)) reports/s")
        let p50Ratio = latency.percentile(50) / redisLatency.percentile(50)
        print("ratio reportd/redis: GET p50 \(LatencySample.format(p50Ratio, digits: 2))x, MGET throughput \(LatencySample.format(mgetRate / redisMget, digits: 2))x")
    }
}

/// A small, fast, seedable generator so runs ask for the same ids.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
