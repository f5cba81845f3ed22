/// Recursive-descent parser. Recovers at `;` and statement keywords so one
/// run reports every real error once; knows when input is merely incomplete
/// (the REPL asks it instead of counting brackets).
public struct Parser {
    public struct Result: Sendable {
        public var statements: [Statement]
        public var diagnostics: [Diagnostic]
        /// The input ended inside a statement, string or block.
        public var incomplete: Bool
    }

    /// A parse error: a case of the catalogue (no string, so every wording is the catalogue's).
    struct Failure: Error { var message: Message; var range: SourceRange; var atEOF: Bool }

    /// The word that, as a value, is `lines('file')`: a name spelled so is written quoted.
    static let linesFunction = "lines"

    /// Where recovery may resume, and every word a statement starts with: from the catalogue.
    static let statementKeywords = StatementCatalog.recoveryStarts
    static let allStatementKeywords = StatementCatalog.starts.sorted()
    static let maxDepth = 64

    let source: SourceFile
    // Tokens are pulled from the lexer one at a time, so a script's memory is one
    // statement's tokens, not the whole file's (`--check` of 1M statements).
    private var lexer: Lexer
    var current: Token
    /// Where the last consumed token was: a statement ends, and a missing ';' belongs, there.
    private(set) var previousRange = SourceRange(0, 0)
    /// The last consumed token was the `}` that closes a block.
    private var previousClosedBlock = false
    /// Tokens consumed so far: tells whether error recovery moved.
    private var index = 0
    private var diagnostics: [Diagnostic] = []
    private var secretSources: [SecretSource] = []
    private var lexerDiagnostics: [Diagnostic] = []
    private var incomplete = false
    private var depth = 0
    /// Where the statement being parsed began: a word found where another was expected that the
    /// statement already wrote is a clause given twice (`shards 4 shards 8`), said so.
    private var statementStart = 0

    public init(_ source: SourceFile) {
        self.source = source
        self.lexer = Lexer(source)
        self.current = lexer.next()
        collectLexerDiagnostics()
    }

    public static func parse(_ source: SourceFile) -> Result {
        var p = Parser(source)
        return p.parseScript()
    }

    /// For the REPL: true while the text cannot be a complete script yet.
    public static func isIncomplete(_ text: String) -> Bool {
        let r = parse(SourceFile(name: "<input>", text: text))
        return r.incomplete
    }

    // MARK: cursor

    // A pattern, not `==`: the synthesized comparison copies the token's payload, on every token.
    private var atEnd: Bool { if case .eof = current.kind { true } else { false } }

    @discardableResult
    @_optimize(speed)
    mutating func advance() -> Token {
        if atEnd { return current }
        // Swapped in, not copied out: no reference counting of the word on every token.
        var t = lexer.next()
        swap(&t, &current)
        previousRange = t.range
        previousClosedBlock = t.isPunct("}")
        index += 1
        collectLexerDiagnostics()
        return t
    }

    private mutating func collectLexerDiagnostics() {
        guard !lexer.diagnostics.isEmpty else { return }
        let fresh = lexer.takeDiagnostics()
        // An unterminated string that runs to the end is unfinished input, not a typo.
        if fresh.contains(where: { $0.kind == .incomplete }) { incomplete = true }
        lexerDiagnostics += fresh
    }

    /// The diagnostics found since the last call, lexer and parser merged in source order.
    /// The secrets read from outside the script (env, file, prompt) since the last call, for the
    /// compiler to check before anything runs.
    @_optimize(speed)
    public mutating func takeSecretSources() -> [SecretSource] {
        defer { secretSources.removeAll() }
        return secretSources
    }

    @_optimize(speed)
    public mutating func takeDiagnostics() -> [Diagnostic] {
        // Asked after every statement; nearly always there is nothing to merge.
        if lexerDiagnostics.isEmpty && diagnostics.isEmpty { return [] }
        var merged: [Diagnostic] = []
        merged.reserveCapacity(lexerDiagnostics.count + diagnostics.count)
        var l = lexerDiagnostics[...], p = diagnostics[...]
        while let a = l.first, let b = p.first {
            if a.range.start <= b.range.start { merged.append(a); l = l.dropFirst() } else { merged.append(b); p = p.dropFirst() }
        }
        merged += l
        merged += p
        lexerDiagnostics = []
        diagnostics = []
        return merged
    }

    @_optimize(speed)
    func check(_ keyword: String) -> Bool { current.isKeyword(keyword) }

