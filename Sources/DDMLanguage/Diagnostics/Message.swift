import DDMKit

/// Every diagnostic the lexer, parser and compiler report, as typed values (swift-syntax's habit):
/// one case per rule, worded once, so no two places spell a rule differently and no code matches
/// text. A throw site names a case; it never writes a string (`Compiler.Failure` and the parser's
/// failure take only a `Message`). A new diagnostic is a new case, with its sample in `samples`.
///
/// The general rules (lexing, grammar, values, names, secrets) are here; the rules of one family
/// of statements are in `Message+<Family>.swift`.
public enum Message: Sendable, Equatable {
    // MARK: lexing

    /// A string or quoted name runs to the end of the input: unfinished, not wrong.
    case unterminated(String)
    case emptyQuotedName
    /// A `$` with no name after it.
    case expectedVariableName
    /// A character outside the language, as shown (an escape such as `\u{7}` for one unprintable).
    case unexpectedCharacter(String)
    /// A character that is not a letter, inside a word that holds other scripts' letters.
    case unexpectedCharacterInWord(String, word: String)

    // MARK: grammar

    /// "expected X [after Y], found Z": the generic grammar error; `what` names the alternatives.
    case expected(String, after: String? = nil, found: String)
    /// A keyword or punctuation the grammar requires (`context` says where: "after 'if'", "to
    /// close the list"); `suggest` when what was found is a near miss of it.
    case expectedToken(String, context: String, found: String, suggest: Bool = false)
    /// A value that must be a quoted string.
    case expectedQuoted(String, found: String)
    /// Where a password goes: the four ways to give one.
    case expectedSecret(found: String)
    case unknownStatement(found: String, suggestion: String?)
    /// `show` followed by no target it knows.
    case expectedShowTarget([String], found: String)
    /// `show` followed by a near miss of a target.
    case cannotShow(found: String, suggestion: String)
    case nestingTooDeep(levels: Int)
    case explainItself
    /// A clause, option or item that may be given once, given again (`noun` says what it is when
    /// the name alone does not).
    case givenTwice(String, noun: String? = nil)

    // MARK: values

    case undefinedVariable(String, suggestion: String?)
    /// A list where one value goes.
    case expectedOne(String, found: Int)
    case expectedNumber(for: String)
    /// Digits too many for a count.
    case numberTooLarge(String, for: String)
    /// A number outside its range.
    case notInRange(String, ClosedRange<Int>, got: Int)
    /// A count below its least.
    case tooFew(String, least: Int, got: Int)
    /// A list that must name something, empty.
    case nameAtLeastOne(String)
    /// A `since` that is neither a moment nor a span.
    case invalidSince(String)

    // MARK: names

    case invalidAccountName(String)
    case invalidSchemaName(String, problem: String)
    /// An instance's name, or a name DDM gives the same rule (a group's); `idAllowed` where an
    /// instance id may stand instead (a fleet's list).
    case invalidInstanceName(String, of: InstanceNamed = .instance, idAllowed: Bool = false)
    /// An address; `block` where a CIDR block may stand instead.
    case notIPv4(String, block: Bool = false)

    // MARK: files and secrets

    /// A `source` that sources itself, directly or not, or too deeply.
    case sourceCycle(path: String)
    case cannotRead(path: String, reason: String)
    /// `implicit`: the statement reads the variable without naming it (reshard, import), so the
    /// message says why it is needed.
    case secretVariableNotSet(String, implicit: Bool)
    case secretVariableEmpty(String, implicit: Bool)
    case secretFileMissing(path: String)
    case secretFileIsDirectory(path: String)
    case secretFileUnreadable(path: String)
    /// A secret's problem that matters only if `condition`'s object is missing: a warning of `--check`.
    indirect case neededOnlyIf(Message, condition: String)

    // MARK: running context

    case noInstanceSelected
    /// An error thrown while compiling that is not a diagnostic of the language: its own words.
    case failed(String)

    // MARK: families

    case account(AccountMessage)
    case instance(InstanceMessage)
    case schema(SchemaMessage)

