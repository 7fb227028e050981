// PosixFile: an owned file descriptor with whole-buffer write/read loops (EINTR and short
// transfers handled) and the sync calls the durability rules need. Closing twice is harmless.
// Not safe for concurrent use: one owner (the log's writer thread, or a single caller) at a time.
import Glibc

/// A file opened with open(2); errors carry the path.
final class PosixFile {
    /// The path the file was opened with, for messages.
    let path: String
    private(set) var descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { if descriptor >= 0 { _ = Glibc.close(descriptor) } }

    /// Opens an existing file for reading.
    static func openForReading(_ path: String) throws -> PosixFile {
        try open(path, flags: O_RDONLY | O_CLOEXEC, mode: 0)
    }

    /// Opens (creating if needed) a file for reading and writing.
    static func openForWriting(_ path: String, create: Bool = true, exclusive: Bool = false) throws -> PosixFile {
        var flags = O_RDWR | O_CLOEXEC
        if create { flags |= O_CREAT }
        if exclusive { flags |= O_EXCL }
        return try open(path, flags: flags, mode: 0o644)
    }

    private static func open(_ path: String, flags: Int32, mode: mode_t) throws -> PosixFile {
        while true {
            let fd = Glibc.open(path, flags, mode)
            if fd >= 0 { return PosixFile(path: path, descriptor: fd) }
            if errno == EINTR { continue }
            throw DurabilityError.system("open", path: path, errno: errno)
        }
    }

    /// The file's size in bytes.
    func size() throws -> UInt64 {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw DurabilityError.system("fstat", path: path, errno: errno) }
        return UInt64(info.st_size)
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: UInt64) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(
                descriptor, bytes.baseAddress! + done, min(bytes.count - done, 1 << 30), off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw DurabilityError.system("pwrite", path: path, errno: errno)
            }
            done += n
        }
    }

    /// Writes all of `bytes` at `offset`.
    func write(_ bytes: [UInt8], at offset: UInt64) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    /// Reads exactly `count` bytes at `offset` into a new array; fewer available is `.truncated`.
    func read(count: Int, at offset: UInt64) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            while initialized < count {
                let n = pread(
                    descriptor, buffer.baseAddress! + initialized, min(count - initialized, 1 << 30),
                    off_t(offset) + off_t(initialized))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DurabilityError.system("pread", path: path, errno: errno)
                }
                if n == 0 {
                    throw DurabilityError(
                        .truncated, "file ended after \(initialized) of \(count) bytes", path: path,
                        offset: offset + UInt64(initialized))
                }
                initialized += n
            }
        }
    }

    /// Cuts the file to `length` bytes.
    func truncate(to length: UInt64) throws {
        guard ftruncate(descriptor, off_t(length)) == 0 else {
            throw DurabilityError.system("ftruncate", path: path, errno: errno)
        }
    }

    /// fsync(2): data and metadata.
    func sync() throws {
        guard fsync(descriptor) == 0 else { throw DurabilityError.system("fsync", path: path, errno: errno) }
    }

    /// Closes the descriptor; later calls are no-ops.
    func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
        descriptor = -1
    }
}
