// FileLock: an exclusive flock(2) on DIR/LOCK held for the life of the object, so two daemons
// never share a data directory. flock belongs to the open file description, so a second lock
// attempt fails even from the same process. Not for concurrent use; release once.
import Glibc

/// The data directory's lock.
final class FileLock {
    let path: String
    private var file: PosixFile?

    /// Takes the lock without waiting and writes our PID into the file for the operator.
    /// - Throws: `.locked` when another holder has it.
    init(path: String) throws {
        self.path = path
        let file = try PosixFile.openForWriting(path)
        if flock(file.descriptor, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            file.close()
            if code == EWOULDBLOCK {
                throw DurabilityError(
                    .locked, "another reportd process holds this data directory; stop it or use another --data-dir",
                    path: path)
            }
            throw DurabilityError.system("flock", path: path, errno: code)
        }
        try? file.truncate(to: 0)
        try? file.write(Array("\(getpid())\n".utf8), at: 0)
        self.file = file
    }

    /// Releases the lock (closing the descriptor releases the flock).
    func release() {
        file?.close()
        file = nil
    }

    deinit { release() }
}