    @_optimize(speed)
    mutating func match(_ keyword: String) -> Bool {
        guard check(keyword) else { return false }
        advance()
        return true
    }

    @_optimize(speed)
    mutating func match(punct c: Unicode.Scalar) -> Bool {
        guard current.isPunct(c) else { return false }
        advance()
        return true
    }

    func failure(_ message: Message) -> Failure {
        Failure(message: message, range: current.range, atEOF: atEnd)
    }

    /// The word at the cursor, when the statement already wrote it before (read again from the
    /// source, only when parsing has failed there: nothing is kept while parsing goes well).
    private func repeatedWord() -> String? {
        guard let word = current.keyword, statementStart < current.range.start else { return nil }
        var lexer = Lexer(SourceFile(name: source.name, text: String(decoding: source.bytes[statementStart..<current.range.start], as: UTF8.self)))
        while true {
            let t = lexer.next()
            if case .eof = t.kind { return nil }
            if t.keyword == word { return word }
        }
    }

    /// An expectation that failed: the clause given twice when the word found is one the
    /// statement already wrote, otherwise what was expected and what was found.
    private func expected(_ what: String, _ context: String, suggest: Bool = false, range: SourceRange? = nil) -> Failure {
        if let word = repeatedWord() { return Failure(message: .givenTwice(word), range: current.range, atEOF: false) }
        return Failure(message: .expectedToken(what, context: context, found: found, suggest: suggest), range: range ?? current.range, atEOF: atEnd)
    }

    /// Refuses a clause given a second time (`shards 4 shards 16`): which one counts would be a
    /// guess. Call right after matching the clause's first word, with the clauses seen so far.
    mutating func once(_ clause: String, _ seen: inout Set<String>) throws {
        guard seen.insert(clause).inserted else {
            throw Failure(message: .givenTwice(clause), range: previousRange, atEOF: false)
        }
    }

    /// A secret a statement reads without naming it (the data nodes' administrator's password
    /// from `DDM_RDS_PASSWORD` when no `admin user … password …` is given): checked before the run
    /// like one it names, at `range`.
    mutating func implicitSecret(_ variable: String, at range: SourceRange) -> SecretSource {
        secretSources.append(.env(variable, range))
        return .env(variable, range)
    }

    var found: String {
        switch current.kind {
        case .eof: "end of input"
        case .word(let w): "'\(w.prefix(40))'"
        case .quotedName(let n): "\"\(n.prefix(40))\""
        case .string: "a string"
        case .secret: "a secret"
        case .number(let n): "'\(n)'"
        case .variable(let v): "'$\(v)'"
        case .punct(let c): "'\(c)'"
        }
    }

    @discardableResult
    @_optimize(speed)
    mutating func expect(_ keyword: String, _ context: String) throws -> Token {
        guard check(keyword) else {
            let nearMiss = current.keyword.map { $0 != keyword && Suggestion.closest(to: $0, in: [keyword]) != nil } ?? false
            throw expected(keyword, context, suggest: nearMiss)
        }
        return advance()
    }

    @_optimize(speed)
    mutating func expect(punct c: Unicode.Scalar, _ context: String) throws {
        guard match(punct: c) else { throw failure(.expectedToken(String(c), context: context, found: found)) }
    }

    // MARK: script

    mutating func parseScript() -> Result {
        var statements: [Statement] = []
        while let s = nextStatement() { statements.append(s) }
        return Result(statements: statements, diagnostics: takeDiagnostics(), incomplete: incomplete)
    }

    /// The next statement, or nil at the end of the input. A broken statement is
    /// reported (see `takeDiagnostics`) and skipped.
    @_optimize(speed)
    public mutating func nextStatement() -> Statement? {
        while !atEnd {
            if match(punct: ";") { continue }
            let start = index
            do {
                return try statement()
            } catch let f as Failure {
                report(f)
                synchronize(from: start)
                // A stray '}' stops synchronize without being consumed; step over it.
                if index == start { advance() }
            } catch {}
        }
        return nil
    }

    private mutating func report(_ f: Failure) {
        if f.atEOF { incomplete = true }
        diagnostics.append(Diagnostic(.error, f.message, at: f.range, file: source.name))
    }

    /// Skip to the end of the broken statement: past `;`, or to a keyword that starts the next one.
    private mutating func synchronize(from start: Int) {
        while !atEnd {
            if match(punct: ";") { return }
            if current.isPunct("}") { return }
            if index > start, let k = current.keyword, Self.statementKeywords.contains(k) { return }
            advance()
        }
    }

