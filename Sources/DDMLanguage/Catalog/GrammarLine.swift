/// What a slot of a grammar line holds, so completion knows where to look its names up.
public enum SlotKind: Sendable, Hashable {
    case instance, schema, account, rds, node, parameter, flavor, template, privilege, group
    /// `password <secret>`: the keywords that say where a secret comes from.
    case secret
    /// A path on this machine.
    case file
    /// `explain <statement>`: a whole statement follows.
    case statement
    /// `help <topic>`: a help topic's first word.
    case topic
    /// A name no list holds: a new one, a number, a time, or an account of another system.
    case unlisted

    /// The kind of a slot by how the grammar lines write it, most specific first: the keyword
    /// before it and its name (`template <t>`), then its name alone (`<t>` is not always a template).
    static func of(_ slot: String, after keyword: String?, in entry: [String: SlotKind]) -> SlotKind {
        let qualified = keyword.map { "\($0) \(slot)" }
        if let q = qualified, let kind = entry[q] { return kind }
        if let kind = entry[slot] { return kind }
        if let q = qualified, let kind = byName[q] { return kind }
        return byName[slot] ?? .unlisted
    }

    private static let byName: [String: SlotKind] = [
        "<i>": .instance, "instance <t>": .instance, "instance <name-or-id>": .instance,
        "<s>": .schema, "<schema>": .schema, "<schemas>": .schema,
        "<account>": .account, "<accounts>": .account, "user <u>": .account,
        "<rds>": .rds, "<rds-id-or-name>": .rds,
        "<node-id>": .node, "node <n>": .node, "<g>": .group,
        "parameter <name>": .parameter, "set <name>": .parameter, "with <name>": .parameter,
        "<code>": .flavor,
        "<template>": .template, "template <t>": .template, "template <name-or-id>": .template,
        "<privs>": .privilege, "<secret>": .secret, "<statement>": .statement, "<topic>": .topic,
        "<file>": .file, "<file.ddm>": .file,
    ]

    /// What `password` takes before a quoted literal.
    public static let secretWords = ["prompt", "env", "file"]
}

/// A statement's grammar line read as tokens, to say what may come after each of its keywords.
/// `[…]` is optional, `a|b` and `a … | b …` are alternatives, `(…)` groups, every bare word is a
/// keyword and `<…>` (or `'<…>'`) a slot.
struct GrammarLine: Sendable {
    enum Token: Sendable, Equatable {
        case keyword(String)
        case slot(String, SlotKind)
        case mark(Character)
        /// A mark the reading does not use (`,` `…` `=`): what follows it is not offered.
        case other
    }

    /// What may come next: keywords, and slots by kind.
    struct Next: Sendable, Equatable {
        var keywords: [String] = []
        var slots: [SlotKind] = []
        static func + (a: Next, b: Next) -> Next { Next(keywords: a.keywords + b.keywords, slots: a.slots + b.slots) }
    }

    let tokens: [Token]
    /// The `|` written without spaces (`on|off`): it joins two words, never two phrases.
    let tightBars: Set<Int>
    /// Every keyword the line uses.
    let words: Set<String>
    /// Where the line's last path word is.
    let pathEnd: Int?

    init(_ grammar: String, path: [String], slots: [String: SlotKind]) {
        // The grammar ends where its two-space parenthesis (a note in words) begins.
        let text = grammar.range(of: "  (").map { String(grammar[..<$0.lowerBound]) } ?? grammar
        var tokens: [Token] = []
        var tightBars: Set<Int> = []
        var lastWord: String?
        var i = text.startIndex
        func slot(_ name: String) {
            tokens.append(.slot(name, SlotKind.of(name, after: lastWord, in: slots)))
            lastWord = nil
        }
        while i < text.endIndex {
            let c = text[i]
            if c.isWhitespace {
                i = text.index(after: i)
            } else if c == "<", let close = text[i...].firstIndex(of: ">") {
                slot(String(text[i...close]))
                i = text.index(after: close)
            } else if c == "'", let close = text[text.index(after: i)...].firstIndex(of: "'") {
                let inner = text[text.index(after: i)..<close]
                if let open = inner.firstIndex(of: "<"), let end = inner.firstIndex(of: ">") { slot(String(inner[open...end])) } else { slot("'…'") }
                i = text.index(after: close)
            } else if c.isLetter || c.isNumber || c == "_" {
                let end = text[i...].firstIndex { !($0.isLetter || $0.isNumber || "_-.".contains($0)) } ?? text.endIndex
                let word = String(text[i..<end]).lowercased()
                tokens.append(.keyword(word))
                lastWord = word
                i = end
            } else {
                if c == "|", i > text.startIndex, !text[text.index(before: i)].isWhitespace,
                   text.index(after: i) < text.endIndex, !text[text.index(after: i)].isWhitespace {
                    tightBars.insert(tokens.count)
                }
                tokens.append("[]()|;{}".contains(c) ? .mark(c) : .other)
                if !",…=%".contains(c) { lastWord = nil }
                i = text.index(after: i)
            }
        }
        self.tokens = tokens
        self.tightBars = tightBars
        words = Set(tokens.compactMap { if case .keyword(let w) = $0 { w } else { nil } })
        var p = 0, end: Int?
        for (i, t) in tokens.enumerated() where p < path.count && t == .keyword(path[p]) {
            p += 1
            if p == path.count { end = i }
        }
        pathEnd = end
    }

