/// A family of statements, one file (or folder) of its own: its catalogue entries and the
/// rules that parse its statements. `StatementCatalog.families` lists every family; that list
/// is the only place outside the family that knows it.
protocol StatementFamily {
    static var entries: [StatementEntry] { get }
    static var rules: [ParseRule] { get }
}

/// A family as the catalogue keeps it.
struct FamilyParts: Sendable {
    var entries: [StatementEntry]
    var rules: [ParseRule]
}

extension StatementFamily {
    static var parts: FamilyParts { FamilyParts(entries: entries, rules: rules) }
}

/// Parses the statements that start with `path` (alternatives as `a|b`): the parser matches
/// the keywords, then calls `parse` for the rest.
struct ParseRule: Sendable {
    var path: [[String]]
    var parse: @Sendable (inout Parser) throws -> any StatementSyntax

    init<S: StatementSyntax>(_ path: String, _ parse: @escaping @Sendable (inout Parser) throws -> S) {
        self.path = path.split(separator: " ").map { $0.split(separator: "|").map(String.init) }
        self.parse = { try parse(&$0) }
    }

    /// A rule whose parser decides which statement it has read (`alter schema <s> …`).
    init(_ path: String, existential parse: @escaping @Sendable (inout Parser) throws -> any StatementSyntax) {
        self.path = path.split(separator: " ").map { $0.split(separator: "|").map(String.init) }
        self.parse = parse
    }
}

/// The rules by their leading keywords: the parser walks it one keyword at a time.
struct RuleTrie: Sendable {
    var next: [String: RuleTrie] = [:]
    /// The words that may follow, as errors name them: each path's first spelling, not its aliases.
    var expected: Set<String> = []
    var rule: ParseRule?

    init(_ rules: [ParseRule]) {
        for r in rules { insert(r, at: r.path[...]) }
    }

    private init() {}

    private mutating func insert(_ rule: ParseRule, at path: ArraySlice<[String]>) {
        guard let words = path.first else {
            precondition(self.rule == nil, "two rules for one path: \(rule.path)")
            self.rule = rule
            return
        }
        expected.insert(words[0])
        for w in words {
            var child = next[w] ?? RuleTrie()
            child.insert(rule, at: path.dropFirst())
            next[w] = child
        }
    }
}