    /// statement := <keyword-led statement> ';'
    @_optimize(speed)
    mutating func statement() throws -> Statement {
        let start = current.range.start
        let outer = statementStart
        statementStart = start
        defer { statementStart = outer }
        // Told by the first word, not by matching the parsed statement, which copies it.
        let isExplain = current.isKeyword("explain")
        let node = try statementNode()
        if previousClosedBlock {
            // A statement that ends with a block (`for`, `on instances`) needs no ';'.
            _ = match(punct: ";")
        } else if isExplain {
            // The explained statement consumed the ';'.
        } else if !match(punct: ";") {
            // Point just past the statement, where the ';' belongs, not at the next line's first word.
            let end = previousRange.end
            throw expected(";", "at the end of the statement", range: SourceRange(end, end))
        }
        return Statement(SyntaxNode(node), range: SourceRange(start, previousRange.end))
    }

    /// A statement, found by walking the rules' keywords (`StatementCatalog.rules`), longest
    /// match first. Every statement is a family's, the script statements too.
    @_optimize(speed)
    private mutating func statementNode() throws -> any StatementSyntax {
        guard let first = current.keyword else {
            throw failure(.expected("a statement", found: found))
        }
        guard var node = StatementCatalog.rules.next[first] else {
            throw failure(.unknownStatement(found: found, suggestion: Suggestion.closest(to: first, in: Self.allStatementKeywords)))
        }
        advance()
        // The words after the first, kept only when there are some: a grant is one lookup and
        // allocates no path.
        var more: [String] = []
        while !node.next.isEmpty, let k = current.keyword, let next = node.next[k] { advance(); more.append(k); node = next }
        if let rule = node.rule { return try rule.parse(&self) }
        if more.isEmpty && first == "show" { throw showFailure() }
        let path = ([first] + more).joined(separator: " ")
        let expected = node.expected.sorted().map { "'\($0)'" }
        let list = expected.count > 1 ? expected.dropLast().joined(separator: ", ") + " or " + expected.last! : expected.joined()
        throw failure(.expected(list, after: "'\(path)'", found: found))
    }

    mutating func nested<T>(_ body: (inout Parser) throws -> T) throws -> T {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { throw failure(.nestingTooDeep(levels: Self.maxDepth)) }
        return try body(&self)
    }

    /// show instances | instance N | engines | flavors | schemas | schema N | available rds | users | grants for U | job ID | nodes
    /// `show` followed by no target: what can be shown, or the target meant.
    private func showFailure() -> Failure {
        let targets = StatementCatalog.showTargets
        let shown = targets.map { $0 == "available" ? "available rds" : $0 }
        if let w = current.keyword, let s = Suggestion.closest(to: w, in: targets) {
            return failure(.cannotShow(found: found, suggestion: s))
        }
        return failure(.expectedShowTarget(shown, found: found))
    }

    mutating func ifNot() throws -> Bool {
        guard match("if") else { return false }
        try expect("not", "after 'if'"); try expect("exists", "after 'if not'")
        return true
    }

    mutating func ifExists() throws -> Bool {
        guard match("if") else { return false }
        try expect("exists", "after 'if'")
        return true
    }

    mutating func deleteData() throws -> Bool {
        guard match("delete") else { return false }
        try expect("rds", "after 'delete'"); try expect("data", "after 'delete rds'")
        return true
    }

    /// block := '{' statement* '}' — a loop's or a fleet's body. A broken statement inside is
    /// reported and skipped, as at the top level.
    mutating func block(_ what: String) throws -> [Statement] {
        try expect(punct: "{", "to open \(what)")
        return try nested { p in
            var body: [Statement] = []
            while !p.current.isPunct("}") {
                if p.atEnd { throw p.failure(.expectedToken("}", context: "to close \(what)", found: p.found)) }
                if p.match(punct: ";") { continue }
                let start = p.index
                do {
                    body.append(try p.statement())
                } catch let f as Failure {
                    p.report(f)
                    p.synchronize(from: start)
                }
            }
            p.advance()
            return body
        }
    }

    // MARK: values

