/// What may follow the words of a statement typed so far, read from the catalogue alone: the
/// entries' paths say which keywords lead to which statement, their grammar lines what comes
/// after each keyword and after each value. Tab completion asks this and looks the slots up.
public struct Continuation: Sendable, Equatable {
    public var keywords: [String]
    public var slots: [SlotKind]

    public init(keywords: [String] = [], slots: [SlotKind] = []) {
        self.keywords = keywords; self.slots = slots
    }
}

extension StatementCatalog {
    /// `words` are the statement's words before the cursor; `continuingList` says the last of
    /// them ended with a comma, so another item of the same list may come (`grant SELECT, `).
    public static func continuation(after words: [String], continuingList: Bool = false) -> Continuation {
        let typed = words.map { $0.lowercased() }
        guard let first = typed.first else { return Continuation(keywords: starts) }
        var keywords: [String] = [], slots: [SlotKind] = []
        func add(_ next: GrammarLine.Next) { keywords += next.keywords; slots += next.slots }
        var bodies: [(entry: StatementEntry, line: GrammarLine, rest: ArraySlice<String>)] = []
        for entry in entries where entry.path[0] == first {
            guard let line = lines[entry.id], let at = pathMatch(typed, entry, line) else { continue }
            if at.path < entry.path.count {
                keywords.append(entry.path[at.path])
                let last = typed.count - 1
                add(line.next(at: line.occurrences(of: typed[last], after: last > 0 ? typed[last - 1] : nil)))
            } else {
                bodies.append((entry, line, typed[at.typed...]))
            }
        }
        // A value that happens to be a keyword (a schema named `data`) leaves no statement its
        // words fit; then every statement the path leads to is read.
        // Nor does a line whose first keyword after the path is not one it can put there.
        let fitting = bodies.filter { body in
            body.rest.allSatisfy { !grammarWords.contains($0) || body.line.words.contains($0) }
                && body.rest.first(where: body.line.words.contains).map(body.line.leadingKeywords.contains) ?? true
        }
        for (entry, line, rest) in fitting.isEmpty ? bodies : fitting {
            if !rest.isEmpty, line.next(after: entry.path[entry.path.count - 1]).slots.contains(.statement) {
                return continuation(after: Array(rest), continuingList: continuingList)
            }
            // The line's last keyword typed, at the places the word before it allows.
            guard let k = typed.lastIndex(where: line.words.contains) else { continue }
            let places = line.occurrences(of: typed[k], after: k > 0 ? typed[k - 1] : nil)
            if continuingList {
                // After a comma only another item of the list may come, never a keyword.
                slots += line.next(at: places).slots
            } else if k == typed.count - 1 {
                add(line.next(at: places))
            } else {
                add(line.afterValue(at: places))
            }
        }
        if let i = slots.firstIndex(of: .secret) { slots.remove(at: i); keywords += SlotKind.secretWords }
        if let i = slots.firstIndex(of: .statement) { slots.remove(at: i); keywords += starts }
        return Continuation(keywords: unique(keywords), slots: unique(slots))
    }

    /// How far the typed words follow the entry's path: the count of path words matched, and of
    /// typed words used for them. Words the grammar puts among the path's (`show [physical]
    /// processes`) may come between. Nil when the words leave the path.
    private static func pathMatch(_ typed: [String], _ entry: StatementEntry, _ line: GrammarLine) -> (path: Int, typed: Int)? {
        let optional = line.words(before: entry.path).subtracting(entry.path)
        var p = 0, t = 0
        while t < typed.count, p < entry.path.count {
            if typed[t] == entry.path[p] { p += 1 } else if !optional.contains(typed[t]) { return nil }
            t += 1
        }
        return (p, t)
    }

    /// The items of the list being typed: the words after the last keyword (`with INSERT, ` →
    /// `INSERT`; the statement's own `create` is no privilege already listed).
    public static func listItems(in words: [String]) -> [String] {
        guard let k = words.lastIndex(where: { grammarWords.contains($0.lowercased()) }) else { return words }
        return Array(words[(k + 1)...])
    }

    static let lines: [StatementID: GrammarLine] = Dictionary(entries.map { ($0.id, GrammarLine($0.grammar, path: $0.path, slots: $0.slots)) }) { first, _ in first }
    /// Every word some grammar line uses.
    static let grammarWords: Set<String> = Set(lines.values.flatMap(\.words))

    private static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen: Set<T> = []
        return items.filter { seen.insert($0).inserted }
    }
}
