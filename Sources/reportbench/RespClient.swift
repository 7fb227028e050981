// RespClient: the smallest Redis client that lets the benchmark measure Redis over
// the same kind of Unix socket with the same timing loop as reportd: pipelined SET for
// loading, GET and MGET for reading. Blocking; not thread-safe (one per thread).
#if canImport(Glibc)
import Glibc
#endif

/// A minimal RESP2 client over a Unix socket.
final class RespClient {
    private let fd: Int32
    private var inbound: [UInt8] = []
    private var position = 0

    init?(path: String) {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let ok = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard ok == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Encodes one command.
    static func command(_ parts: [[UInt8]]) -> [UInt8] {
        var out = Array("*\(parts.count)\r\n".utf8)
        for part in parts {
            out += Array("$\(part.count)\r\n".utf8)
            out += part
            out += [13, 10]
        }
        return out
    }

    /// Sends raw bytes.
    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// Reads one reply and returns the total payload bytes it carried (bulk strings summed).
    func readReply() -> Int {
        let line = readLine()
        guard let kind = line.first else { return -1 }
        let number = Int(String(decoding: line.dropFirst(), as: UTF8.self)) ?? -1
        switch kind {
        case UInt8(ascii: "$"):
            if number < 0 { return 0 }
            _ = readBytes(number + 2)
            return number
        case UInt8(ascii: "*"):
            var total = 0
            for _ in 0..<max(0, number) { total += readReply() }
            return total
        default:
            return 0
        }
    }

    private func fill() {
        if position > 0 && position == inbound.count {
            inbound.removeAll(keepingCapacity: true)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { fatalError("redis closed the connection") }
        inbound += chunk[0..<n]
    }

    private func readLine() -> ArraySlice<UInt8> {
        while true {
            if let end = inbound[position...].firstIndex(of: 10) {
                let line = inbound[position..<(end - 1)]
                position = end + 1
                return line
            }
            fill()
        }
    }

    private func readBytes(_ count: Int) -> ArraySlice<UInt8> {
        while inbound.count - position < count { fill() }
        let slice = inbound[position..<(position + count)]
        position += count
        return slice
    }
}
