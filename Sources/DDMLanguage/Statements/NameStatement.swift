import DDMKit

/// A statement that is its leading words, one name and perhaps `wait` (`drop group g [wait]`,
/// `show node n`): declared as a value in its family's rules, as `PlainRead` is for reads.
/// Its form says all but the name.
struct NameStatement<P: Phase>: Sendable, Equatable {
    let form: NameStatementForm
    var name: P.Text
    var wait = false
}

/// What a one-name statement is: its id and words, how its name is read, the calls it may make,
/// what it asks in the REPL and how it runs.
struct NameStatementForm: Sendable, Equatable {
    /// How the compiler reads the name: as one of `what`, or as a schema's name (lower case).
    enum Reading: Sendable { case one(String), schema }

    let id: StatementID
    /// The words before the name, as the statement prints them.
    let words: String
    /// The rule's path (alternatives as `a|b`).
    let path: String
    /// What the name is, as the parser's errors say it.
    let noun: String
    let reading: Reading
    /// `wait` may follow the name.
    let waits: Bool
    let calls: @Sendable (_ name: String, _ wait: Bool) -> [PlannedCall]
    let question: (@Sendable (_ name: String) -> String)?
    let run: @Sendable (isolated Evaluator, NameStatement<Resolved>) async throws -> String?

    /// `path` nil: the words; `reading` nil: one of `noun`.
    init(_ id: StatementID, _ words: String, path: String? = nil, noun: String, reading: Reading? = nil, waits: Bool = false,
         calls: @escaping @Sendable (_ name: String, _ wait: Bool) -> [PlannedCall],
         question: (@Sendable (_ name: String) -> String)? = nil,
         run: @escaping @Sendable (isolated Evaluator, NameStatement<Resolved>) async throws -> String?) {
        self.id = id; self.words = words; self.path = path ?? words; self.noun = noun; self.reading = reading ?? .one(noun); self.waits = waits
        self.calls = calls; self.question = question; self.run = run
    }

    static func == (a: Self, b: Self) -> Bool { a.id == b.id }

    var rule: ParseRule { ParseRule(path) { (p: inout Parser) throws -> NameStatement<Parsed> in try parse(&p) } }

    func parse(_ p: inout Parser) throws -> NameStatement<Parsed> {
        NameStatement<Parsed>(form: self, name: try p.name(noun), wait: waits && p.match("wait"))
    }
}

extension NameStatement: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let resolved = switch form.reading {
        case .one(let what): try c.scalar(name, what)
        case .schema: try c.schemaName(name)
        }
        return NameStatement<Resolved>(form: form, name: resolved, wait: wait)
    }
}

extension NameStatement: Step where P == Resolved {
    var id: StatementID { form.id }
    var text: String { "\(form.words) \(SourceText.name(name))" + (wait ? " wait" : "") }
    var calls: [PlannedCall] { form.calls(name, wait) }
    var question: String? { form.question?(name) }

    func run(in e: isolated Evaluator) async throws -> String? { try await form.run(e, self) }
}
