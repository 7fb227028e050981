// WriteAccess: the access policy in force (who may run PUT, DEL, SNAPSHOT, RELOAD, SHUTDOWN and
// take a reserved connection slot), which a reload replaces while connections are being served.
// The policy is published through one atomic strong reference (swift-atomics' ManagedAtomic, as
// ReportStore publishes its versions): a check loads it once, takes no lock, and sees either the
// old policy or the new one, never a mix; every check that starts after `replace` returns sees
// the new one. Thread-safe.
import Atomics
import ServiceSupport

/// The current write policy, swappable at run time.
public final class WriteAccess: Sendable {
    /// One published policy; immutable.
    private final class Published: AtomicReference, Sendable {
        let policy: AccessPolicy
        init(_ policy: AccessPolicy) { self.policy = policy }
    }

    private let current: ManagedAtomic<Published>

    /// Starts with `policy` in force.
    public init(_ policy: AccessPolicy = .default()) {
        current = ManagedAtomic(Published(policy))
    }

    /// The policy in force now.
    public var policy: AccessPolicy { current.load(ordering: .acquiring).policy }

    /// Puts `policy` in force for every check that starts after this returns.
    public func replace(with policy: AccessPolicy) {
        current.store(Published(policy), ordering: .releasing)
    }

    /// Whether a peer with these credentials may send write commands under the policy in force.
    public func permitsWrites(_ credentials: PeerCredentials) -> Bool {
        policy.permitsWrites(credentials)
    }
}
