// StreamingBatch: the engine of `get -` and `search -`. It reads lines from stdin while the
// answers come back, so each answer is printed as soon as it and the ones before it have
// arrived, in input order — behind `tail -f`, as a coprocess, or typed at a terminal.
//
// One poll(2) loop over stdin and the socket. Lines are grouped into requests of up to
// `groupSize` lines (ids per MGET; one query per SEARCH); a partial group goes out as soon as
// stdin has nothing more ready, so a slow producer gets its answer at once. At most `window`
// requests are in flight, and stdout is flushed whenever the loop would otherwise sleep. When
// stdin is a file or a fast pipe the loop never sleeps on it: groups are full, the window is
// full, and output leaves in large writes, so a batch costs what it cost before streaming.
//
// A batch may sit idle longer than reportd's idle timeout (PROTOCOL.md §1.2): when the
// server has closed the connection while nothing was in flight, the next request goes out on
// a new connection (`reconnect`). A connection lost with requests in flight is an error.
//
// Invariant: `inFlight` holds the groups sent and not yet answered, oldest first; answers
// arrive in that order (PROTOCOL.md §1). Not thread-safe: one per command run.
import ReportClient
import ReportProtocol

#if canImport(Glibc)
import Glibc
#endif

/// Pipelined requests built from stdin lines, answered in input order as they arrive.
final class StreamingBatch {
    private var connection: ReportConnection
    private let reconnect: () throws(ClientError) -> ReportConnection
    private let window: Int
    private let groupSize: Int
    private let input: Int32
    /// Lines read and not yet sent; `lines[lineHead...]` are pending.
    private var lines: [String] = []
    private var lineHead = 0
    /// Groups sent and not yet answered; `inFlight[flightHead...]` are pending.
    private var inFlight: [[String]] = []
    private var flightHead = 0
    /// Bytes read after the last newline.
    private var partial: [UInt8] = []
    private var endOfInput = false
    /// When the oldest unanswered request started waiting (CLOCK_MONOTONIC ns): its send, or
    /// the answer before it. `connection.timeout` counts from here.
    private var waitingSince: UInt64 = 0
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    /// - Parameters:
    ///   - groupSize: lines per request (at least 1).
    ///   - window: requests in flight at once (at least 1).
    ///   - input: the descriptor lines are read from (stdin).
    ///   - reconnect: opens a new connection (with its HELLO) when the server closed an idle one.
    init(
        connection: ReportConnection, groupSize: Int, window: Int, input: Int32 = 0,
        reconnect: @escaping () throws(ClientError) -> ReportConnection
    ) {
        self.connection = connection
        self.reconnect = reconnect
        self.groupSize = max(1, groupSize)
        self.window = max(1, window)
        self.input = input
    }

    /// Runs until stdin ends and every request is answered.
    /// - Parameters:
    ///   - request: the request for one group of lines.
    ///   - answer: called with each group and its response, in input order.
    ///   - idle: called before the loop sleeps (flush stdout here).
    func run(
        request: ([String]) -> Request,
        answer: ([String], Response) throws(ClientError) -> Void,
        idle: () -> Void
    ) throws(ClientError) {
        while true {
            try sendFullGroups(request)
            while let (_, response) = try connection.receiveBuffered() {
                try answer(takeOldest(), response)
                try sendFullGroups(request)
            }
            if endOfInput && pendingLines == 0 && pendingGroups == 0 { break }
            try connection.flush()
            var ready = wait(timeout: 0)
            if !ready.socket && !ready.input {
                // Nothing more is ready: send what has been typed so far rather than wait for
                // a full group, and show what has been answered before sleeping.
                if pendingLines > 0 && pendingGroups < window {
                    try send(count: pendingLines, request)
                    continue
                }
                idle()
                let sleep = answerWaitLeft()
                ready = wait(timeout: sleep)
                if !ready.socket && !ready.input && sleep >= 0 && answerWaitLeft() == 0 {
                    throw connection.timedOutError()
                }
            }
            if ready.socket {
                let response = try connection.receive().response
                try answer(takeOldest(), response)
            }
            if ready.input { readInput() }
        }
        idle()
    }

