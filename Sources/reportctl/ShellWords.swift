// ShellWords: splits a shell line into words — blanks separate, '…' groups words (quotes
// dropped), "…" groups them and keeps its quotes, so that a query's phrase reaches the
// query parser as a phrase. An unclosed quote runs to the end of the line. Stateless.

/// Word splitting for the interactive shell.
enum ShellWords {
    static func split(_ line: String) -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false
        var quote: Character?
        for character in line {
            if let open = quote {
                if character == open { quote = nil }
                if character != "'" || open != "'" { word.append(character) }
                continue
            }
            switch character {
            case " ", "\t", "\r", "\n":
                if inWord { words.append(word) }
                word = ""
                inWord = false
            case "'":
                quote = "'"
                inWord = true
            case "\"":
                quote = "\""
                word.append(character)
                inWord = true
            default:
                word.append(character)
                inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }
}
