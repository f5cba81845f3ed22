import DDMKit

/// A statement of the catalogue. Each family declares its own next to its statements.
public struct StatementID: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }
}

public struct StatementEntry: Sendable {
    public var id: StatementID
    /// The help topic it is listed under (several statements may share one, as `show` does).
    public var topic: String
    /// The keywords that lead it, e.g. `["show", "grants", "for"]`.
    public var path: [String]
    public var grammar: String
    public var example: String
    /// Every keyword its grammar uses, the leading ones included.
    public var words: [String]
    /// The kinds of the grammar's slots its name alone does not say (see `SlotKind.of`), keyed by
    /// the slot as written (`<t>`) or by the keyword before it and the slot (`user <u>`).
    public var slots: [String: SlotKind]
    public var needsInstance: Bool
    /// The calls it may make, in the order it makes them.
    public var operations: [DDMOperationID]

    init(_ id: StatementID, topic: String, path: [String], grammar: String, example: String, words: [String] = [],
         slots: [String: SlotKind] = [:], needsInstance: Bool = false, operations: [DDMOperationID] = []) {
        self.id = id; self.topic = topic; self.path = path; self.grammar = grammar; self.example = example
        self.words = path + words; self.slots = slots; self.needsInstance = needsInstance; self.operations = operations
    }
}

/// Every statement of the language, once: its keywords, grammar line (with the kinds of its
/// slots), example, help, whether it needs a current instance, and the DDMKit operations it may
/// call. Help, completion (what may follow is read from the paths and grammar lines), the
/// parser's statement starts and suggestions, and the API calls `explain` prints all derive
/// from this table; `CatalogTests` holds it to the parser,
/// the compiler and DDMKit. docs/architecture.md, "Adding a statement", says what a new one needs.
public enum StatementCatalog {
    /// Every statement, family by family, in the order `help` lists their topics.
    public static let entries: [StatementEntry] = families.flatMap { $0.entries }

    /// Every family of statements, the core ones (grants, the script statements) last.
    static let families: [FamilyParts] = [
        InstanceStatements.parts, LifecycleStatements.parts, AlterInstanceStatements.parts, NodeStatements.parts, CapabilityStatements.parts,
        SchemaStatements.parts, DataNodeStatements.parts, AccountStatements.parts, ExportStatements.parts, ParameterStatements.parts, ParameterTemplateStatements.parts, ProcessStatements.parts,
        HistoryStatements.parts, LogStatements.parts, ReshardStatements.parts, SchemaExtraStatements.parts, GroupStatements.parts, BackupStatements.parts, RestoreStatements.parts, FleetStatements.parts,
        GrantStatements.parts, ScriptStatements.parts,
    ]

    /// The rules of every family, by their leading keywords: how the parser finds a family's statement.
    static let rules = RuleTrie(families.flatMap { $0.rules })

    /// Help topics that are not statements.
    public static let topics: [(topic: String, syntax: String, example: String)] = [
        ("secrets", "password prompt | password env NAME | password file 'path' | password '<literal>'",
         "create user app password file '/run/secrets/app';"),
        ("privileges", "CREATE DROP ALTER INDEX INSERT DELETE UPDATE SELECT, ALL (the eight basic ones), fulltableSelect fulltableDelete fulltableUpdate (each needs its basic one; DDM's v1 API only: --api-version v1)",
         "grant ALL on orders to admin1;"),
    ]

    public static func entry(_ id: StatementID) -> StatementEntry? { byID[id] }
    private static let byID: [StatementID: StatementEntry] = Dictionary(entries.map { ($0.id, $0) }) { first, _ in first }

    /// Whether the statement needs a current instance.
    public static func needsInstance(_ id: StatementID) -> Bool { byID[id]?.needsInstance ?? false }

    /// The words a statement can start with, in catalogue order.
    public static let starts: [String] = unique(entries.map(\.path[0]))

    /// Starts that never appear inside a statement: where the parser may resume after an error
    /// (`for` is also `show grants for`, `set` also `alter instance … set`, `wait` ends a create).
    public static let recoveryStarts: Set<String> = {
        let inner = Set(entries.flatMap { $0.words.dropFirst() })
        return Set(starts).subtracting(inner)
    }()

    /// The targets of `show`, as written after it: every `show …` statement's second word.
    public static let showTargets: [String] = unique(entries.filter { $0.path.count > 1 && $0.path[0] == "show" }.map { $0.path[1] })

    private static func unique(_ words: [String]) -> [String] {
        var seen: Set<String> = []
        return words.filter { seen.insert($0).inserted }
    }
}
