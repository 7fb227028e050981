// SystemAccounts: user and group names to ids, through NSS (getpwnam_r / getgrnam_r).
//
// The reentrant lookups are used because the daemon may resolve names on a reload while other
// threads run; the buffer starts at sysconf's suggestion and doubles on ERANGE up to 1 MiB.
// A plain decimal number is accepted as an id without a lookup, so configurations may say
// `write-users = 1000` (useradd rejects all-digit names, so this is not ambiguous).
// Stateless: safe to call concurrently.
import Glibc

/// Resolves user and group names (or decimal ids) to numeric ids.
public enum SystemAccounts {
    /// The uid of `name`, or `name` itself if it is a decimal number.
    /// - Throws: `ServiceSupportError` `.unknownUser`, or `.systemCallFailed` on an NSS error.
    public static func userID(named name: String) throws -> uid_t {
        if let numeric = uid_t(name) { return numeric }
        let found: uid_t? = try lookup(name, sizeHint: _SC_GETPW_R_SIZE_MAX, what: "getpwnam_r") {
            (entry: inout passwd, buffer, size, result) in
            getpwnam_r(name, &entry, buffer, size, &result)
        } extract: {
            $0.pw_uid
        }
        guard let found else { throw ServiceSupportError(.unknownUser, "no user named \(name.debugDescription)") }
        return found
    }

    /// The gid of `name`, or `name` itself if it is a decimal number.
    /// - Throws: `ServiceSupportError` `.unknownGroup`, or `.systemCallFailed` on an NSS error.
    public static func groupID(named name: String) throws -> gid_t {
        if let numeric = gid_t(name) { return numeric }
        let found: gid_t? = try lookup(name, sizeHint: _SC_GETGR_R_SIZE_MAX, what: "getgrnam_r") {
            (entry: inout group, buffer, size, result) in
            getgrnam_r(name, &entry, buffer, size, &result)
        } extract: {
            $0.gr_gid
        }
        guard let found else { throw ServiceSupportError(.unknownGroup, "no group named \(name.debugDescription)") }
        return found
    }

    /// Runs a *_r lookup with a growing buffer; nil when the name does not exist.
    private static func lookup<Entry, ID>(
        _ name: String,
        sizeHint: Int,
        what: String,
        call: (inout Entry, UnsafeMutablePointer<CChar>, Int, inout UnsafeMutablePointer<Entry>?) -> Int32,
        extract: (Entry) -> ID
    ) throws -> ID? where Entry: ZeroInitializable {
        let suggested = sysconf(Int32(sizeHint))
        var size = suggested > 0 ? Int(suggested) : 1024
        while true {
            var entry = Entry.zero
            var result: UnsafeMutablePointer<Entry>? = nil
            let status = withUnsafeTemporaryAllocation(of: CChar.self, capacity: size) { buffer in
                call(&entry, buffer.baseAddress!, size, &result)
            }
            if status == ERANGE && size < 1 << 20 {
                size *= 2
                continue
            }
            // 0 with a nil result, ENOENT, ESRCH, EBADF and EPERM all mean "no such entry" in
            // practice (getpwnam_r(3) NOTES); anything else is a real NSS failure.
            if status == 0 { return result == nil ? nil : extract(entry) }
            if [ENOENT, ESRCH, EBADF, EPERM].contains(status) { return nil }
            throw ServiceSupportError(.systemCallFailed, "\(what)(\(name.debugDescription)) failed", errno: status)
        }
    }
}

/// C structs that can be created zero-filled (internal helper for the *_r lookups).
protocol ZeroInitializable {
    static var zero: Self { get }
}

extension passwd: ZeroInitializable {
    static var zero: passwd { passwd() }
}

extension group: ZeroInitializable {
    static var zero: group { group() }
}
