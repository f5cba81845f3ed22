/// A problem in a script, tied to the source range it is about.
public struct Diagnostic: Error, Sendable, Equatable {
    public enum Severity: String, Sendable { case error, warning, note }

    /// What kind of problem, where code acts on it (the REPL reads on after `.incomplete`).
    public enum Kind: String, Sendable { case incomplete, invalid, io, noInstance, other }

    public var severity: Severity
    public var message: String
    public var range: SourceRange
    /// The file the range belongs to (a `source`d file may differ from the main one).
    public var file: String
    public var kind: Kind
    /// A word within the range that the problem is about (an account name in a grant): the
    /// marker goes under it when the source spells it, under the whole range otherwise.
    public var focus: String?

    public init(_ severity: Severity = .error, _ message: String, at range: SourceRange, file: String, kind: Kind = .other,
                focus: String? = nil) {
        self.severity = severity; self.message = message; self.range = range; self.file = file; self.kind = kind; self.focus = focus
    }

    public init(_ severity: Severity = .error, _ message: Message, at range: SourceRange, file: String) {
        self.init(severity, message.text, at: range, file: file, kind: message.kind)
    }
}

/// Renders diagnostics clang-style: `file:line:col: error: message`, the line, and a marker.
public struct DiagnosticFormatter: Sendable {
    public var color: Bool
    public init(color: Bool = false) { self.color = color }

    /// Characters of a source line an excerpt shows at most: a 200 KB line (or binary input)
    /// gives a window around the position, not the whole line.
    public static let excerptWidth = 120

    public func format(_ d: Diagnostic, in source: SourceFile) -> String {
        var d = d
        if let word = d.focus, let narrowed = Self.find(word, in: d.range, of: source) { d.range = narrowed }
        let (line, column) = source.location(d.range.start)
        // Secrets never reach the excerpt: their characters become '*', the columns stay right.
        let full = Array(SecretMask.mask(source.line(line)))
        let gutter = String(line)
        let pad = String(repeating: " ", count: gutter.count)
        // Underline within the first line of the range only.
        let endLoc = source.location(d.range.end)
        var width = endLoc.line == line ? max(1, endLoc.column - column) : max(1, full.count - column + 1)
        var at = column - 1
        var shown = full[...]
        var lead = "", trail = ""
        if full.count > Self.excerptWidth {
            let start = max(0, min(at - Self.excerptWidth / 3, full.count - Self.excerptWidth))
            let end = min(full.count, start + Self.excerptWidth)
            shown = full[start..<end]
            if start > 0 { lead = "…" }
            if end < full.count { trail = "…" }
            at = at - start + lead.count
            width = max(1, min(width, end - start - (at - lead.count) ))
        }
        let lineText = lead + String(shown).map { $0.isASCII && $0.asciiValue! < 32 && $0 != "\t" ? "?" : $0 }.map(String.init).joined() + trail
        let marker = "^" + String(repeating: "~", count: max(0, width - 1))
        let severity = paint(d.severity.rawValue + ":", d.severity == .error ? "31" : d.severity == .warning ? "35" : "36")
        let indent = String(Array(lineText).prefix(max(0, at)).map { $0 == "\t" ? "\t" : " " })
        return """
            \(paint("\(d.file):\(line):\(column):", "1")) \(severity) \(d.message)
             \(gutter) | \(lineText)
             \(pad) | \(indent)\(paint(marker, "32"))
            """
    }

    /// The last place `word` stands as a whole word within `range`.
    static func find(_ word: String, in range: SourceRange, of source: SourceFile) -> SourceRange? {
        let w = Array(word.utf8)
        guard !w.isEmpty, range.end - range.start >= w.count else { return nil }
        let bytes = source.bytes
        var i = min(range.end, bytes.count) - w.count
        while i >= range.start {
            if bytes[i..<(i + w.count)].elementsEqual(w),
               i == 0 || !ASCII.isWordByte(bytes[i - 1]), i + w.count >= bytes.count || !ASCII.isWordByte(bytes[i + w.count]) {
                return SourceRange(i, i + w.count)
            }
            i -= 1
        }
        return nil
    }

    private func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
}

/// "did you mean" for misspelt keywords and privileges.
public enum Suggestion {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let w = word.lowercased()
        var best: (String, Int)?
        for c in candidates {
            let d = distance(w, c.lowercased())
            let allowed = c.count <= 3 ? 1 : (c.count <= 6 ? 2 : 3)
            if d <= allowed, d < w.count, best.map({ d < $0.1 }) ?? true { best = (c, d) }
        }
        return best?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
