import DDMKit

/// A statement as parsed. Each statement is one generic type (see `Phase`): its `Parsed` form
/// conforms to this, its `Resolved` form to `Step`, and its family file holds both.
public protocol StatementSyntax: Sendable {
    /// Resolves the statement's expressions; `range` is the whole statement's, for errors that
    /// belong to no one value.
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step
    /// Appends its steps to `out`: its one step, unless it is a script statement that binds a
    /// name (`let`), repeats (`for`) or reads a file (`source`).
    func compile(_ c: inout Compiler, _ range: SourceRange, into out: inout [PlanStep]) throws
    func isEqual(to other: any StatementSyntax) -> Bool
}

extension StatementSyntax {
    @_optimize(speed)
    public func compile(_ c: inout Compiler, _ range: SourceRange, into out: inout [PlanStep]) throws {
        try c.append(try compile(&c, range), range, to: &out)
    }
}

/// A script statement that compiles into any number of steps, never into one of its own.
protocol ExpandingSyntax: StatementSyntax {}

extension ExpandingSyntax {
    public func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        preconditionFailure("\(Self.self) compiles into the steps it expands to")
    }
}

extension StatementSyntax where Self: Equatable {
    public func isEqual(to other: any StatementSyntax) -> Bool { (other as? Self) == self }
}

/// A parsed statement in the syntax tree (equatable, for the parser's tests).
public struct SyntaxNode: Sendable, Equatable {
    public var value: any StatementSyntax
    public init(_ value: any StatementSyntax) { self.value = value }
    public static func == (a: SyntaxNode, b: SyntaxNode) -> Bool { a.value.isEqual(to: b.value) }
}

/// A compiled statement: what it is in the catalogue, the calls it may make, how it prints and
/// how it runs. `explain`, `--dry-run`, the journal's inverses and undo all print a step with
/// `text`, the one printer of statements.
public protocol Step: Sendable {
    var id: StatementID { get }
    /// The statement as source text that parses back to it.
    var text: String { get }
    /// The plan's line for it: `text` unless it says more.
    var headline: String { get }
    /// The calls it may make, in order, as `explain` prints them.
    var calls: [PlannedCall] { get }
    /// Asked in the REPL before its write (scripts are intentional and do not ask); nil for none.
    var question: String? { get }
    var needsInstance: Bool { get }
    /// What it does to the current instance's schemas, for the preflight (`Evaluator+Preflight`).
    var schemaEffect: SchemaEffect { get }
    /// How its write is read back when an interruption cut off the answer (`Evaluator+Settle`);
    /// nil: it cannot be told.
    var readBack: ReadBack? { get }
    /// The object whose absence alone makes it write (`create … if not exists`), and so need its
    /// secrets; nil: its secrets are needed whenever it runs.
    var secretCondition: SecretCondition? { get }
    /// The catalogue's statements it stands for: its `id`, but a batch may hold several.
    var statementIDs: [StatementID] { get }
    /// A batch of grants and revokes, which the compiler merges with its neighbours; nil for any other.
    var grants: GrantBatch? { get }
    /// An account it creates that grants right after it may join (`CreateFolding`); nil for none.
    var createdAccount: AccountCreation? { get }
    /// It sets how the run goes on (`set on_error`) and changes nothing else: the report does not
    /// count it as a statement run.
    var setsRunOption: Bool { get }
    /// Runs it; returns a line for the applied-changes report when it changed something.
    func run(in e: isolated Evaluator) async throws -> String?
    /// What `explain` does beyond printing its plan (a batch reads its accounts and says what
    /// would change); nothing for most.
    func explained(in e: isolated Evaluator) async throws
}

extension Step {
    public var headline: String { text }
    public var question: String? { nil }
    public var needsInstance: Bool { StatementCatalog.needsInstance(id) }
    public var schemaEffect: SchemaEffect { .none }
    public var readBack: ReadBack? { nil }
    public var secretCondition: SecretCondition? { nil }
    public var statementIDs: [StatementID] { [id] }
    public var grants: GrantBatch? { nil }
    public var setsRunOption: Bool { false }
    public var createdAccount: AccountCreation? { nil }
    public func explained(in e: isolated Evaluator) async throws {}
}

/// A write made only when `object` is missing, and the secrets that write needs: a run resolves
/// them only then, so a drift check of an instance in sync needs no password.
public struct SecretCondition: Sendable {
    public enum Object: Sendable, Hashable { case account(String), schema(String) }
    public var object: Object
    public var secrets: [SecretSource]

    /// "account bob" or "schema orders", as messages say it.
    var described: String {
        switch object {
        case .account(let n): "account \(n)"
        case .schema(let n): "schema \(n)"
        }
    }
}

/// What a step does to the current instance's schemas: creates or drops one, needs some to exist
/// (an account created on them), or moves to (or creates, or drops) another instance.
public enum SchemaEffect: Sendable { case none, creates(String), drops(String), needs([String]), otherInstance }

/// How a write is read back: whether `present` holds on the instance, and whether the write made
/// it hold (a create) or not (a drop).
public struct ReadBack: Sendable {
    var created: Bool
    var present: @Sendable (DDMClient, String) async throws -> Bool
}

/// A statement with nothing to resolve that reads and prints (`show engines;`): declared as a
/// value in its family's rules rather than as a type of its own.
struct PlainRead: StatementSyntax, Step {
    let id: StatementID
    let text: String
    let calls: [PlannedCall]
    let read: @Sendable (isolated Evaluator) async throws -> [ResultTable]

    init(_ id: StatementID, _ text: String, calls: [PlannedCall], read: @escaping @Sendable (isolated Evaluator) async throws -> [ResultTable]) {
        self.id = id; self.text = text; self.calls = calls; self.read = read
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { self }
    func isEqual(to other: any StatementSyntax) -> Bool { (other as? PlainRead).map { $0.id == id && $0.text == text } ?? false }

    func run(in e: isolated Evaluator) async throws -> String? {
        for table in try await read(e) { await e.sink.table(table) }
        return nil
    }
}