    /// The keywords the line writes up to the last of the path's (the path and any optional
    /// words among it, as `physical` in `show [physical] processes`).
    func words(before path: [String]) -> Set<String> {
        var seen: Set<String> = [], p = 0
        for case .keyword(let w) in tokens where p < path.count {
            seen.insert(w)
            if w == path[p] { p += 1 }
        }
        return seen
    }

    /// What may come right after the keyword, wherever the line uses it.
    func next(after keyword: String) -> Next {
        next(at: tokens.indices.filter { tokens[$0] == .keyword(keyword) })
    }

    /// What may come right after the keywords at `places`.
    func next(at places: [Int]) -> Next { places.map { firsts(from: $0 + 1) }.reduce(Next(), +) }

    /// What may come after the value that follows the keywords at `places` (`drop schema orders `
    /// → `if`, …).
    func afterValue(at places: [Int]) -> Next {
        var result = Next()
        for k in places {
            for s in firstIndices(from: k + 1) { if case .slot = tokens[s] { result = result + firsts(from: s + 1) } }
        }
        return result
    }

    /// The places of `keyword` in the line that the word typed before it allows: after a keyword,
    /// where the line writes that keyword before it; after a value, where a slot comes before it.
    /// A word the line uses twice (`restore to instance … map <rds> to <rds>`) is then the one
    /// being typed. Every place when none fits (options written in any order).
    func occurrences(of keyword: String, after previous: String?) -> [Int] {
        let all = tokens.indices.filter { tokens[$0] == .keyword(keyword) }
        guard let previous, all.count > 1 else { return all }
        let fitting = all.filter { k in
            guard k > 0 else { return true }
            switch tokens[k - 1] {
            case .keyword(let w): return w == previous
            case .slot: return !words.contains(previous)
            default: return true
            }
        }
        return fitting.isEmpty ? all : fitting
    }

    /// The keywords that may come first after the path, right after it or after its value: what
    /// tells this line from another one with the same path (`alter schema s switch` is not a reshard).
    var leadingKeywords: Set<String> {
        guard let end = pathEnd else { return [] }
        return Set(next(at: [end]).keywords + afterValue(at: [end]).keywords)
    }

    private func firsts(from start: Int) -> Next {
        var next = Next()
        for i in firstIndices(from: start) {
            switch tokens[i] {
            case .keyword(let w): next.keywords.append(w)
            case .slot(_, let kind): next.slots.append(kind)
            default: break
            }
        }
        return next
    }

    /// The tokens that may come first from `start` on: an optional group adds its first and the
    /// reading goes on past it; a `|` met on the way skips the alternative it introduces.
    private func firstIndices(from start: Int, to end: Int? = nil) -> [Int] {
        let end = end ?? tokens.count
        var out: [Int] = []
        var i = start
        // Only optional groups read so far: a phrase-level `|` then offers its alternative too
        // (`blacklist [prefix …] [full …] | none`: `none` may come first).
        var onlyOptional = false
        while i < end {
            switch tokens[i] {
            case .mark("]"), .mark(")"): i += 1
            case .mark("["):
                let close = closing(i)
                out += firstIndices(from: i + 1, to: close)
                i = close + 1
                onlyOptional = true
            case .mark("("):
                let close = closing(i)
                return out + firstIndices(from: i + 1, to: close)
            case .mark("|") where onlyOptional && !tightBars.contains(i): return out + firstIndices(from: i + 1, to: end)
            case .mark("|"): i = elementEnd(i + 1)
            case .mark(";"), .mark("{"), .mark("}"): return out
            case .other: return out
            case .keyword: return out + [i] + alternatives(after: i, to: end)
            case .slot: return out + [i]
            case .mark: i += 1
            }
        }
        return out
    }

    /// `a|b` always; and a `|` further on at the element's level (`like '<p>' | (<i>, …)`, `from
    /// backup <id> | at '<when>'`) when the element begins a phrase: it comes after a value, a
    /// closed group, a `|` or the path; not after a keyword it belongs to (`with instance <i> |
    /// with …`), nor first in a group (`[mode cluster|single]`, `[passwords prompt | env]`).
    private func alternatives(after i: Int, to end: Int) -> [Int] {
        if i + 1 < end, tokens[i + 1] == .mark("|") { return firstIndices(from: i + 2, to: end) }
        guard beginsPhrase(i) else { return [] }
        var j = i + 1
        while j < end {
            switch tokens[j] {
            case .mark("|") where !tightBars.contains(j): return firstIndices(from: j + 1, to: end)
            case .mark("["), .mark("("): j = closing(j) + 1
            case .mark("]"), .mark(")"), .mark(";"), .mark("{"), .mark("}"): return []
            default: j += 1
            }
        }
        return []
    }

    private func beginsPhrase(_ i: Int) -> Bool {
        guard i > 0, i - 1 != pathEnd else { return true }
        switch tokens[i - 1] {
        case .slot, .mark("]"), .mark(")"), .mark("|"): return true
        default: return false
        }
    }

    /// The index of the bracket that closes the one at `open` (the end of the line if none does).
    private func closing(_ open: Int) -> Int {
        var depth = 0
        for j in open..<tokens.count {
            if tokens[j] == .mark("[") || tokens[j] == .mark("(") { depth += 1 }
            if tokens[j] == .mark("]") || tokens[j] == .mark(")") { depth -= 1; if depth == 0 { return j } }
        }
        return tokens.count
    }

    /// Where the element at `i` (a word, a slot, or a bracketed group) ends.
    private func elementEnd(_ i: Int) -> Int {
        guard i < tokens.count else { return i }
        if tokens[i] == .mark("[") || tokens[i] == .mark("(") { return closing(i) + 1 }
        return i + 1
    }
}