    /// Milliseconds the oldest request may still wait for its answer (-1: no limit).
    private func answerWaitLeft() -> Int32 {
        guard pendingGroups > 0, let limit = connection.timeout else { return -1 }
        let elapsed = Double(Self.now() &- waitingSince) / 1e6
        return Int32(max(0, (limit * 1000 - elapsed).rounded(.up)))
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    private var pendingLines: Int { lines.count - lineHead }
    private var pendingGroups: Int { inFlight.count - flightHead }

    /// Sends full groups (and, once stdin has ended, the rest) while the window has room.
    private func sendFullGroups(_ request: ([String]) -> Request) throws(ClientError) {
        while pendingGroups < window, pendingLines >= groupSize || (endOfInput && pendingLines > 0) {
            try send(count: min(groupSize, pendingLines), request)
        }
    }

    private func send(count: Int, _ request: ([String]) -> Request) throws(ClientError) {
        if pendingGroups == 0 && connection.closedWhileIdle {
            connection.close()
            connection = try reconnect()
        }
        let group = Array(lines[lineHead..<lineHead + count])
        lineHead += count
        if lineHead == lines.count {
            lines.removeAll(keepingCapacity: true)
            lineHead = 0
        }
        if pendingGroups == 0 { waitingSince = Self.now() }
        connection.send(request(group))
        inFlight.append(group)
    }

    private func takeOldest() -> [String] {
        let group = inFlight[flightHead]
        flightHead += 1
        waitingSince = Self.now()
        if flightHead == inFlight.count {
            inFlight.removeAll(keepingCapacity: true)
            flightHead = 0
        }
        return group
    }

    /// Which descriptors are ready. The socket is watched while answers are due; stdin while
    /// there is room for more requests, so memory stays bounded by the window.
    private func wait(timeout: Int32) -> (socket: Bool, input: Bool) {
        let watchSocket = pendingGroups > 0
        let watchInput = !endOfInput && pendingGroups < window && pendingLines < groupSize
        var fds: [pollfd] = []
        if watchSocket { fds.append(pollfd(fd: connection.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
        if watchInput { fds.append(pollfd(fd: input, events: Int16(POLLIN), revents: 0)) }
        guard !fds.isEmpty else { return (false, false) }
        while true {
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n >= 0 { break }
            if errno != EINTR { return (watchSocket, watchInput) }  // let read/recv report it
        }
        // POLLHUP/POLLERR count as ready: the read that follows sees the end or the error.
        let wake = Int16(POLLIN) | Int16(POLLHUP) | Int16(POLLERR) | Int16(POLLNVAL)
        var socketReady = false
        var inputReady = false
        for entry in fds where entry.revents & wake != 0 {
            if entry.fd == input && watchInput { inputReady = true } else { socketReady = true }
        }
        return (socketReady, inputReady)
    }

    /// Reads what stdin has and splits it into lines (blank ones too: each line is one record
    /// of the output).
    private func readInput() {
        let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { return }
        if n <= 0 {
            if n < 0 { StandardError.print("reportctl: reading stdin failed: \(String(cString: strerror(errno)))") }
            endOfInput = true
            if !partial.isEmpty { appendLine(partial) }
            partial.removeAll()
            return
        }
        var start = 0
        for index in 0..<n where buffer[index] == UInt8(ascii: "\n") {
            if partial.isEmpty {
                appendLine(buffer[start..<index])
            } else {
                partial += buffer[start..<index]
                appendLine(partial)
                partial.removeAll(keepingCapacity: true)
            }
            start = index + 1
        }
        partial += buffer[start..<n]
    }

    /// Keeps a line's bytes but its terminator: the \r of a \r\n goes, nothing else (" sp"
    /// is a valid id, PROTOCOL.md §5.3).
    private func appendLine<C: BidirectionalCollection<UInt8>>(_ bytes: C) {
        let line = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes[...]
        lines.append(String(decoding: line, as: UTF8.self))
    }
}
