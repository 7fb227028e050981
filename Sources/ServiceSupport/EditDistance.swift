// EditDistance: Levenshtein distance between two short names, for the "did you mean" of
// mistyped config keys (ConfigFile) and reportctl subcommands. Row by row: O(|a|·|b|) time,
// O(|b|) space, fine for names. Pure function; any thread.

/// Edit distance of short names.
public enum EditDistance {
    /// Insertions, deletions and substitutions (of Characters) turning `a` into `b`.
    public static func levenshtein(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for (i, characterA) in a.enumerated() {
            var current = [i + 1]
            for (j, characterB) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (characterA == characterB ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
