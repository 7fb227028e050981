// ProductVersion: the one version number of reportd and reportctl, printed by both
// executables' --version and sent in HELLO's server name. Bump it here and nowhere else.

/// The release both executables report.
public enum ProductVersion {
    /// The version, `major.minor.patch`.
    public static let current = "0.6.0"
}
