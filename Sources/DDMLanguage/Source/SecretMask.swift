/// Finds the secret literals in source text, for everything that echoes source back (diagnostic
/// excerpts, the REPL's history): the literal after `password`, and also one after a misspelt
/// `password` (`passwrd 'S3cret'`), which the lexer cannot know is a secret but a reader can.
public enum SecretMask {
    /// Byte ranges of the secret literals in `text`, quotes included.
    public static func ranges(in text: String) -> [SourceRange] {
        guard text.utf8.contains(UInt8(ascii: "'")) else { return [] }
        let tokens = Lexer.tokenize(SourceFile(name: "", text: text)).tokens
        var found: [SourceRange] = []
        for (i, t) in tokens.enumerated() {
            switch t.kind {
            case .secret: found.append(t.range)
            case .string where i > 0 && looksLikePassword(tokens[i - 1]): found.append(t.range)
            default: break
            }
        }
        return found
    }

    /// `text` with each secret literal's characters replaced by `*`, the quotes and the length in
    /// characters kept (so a diagnostic's marker still points at the right column).
    public static func mask(_ text: String) -> String {
        let ranges = ranges(in: text)
        guard !ranges.isEmpty else { return text }
        var bytes = Array(text.utf8)
        for r in ranges.reversed() {
            let literal = String(decoding: bytes[r.start..<r.end], as: UTF8.self)
            let inner = max(0, literal.count - (literal.hasSuffix("'") && literal.count > 1 ? 2 : 1))
            let masked = "'" + String(repeating: "*", count: inner) + (literal.count > 1 && literal.hasSuffix("'") ? "'" : "")
            bytes.replaceSubrange(r.start..<r.end, with: Array(masked.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func looksLikePassword(_ t: Token) -> Bool {
        guard let w = t.keyword, w.count >= 4, w.count <= 12 else { return false }
        return w.contains("pass") || w.contains("pwd") || Suggestion.distance(w, "password") <= 2
    }
}