    /// secret := prompt | env NAME | file 'path' | 'literal'
    mutating func secret() throws -> SecretSource {
        let t = current
        if case .secret(let s) = t.kind { advance(); return .literal(s, t.range) }
        if match("prompt") { secretSources.append(.prompt(t.range)); return .prompt(t.range) }
        if match("env") {
            let n = try identifier("environment variable name")
            secretSources.append(.env(n, t.range.union(previousRange)))
            return .env(n, t.range.union(previousRange))
        }
        if match("file") {
            guard case .string(let path) = current.kind else { throw failure(.expected("a quoted file path", after: "'file'", found: found)) }
            let end = advance().range
            secretSources.append(.file(path, t.range.union(end)))
            return .file(path, t.range.union(end))
        }
        throw failure(.expectedSecret(found: found))
    }

    mutating func identifier(_ what: String) throws -> String {
        if case .word(let w) = current.kind { advance(); return w }
        throw failure(.expected(what, found: found))
    }

    /// A name: a word, a quoted name, or a `$variable`.
    @_optimize(speed)
    mutating func name(_ what: String) throws -> Expr {
        let t = current
        switch t.kind {
        case .word(let w): advance(); return .name(w, t.range)
        case .quotedName(let n): advance(); return .name(n, t.range)
        case .variable(let v): advance(); return .variable(v, t.range)
        case .number(let n): advance(); return .name(String(n), t.range)
        default: throw failure(.expected(what, found: found))
        }
    }

    mutating func stringValue(_ what: String) throws -> Expr {
        let t = current
        switch t.kind {
        case .string(let s): advance(); return .string(s, t.range)
        case .variable(let v): advance(); return .variable(v, t.range)
        default: throw failure(.expectedQuoted(what, found: found))
        }
    }

    /// list := item (',' item)* | '(' … ')' | '[' … ']' | lines('file') | $var
    @_optimize(speed)
    mutating func list(_ what: String) throws -> Expr {
        let first = try item(what)
        guard current.isPunct(",") else { return first }
        // Room for a typical list at once: growing from one item reallocates on every grant.
        var items: [Expr] = []
        items.reserveCapacity(4)
        items.append(first)
        while match(punct: ",") { items.append(try item(what)) }
        return .list(items, first.range.union(items.last!.range))
    }

    @_optimize(speed)
    mutating func item(_ what: String) throws -> Expr {
        if current.isPunct("(") || current.isPunct("[") { return try bracketed(what) }
        if check(Self.linesFunction) { return try lines() }
        let t = current
        if case .string(let s) = t.kind { advance(); return .string(s, t.range) }
        return try name(what)
    }

    private mutating func bracketed(_ what: String) throws -> Expr {
        let open = advance()
        let close: Unicode.Scalar = open.isPunct("(") ? ")" : "]"
        return try nested { p in
            var items: [Expr] = []
            if !p.current.isPunct(close) {
                repeat { items.append(try p.item(what)) } while p.match(punct: ",")
            }
            let end = p.current.range
            try p.expect(punct: close, "to close the list")
            return .list(items, open.range.union(end))
        }
    }

    private mutating func lines() throws -> Expr {
        let start = advance().range
        try expect(punct: "(", "after 'lines'")
        let file = try stringValue("file name")
        let end = current.range
        try expect(punct: ")", "after the file name")
        return .lines(file, start.union(end))
    }

    /// optionValue := number | item  (a list needs brackets: `az=[a, b]`)
    mutating func optionValue() throws -> Expr {
        let t = current
        if case .number(let n) = t.kind { advance(); return .number(n, t.range) }
        return try item("value")
    }

    /// value := string | number | list | lines(…) | name | $var
    mutating func value() throws -> Expr {
        let t = current
        if case .number(let n) = t.kind {
            advance()
            return .number(n, t.range)
        }
        return try list("value")
    }

    // MARK: grammar the families share

    mutating func onOff(_ what: String) throws -> Bool {
        if match("on") { return true }
        if match("off") { return false }
        throw failure(.expected("'on' or 'off'", after: "'\(what)'", found: found))
    }

    /// `on instance <i>`, when written.
    mutating func onInstance() throws -> Expr? {
        guard match("on") else { return nil }
        try expect("instance", "after 'on'")
        return try name("instance name")
    }

    /// A parameter's value: a number, a word (`ON`, `0.5`, `utf8mb4`), a quoted string or a variable.
    mutating func parameterValue() throws -> Expr {
        let t = current
        switch t.kind {
        // The value as written (`05` stays `05`): the API takes parameter values as strings.
        case .number: advance(); return .name(source.text(t.range), t.range)
        case .string(let s): advance(); return .string(s, t.range)
        default: return try name("parameter value")
        }
    }
}
