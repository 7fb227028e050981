// Plural: "1 report", "2 reports" — counts in messages agree with their noun. Stateless.

/// A count with its noun in the right number.
enum Plural {
    /// `n` and `noun`, with an s unless `n` is 1 (`plural` for irregular nouns).
    static func of(_ n: some BinaryInteger, _ noun: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }
}
