// AccessPolicy: which Unix-socket peers may change the corpus.
//
// Reading needs only access to the socket file (its group and mode, set by the .socket unit);
// writing (add, delete, import, reload) is further restricted by the peer's credentials. A
// peer may write when its uid is in `allowedUIDs` or its PRIMARY gid is in `allowedGIDs`.
// SO_PEERCRED does not carry supplementary groups, so a user who is in `reportd-admin` only as a
// supplementary group is NOT recognised by `write-groups`: make it the user's primary group,
// have the user run `sg reportd-admin -c 'reportctl ...'`, or list the user in `write-users`.
// Invariant: root (uid 0) and the daemon's own effective uid are always allowed when built with
// `default` or `resolving`. An immutable value: Sendable, safe to share across connections.
import Glibc

/// The rule deciding whether a peer may send write commands.
public struct AccessPolicy: Sendable, Equatable {
    /// User ids allowed to write.
    public var allowedUIDs: Set<uid_t>
    /// Primary group ids allowed to write.
    public var allowedGIDs: Set<gid_t>

    /// A policy with exactly these ids (nothing implicit).
    public init(allowedUIDs: Set<uid_t>, allowedGIDs: Set<gid_t> = []) {
        self.allowedUIDs = allowedUIDs
        self.allowedGIDs = allowedGIDs
    }

    /// The default policy: root and the daemon's own effective uid.
    public static func `default`(daemonUID: uid_t = geteuid()) -> AccessPolicy {
        AccessPolicy(allowedUIDs: [0, daemonUID])
    }

    /// The default policy plus the users and groups named in the configuration.
    ///
    /// - Parameters:
    ///   - writeUsers: user names or decimal uids (`write-users`).
    ///   - writeGroups: group names or decimal gids (`write-groups`), matched against the
    ///     peer's primary gid only.
    /// - Throws: `ServiceSupportError` `.unknownUser` / `.unknownGroup` for a name that does not exist.
    public static func resolving(
        writeUsers: [String], writeGroups: [String], daemonUID: uid_t = geteuid()
    ) throws -> AccessPolicy {
        var policy = AccessPolicy.default(daemonUID: daemonUID)
        for name in writeUsers {
            policy.allowedUIDs.insert(try SystemAccounts.userID(named: name))
        }
        for name in writeGroups {
            policy.allowedGIDs.insert(try SystemAccounts.groupID(named: name))
        }
        return policy
    }

    /// Whether a peer with these credentials may send write commands.
    public func permitsWrites(_ credentials: PeerCredentials) -> Bool {
        allowedUIDs.contains(credentials.uid) || allowedGIDs.contains(credentials.gid)
    }
}