    public var text: String {
        switch self {
        case .unterminated(let what): "unterminated \(what)"
        case .emptyQuotedName: "a quoted name cannot be empty"
        case .expectedVariableName: "expected a variable name after '$'"
        case .unexpectedCharacter(let c): "unexpected character '\(c)'"
        case .unexpectedCharacterInWord(let c, let word): "unexpected character '\(c)' in '\(word)'"
        case .expected(let what, let after, let found): "expected \(what)\(after.map { " after \($0)" } ?? ""), found \(found)"
        case .expectedToken(let token, let context, let found, let suggest):
            "expected '\(token)' \(context), found \(found)" + (suggest ? Self.didYouMean(token) : "")
        case .expectedQuoted(let what, let found): "expected \(what) as a quoted string, found \(found)"
        case .expectedSecret(let found): "expected a password: 'literal', prompt, env NAME or file 'path'; found \(found)"
        case .unknownStatement(let found, let suggestion): "unknown statement \(found)" + (suggestion.map(Self.didYouMean) ?? "")
        case .expectedShowTarget(let targets, let found): "expected what to show (\(targets.joined(separator: ", "))), found \(found)"
        case .cannotShow(let found, let suggestion): "cannot show \(found)" + Self.didYouMean(suggestion)
        case .nestingTooDeep(let levels): "nesting is deeper than \(levels) levels"
        case .explainItself: "'explain' cannot explain itself"
        case .givenTwice(let name, let noun): "\(noun.map { $0 + " " } ?? "")'\(name)' is given twice; give it once"
        case .undefinedVariable(let name, let suggestion): "undefined variable '$\(name)'" + (suggestion.map { Self.didYouMean("$" + $0) } ?? "")
        case .expectedOne(let what, let count): "expected one \(what), found a list of \(count)"
        case .expectedNumber(let what): "expected a number for \(what)"
        case .numberTooLarge(let digits, let what): "number '\(digits.prefix(24))\(digits.count > 24 ? "…" : "")' is too large for \(what)"
        case .notInRange(let what, let range, let got): "\(what) must be from \(range.lowerBound) to \(range.upperBound) (got \(got))"
        case .tooFew(let what, let least, let got): "\(what) is at least \(least) (got \(got))"
        case .nameAtLeastOne(let what): "name at least one \(what)"
        case .invalidSince(let got): "since takes a time such as '2026-11-20', '2026-11-20T08:00:00Z' or '36h', '3d' (got '\(got)')"
        case .invalidAccountName(let name): "invalid account name '\(name)': 1 to 32 characters, starting with a letter; ASCII letters, digits and '_'"
        case .invalidSchemaName(let name, let problem): "invalid schema name '\(name)': \(problem)"
        case .invalidInstanceName(let name, let holder, let idAllowed):
            "invalid \(holder.rawValue) name '\(name)': 4 to 64 characters, starting with a letter; letters, digits, '-' and '_'" + (idAllowed ? " (or an instance id)" : "")
        case .notIPv4(let address, let block):
            block ? "'\(address)' is not an IPv4 address or CIDR block (such as '10.0.0.0/24')" : "'\(address)' is not an IPv4 address"
        case .sourceCycle(let path): "'\(path)' is already being sourced (a cycle, or nesting deeper than 16)"
        case .cannotRead(let path, let reason): "cannot read '\(path)': \(reason)"
        case .secretVariableNotSet(let name, let implicit): "environment variable \(name) is not set" + Self.implicitSecret(name, implicit)
        case .secretVariableEmpty(let name, let implicit): "environment variable \(name) is empty" + Self.implicitSecret(name, implicit)
        case .secretFileMissing(let path): "the secret file '\(path)' does not exist"
        case .secretFileIsDirectory(let path): "the secret file '\(path)' is a directory"
        case .secretFileUnreadable(let path): "the secret file '\(path)' cannot be read (permission denied)"
        case .neededOnlyIf(let message, let condition): message.text + "; needed only if \(condition) does not exist (--check reads nothing to tell)"
        case .noInstanceSelected: "no instance selected: write 'use instance <name>;' first (or pass --instance)"
        case .failed(let description): description
        case .account(let m): m.text
        case .instance(let m): m.text
        case .schema(let m): m.text
        }
    }

    /// What kind of problem it is, for code that must tell them apart.
    public var kind: Diagnostic.Kind {
        switch self {
        case .unterminated: .incomplete
        case .invalidSchemaName, .account(.commentTooLong): .invalid
        case .cannotRead: .io
        case .noInstanceSelected: .noInstance
        default: .other
        }
    }

    /// What is named by the instance name's rule: OTC gives a group's name the same one.
    public enum InstanceNamed: String, Sendable { case instance, group }

    static func didYouMean(_ s: String) -> String { "; did you mean '\(s)'?" }

    private static func implicitSecret(_ name: String, _ implicit: Bool) -> String {
        implicit ? " (the data nodes' administrator is root with $\(name) unless 'admin user … password …' is given)" : ""
    }

    /// A diagnostic of a fleet's body, told which target's plan it was found in.
    static func forInstance(_ text: String, _ target: String) -> String { text + " (for instance \(target))" }

    /// One value of every case, the families' too, with the same arguments wherever a case takes
    /// them (`x`, `y`, 7), so two cases that render alike show here. Add one with each new case.
    public static let samples: [Message] = [
        .unterminated("x"), .emptyQuotedName, .expectedVariableName, .unexpectedCharacter("x"), .unexpectedCharacterInWord("x", word: "y"),
        .expected("x", found: "y"), .expected("x", after: "y", found: "y"),
        .expectedToken("x", context: "y", found: "y"), .expectedToken("x", context: "y", found: "y", suggest: true),
        .expectedQuoted("x", found: "y"), .expectedSecret(found: "y"),
        .unknownStatement(found: "x", suggestion: nil), .unknownStatement(found: "x", suggestion: "y"),
        .expectedShowTarget(["x", "y"], found: "y"), .cannotShow(found: "x", suggestion: "y"), .nestingTooDeep(levels: 7), .explainItself,
        .givenTwice("x"), .givenTwice("x", noun: "y"),
        .undefinedVariable("x", suggestion: nil), .undefinedVariable("x", suggestion: "y"), .expectedOne("x", found: 7),
        .expectedNumber(for: "x"), .numberTooLarge("7", for: "x"), .notInRange("x", 1...7, got: 7), .tooFew("x", least: 1, got: 7),
        .nameAtLeastOne("x"), .invalidSince("x"),
        .invalidAccountName("x"), .invalidSchemaName("x", problem: "y"), .invalidInstanceName("x"), .invalidInstanceName("x", of: .group), .invalidInstanceName("x", idAllowed: true),
        .notIPv4("x"), .notIPv4("x", block: true),
        .sourceCycle(path: "x"), .cannotRead(path: "x", reason: "y"),
        .secretVariableNotSet("x", implicit: false), .secretVariableNotSet("x", implicit: true),
        .secretVariableEmpty("x", implicit: false), .secretVariableEmpty("x", implicit: true),
        .secretFileMissing(path: "x"), .secretFileIsDirectory(path: "x"), .secretFileUnreadable(path: "x"),
        .neededOnlyIf(.secretFileMissing(path: "x"), condition: "y"),
        .noInstanceSelected, .failed("x"),
    ] + AccountMessage.samples.map(Message.account) + InstanceMessage.samples.map(Message.instance) + SchemaMessage.samples.map(Message.schema)
}
