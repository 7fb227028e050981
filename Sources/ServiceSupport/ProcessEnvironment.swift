// ProcessEnvironment: reads and unsets the few variables systemd hands to a service.
//
// The module never snapshots the whole environment: it asks for the variables it needs, by
// name, with getenv(3). Tests pass explicit dictionaries to the public initializers instead,
// so they never race on setenv. getenv/unsetenv are not thread-safe against each other: call
// `unset` only during start-up, before other threads read the environment.
import Glibc

/// Access to the process environment for the variables systemd sets (internal helper).
enum ProcessEnvironment {
    /// The current values of `names` in the process environment; absent names are omitted.
    static func values(of names: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for name in names {
            if let pointer = getenv(name) {
                result[name] = String(cString: pointer)
            }
        }
        return result
    }

    /// Removes `names` from the process environment so child processes do not inherit them.
    static func unset(_ names: [String]) {
        for name in names {
            unsetenv(name)
        }
    }
}
