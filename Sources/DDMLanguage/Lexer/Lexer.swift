/// Turns source bytes into tokens. Never fails: bad input becomes a
/// diagnostic and lexing goes on, so one run reports every problem.
public struct Lexer {
    private let source: SourceFile
    private let bytes: [UInt8]
    private var pos = 0
    private var previousWasPassword = false
    /// Set by the word just scanned when it is `password` (any case): the string after it is a secret.
    private var scannedPassword = false
    public private(set) var diagnostics: [Diagnostic] = []

    public init(_ source: SourceFile) {
        self.source = source
        self.bytes = source.bytes
    }

    public static func tokenize(_ source: SourceFile) -> (tokens: [Token], diagnostics: [Diagnostic]) {
        var lexer = Lexer(source)
        var tokens: [Token] = []
        while true {
            let t = lexer.next()
            tokens.append(t)
            if t.kind == .eof { break }
        }
        return (tokens, lexer.diagnostics)
    }

    /// The diagnostics found so far; the lexer forgets them.
    public mutating func takeDiagnostics() -> [Diagnostic] {
        defer { diagnostics = [] }
        return diagnostics
    }

    @_optimize(speed)
    private func peek(_ ahead: Int = 0) -> UInt8? {
        pos + ahead < bytes.count ? bytes[pos + ahead] : nil
    }

    private mutating func error(_ message: Message, _ start: Int, _ end: Int) {
        diagnostics.append(Diagnostic(.error, message, at: SourceRange(start, end), file: source.name))
    }

    @_optimize(speed)
    public mutating func next() -> Token {
        let token = scan()
        previousWasPassword = scannedPassword
        scannedPassword = false
        return token
    }

    @_optimize(speed)
    private mutating func scan() -> Token {
        skipTrivia()
        let start = pos
        guard let c = peek() else { return Token(.eof, SourceRange(pos, pos)) }
        switch c {
        case UInt8(ascii: ";"), UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "="), UInt8(ascii: "%"):
            pos += 1
            return Token(.punct(Unicode.Scalar(c)), SourceRange(start, pos))
        case UInt8(ascii: "'"):
            let text = quoted(UInt8(ascii: "'"), what: "string")
            let range = SourceRange(start, pos)
            return previousWasPassword ? Token(.secret(Secret(text)), range) : Token(.string(text), range)
        case UInt8(ascii: "\""), UInt8(ascii: "`"):
            let text = quoted(c, what: "quoted name")
            if text.isEmpty { error(.emptyQuotedName, start, pos) }
            return Token(.quotedName(text), SourceRange(start, pos))
        case UInt8(ascii: "$"):
            pos += 1
            let nameStart = pos
            while let b = peek(), ASCII.isWordByte(b) { pos += 1 }
            if pos == nameStart {
                error(.expectedVariableName, start, pos)
                return Token(.variable(""), SourceRange(start, pos))
            }
            return Token(.variable(String(decoding: bytes[nameStart..<pos], as: UTF8.self)), SourceRange(start, pos))
        default:
            if ASCII.isWordByte(c) { return word(start) }
            // One whole (possibly multi-byte) character, so the caret points at it.
            pos += 1
            while let b = peek(), b & 0xC0 == 0x80 { pos += 1 }
            let shown = String(decoding: bytes[start..<pos], as: UTF8.self)
            // A letter of another script starts a word (`jörg`): one word, which the name rules
            // then judge, rather than an error per character and the rest taken for other words.
            if c >= 0x80, shown.unicodeScalars.first?.properties.isAlphabetic == true {
                pos = start
                return word(start)
            }
            error(.unexpectedCharacter(shown.unicodeScalars.allSatisfy { $0.properties.isWhitespace == false && $0.value >= 0x20 } ? shown : "\\u{\(String(shown.unicodeScalars.first?.value ?? 0, radix: 16))}"), start, pos)
            return scan()
        }
    }

    /// Words may hold `-` and `.` inside (`ddm-prod`, `ddm.c6.large.2`, job ids).
    @_optimize(speed)
    private mutating func word(_ start: Int) -> Token {
        // Over the raw buffer: a script is mostly words, and this loop is most of lexing.
        let (end, digitsOnly, nonASCII, text) = bytes.withUnsafeBufferPointer { b -> (Int, Bool, Bool, String) in
            var i = start, digitsOnly = true, nonASCII = false
            while i < b.count {
                let c = b[i]
                if ASCII.isWordByte(c) {
                    if digitsOnly, !ASCII.isDigit(c) { digitsOnly = false }
                    i += 1
                } else if c >= 0x80 {
                    digitsOnly = false
                    nonASCII = true
                    i += 1
                } else if (c == UInt8(ascii: "-") || c == UInt8(ascii: ".")), i + 1 < b.count, ASCII.isWordByte(b[i + 1]) {
                    digitsOnly = false
                    i += 1
                } else {
                    break
                }
            }
            return (i, digitsOnly, nonASCII, String(decoding: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self))
        }
        pos = end
        scannedPassword = end - start == 8 && ASCII.matches(text, "password")
        if digitsOnly {
            if let n = Int(text) { return Token(.number(n), SourceRange(start, pos)) }
            // Too large for a count, but a parameter's value is text (`max_allowed_packet`): a word,
            // which the compiler refuses where it needs a number.
            return Token(.word(text), SourceRange(start, pos))
        }
        // Letters of other scripts belong to words; anything else that is not ASCII does not.
        if nonASCII, let odd = text.unicodeScalars.first(where: { $0.value >= 0x80 && !$0.properties.isAlphabetic }) {
            error(.unexpectedCharacterInWord(odd.properties.isWhitespace || odd.value == 0xFFFD ? "\\u{\(String(odd.value, radix: 16))}" : String(odd), word: String(text.prefix(24))), start, pos)
        }
        return Token(.word(text), SourceRange(start, pos))
    }

    /// A quoted run; the quote doubled stands for itself (`'it''s'`).
    @_optimize(speed)
    private mutating func quoted(_ quote: UInt8, what: String) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while let b = peek() {
            if b == quote {
                if peek(1) == quote { out.append(quote); pos += 2; continue }
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\n"), quote != UInt8(ascii: "'") { break }
            out.append(b)
            pos += 1
        }
        error(.unterminated(what), start, min(pos, start + 1))
        return String(decoding: out, as: UTF8.self)
    }

    /// Spaces, `-- comments` and `# comments` (so a shebang line is a comment).
    @_optimize(speed)
    private mutating func skipTrivia() {
        while let b = peek() {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                pos += 1
            } else if b == UInt8(ascii: "#") || (b == UInt8(ascii: "-") && peek(1) == UInt8(ascii: "-")) {
                while let c = peek(), c != UInt8(ascii: "\n") { pos += 1 }
            } else {
                break
            }
        }
    }
}
