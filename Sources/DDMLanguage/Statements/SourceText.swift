/// How values print back as source: the one printer behind every statement's `text` (plans,
/// journal inverses, undo scripts, export), so what is printed lexes back to the same value.
enum SourceText {
    /// A name as a word when it lexes as one (`ddm-prod`, `ddm.c6.large.2`), otherwise quoted;
    /// `lines` too, which as a bare value is `lines('file')`.
    static func name(_ n: String) -> String {
        isWord(n) && !ASCII.matches(n, Parser.linesFunction) ? n : "\"" + n.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A string literal: single quotes, a quote doubled.
    static func string(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }

    static func names(_ ns: [String]) -> String { ns.map(name).joined(separator: ", ") }

    /// A value as a reader sees it: bare when it is one word or number, quoted otherwise, so an
    /// empty one shows as `''` and one with a comma or a space cannot read as two.
    static func value(_ v: String) -> String {
        !v.isEmpty && v.utf8.allSatisfy({ ASCII.isWordByte($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) ? v : string(v)
    }

    /// Where a secret comes from, as written (`env NAME`, `file 'path'`), never the secret: a
    /// literal prints as `prompt`, so a printed statement asks for what it cannot show.
    static func secret(_ s: SecretSource) -> String {
        switch s {
        case .env(let n, _): "env \(n)"
        case .file(let path, _): "file \(string(path))"
        case .prompt, .literal: "prompt"
        }
    }

    /// Letters, digits and `_`, with `-` or `.` only between them: the lexer's word.
    private static func isWord(_ n: String) -> Bool {
        let b = Array(n.utf8)
        guard let first = b.first, ASCII.isWordByte(first) || first >= 0x80, let last = b.last, ASCII.isWordByte(last) || last >= 0x80 else { return false }
        for (i, c) in b.enumerated() where !(ASCII.isWordByte(c) || c >= 0x80) {
            guard c == UInt8(ascii: "-") || c == UInt8(ascii: "."), i + 1 < b.count, ASCII.isWordByte(b[i + 1]) else { return false }
        }
        return true
    }
}
