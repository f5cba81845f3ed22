import DDMKit

extension StatementID {
    public static let grant = Self("grant"), revoke = Self("revoke"), grantExactly = Self("grantExactly")
}

/// Privileges on the current instance's accounts: grant, revoke and `grant exactly`. Each
/// statement is one `Change`; consecutive ones are merged into one `GrantBatch` (the compiler's
/// `mergeBatches`), whose run is the batch engine (`BatchRunner`): one read, one write per
/// account whose final state differs.
enum GrantStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.grant, topic: "grant", path: ["grant"], grammar: "grant <privs> on <schemas> to <accounts>;",
                       example: "grant SELECT, INSERT on orders, billing to ddmtest, app;", words: ["on", "to"],
                       needsInstance: true, operations: [.listAccounts, .modifyAccount]),
        StatementEntry(.revoke, topic: "revoke", path: ["revoke"],
                       grammar: "revoke <privs> [on <schemas>] from <accounts>;  (revoke all on <s> from <u> detaches <s>)",
                       example: "revoke INSERT from ddmtest;", words: ["on", "from"],
                       needsInstance: true, operations: [.listAccounts, .modifyAccount]),

        StatementEntry(.grantExactly, topic: "grant exactly", path: ["grant", "exactly"],
                       grammar: "grant exactly <privs> [on <schemas>] to <accounts> [comment '…'];  (the whole state: privileges, schemas — none without 'on' — and comment)",
                       example: "grant exactly SELECT, INSERT on orders to app comment 'orders service';", words: ["on", "to", "comment"],
                       needsInstance: true, operations: [.listAccounts, .modifyAccount]),
    ]

    // `grant exactly` is read by the grant rule: a rule of its own would make every grant walk
    // one keyword further, and grants are most of a large script.
    static let rules = [
        ParseRule("grant", GrantStatement.parseGrant),
        ParseRule("revoke", GrantStatement.parseRevoke),
    ]
}

/// One grant, revoke or `grant exactly`, as written.
struct GrantStatement: StatementSyntax, Equatable {
    var kind: Change.Kind
    var privileges: Expr
    var schemas: Expr?
    var users: Expr
    var comment: Expr?

    /// grant <privs> on <schemas> to <accounts>
    /// grant exactly <privs> [on <schemas>] to <accounts> [comment '…']
    static func parseGrant(_ p: inout Parser) throws -> Self {
        if p.match("exactly") {
            let privileges = try p.list("privilege")
            var schemas: Expr?
            if p.match("on") { schemas = try p.list("schema name") }
            try p.expect("to", "before the account names")
            let users = try p.list("account name")
            var comment: Expr?
            if p.match("comment") { comment = try p.stringValue("comment") }
            return Self(kind: .set, privileges: privileges, schemas: schemas, users: users, comment: comment)
        }
        if p.check("on") || p.check("to") { throw p.failure(.expected("the privileges", after: "'grant' (grant SELECT on …)", found: p.found)) }
        let privileges = try p.list("privilege")
        try p.expect("on", "before the schemas")
        let schemas = try p.list("schema name")
        try p.expect("to", "before the account names")
        return Self(kind: .grant, privileges: privileges, schemas: schemas, users: try p.list("account name"))
    }

    /// revoke <privs> [on <schemas>] from <accounts>
    static func parseRevoke(_ p: inout Parser) throws -> Self {
        if p.check("on") || p.check("from") { throw p.failure(.expected("the privileges", after: "'revoke' (revoke INSERT from …)", found: p.found)) }
        let privileges = try p.list("privilege")
        var schemas: Expr?
        if p.match("on") { schemas = try p.list("schema name") }
        try p.expect("from", "before the account names")
        return Self(kind: .revoke, privileges: privileges, schemas: schemas, users: try p.list("account name"))
    }

    @_optimize(speed)
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        guard kind == .set else { return GrantBatch([try c.change(kind, privileges, schemas, users, range)], range: range) }
        var exact = try c.change(.set, privileges, schemas ?? .list([], range), users, range)
        if let comment { exact.comment = try c.comment(comment) }
        for e in exact.extended {
            if let needed = e.requiredBase, !exact.base.contains(needed) {
                throw Compiler.Failure(.account(.extendedNeedsBase(e.rawValue, base: needed.rawValue, inGrantExactly: true)), range: privileges.range)
            }
        }
        c.declare(exact.users)
        return GrantBatch([exact], range: range)
    }
}

/// One grant or revoke statement, after expansion of lists and variables.
public struct Change: Sendable, Equatable {
    /// `set` is `grant exactly`: the accounts' whole state, not a difference.
    public enum Kind: String, Sendable { case grant, revoke, set }
    public var kind: Kind
    public var privileges: PrivilegeSet
    /// `all` was written: for `revoke all on S` this detaches S.
    public var all: Bool
    public var schemas: [String]?
    public var users: [String]
    public var range: SourceRange
    public var file: String
    /// For `set`: the comment to have, when given.
    public var comment: String?

    public init(kind: Kind, base: [BasePermission], extended: [ExtendedPermission], all: Bool, schemas: [String]?, users: [String],
                range: SourceRange, file: String, comment: String? = nil) {
        self.kind = kind; privileges = PrivilegeSet(base: base, extended: extended); self.all = all; self.schemas = schemas
        self.users = users; self.range = range; self.file = file; self.comment = comment
    }

    /// `grant exactly` as ddmsh writes it itself (undo, export): no place in any source.
    static func exactly(_ privileges: PrivilegeSet, on schemas: [String], to account: String, comment: String?) -> Change {
        Change(kind: .set, base: privileges.base, extended: privileges.extended, all: false, schemas: schemas, users: [account],
               range: .generated, file: "", comment: comment)
    }

    public var base: [BasePermission] { get { privileges.base } set { privileges.base = newValue } }
    public var extended: [ExtendedPermission] { get { privileges.extended } set { privileges.extended = newValue } }

    /// Its read must show extended privileges (v1's list, under auto): it names one, or it sets
    /// the whole state (`grant exactly`, which must remove those not named) or takes privileges
    /// away (a revoke, whose journal must keep them for undo). A plain grant leaves them as they
    /// are at the service (its modify does not send them).
    var readsExtended: Bool { !extended.isEmpty || kind != .grant }

    /// As written: `ALL` when it was.
    var privilegeText: String { all ? "ALL" : privileges.text }

    /// As the plan prints it: the statement, as source that compiles back to it.
    public var description: String { sourceText }

    /// The change as source that compiles back to it: the one printer of grants, for the plan,
    /// the batch's text, undo and export.
    var sourceText: String {
        let privileges = privilegeText
        let on = schemas.map { $0.isEmpty ? "" : " on \(SourceText.names($0))" } ?? ""
        let users = SourceText.names(users)
        switch kind {
        case .grant: return "grant \(privileges)\(on) to \(users)"
        case .revoke: return "revoke \(privileges)\(on) from \(users)"
        case .set: return "grant exactly \(privileges)\(on) to \(users)" + (comment.map { " comment \(SourceText.string($0))" } ?? "")
        }
    }

    /// The statement of the catalogue it is.
    var statementID: StatementID {
        switch kind { case .grant: .grant; case .revoke: .revoke; case .set: .grantExactly }
    }
}

/// Consecutive grant, revoke and `grant exactly` statements: one read of the accounts, one write
/// per changed account (`BatchRunner`). Two words wide, so a step holds it without a box: a
/// script of grants compiles one per statement.
public struct GrantBatch: Step {
    public var changes: [Change]
    /// The first statement's, where the batch's own failures are reported.
    var range: SourceRange

    init(_ changes: [Change], range: SourceRange) { self.changes = changes; self.range = range }

    public var id: StatementID { .grant }
    public var statementIDs: [StatementID] { Array(Set(changes.map(\.statementID))).sorted { $0.name < $1.name } }
    public var grants: GrantBatch? { self }
    public var text: String { changes.map(\.sourceText).joined(separator: ";\n") }

    public var headline: String {
        let users = Set(changes.flatMap(\.users))
        return "batch of \(changes.count) grant/revoke statement\(changes.count == 1 ? "" : "s") over \(users.count) account\(users.count == 1 ? "" : "s"):\n"
            + changes.map { "  " + $0.description }.joined(separator: "\n")
    }

    public var calls: [PlannedCall] {
        let users = Set(changes.flatMap(\.users))
        // The read shows extended privileges whenever a change may remove them; the modify is
        // v1's only where they change, which a change that names none knows only from the read.
        let names = changes.contains { !$0.extended.isEmpty }, reads = changes.contains(where: \.readsExtended)
        return [PlannedCall(.listAccounts, "list accounts, every page, once", extended: reads),
                PlannedCall(.modifyAccount, "modify account, once per account that changes (at most \(users.count))"
                                + (reads && !names ? "; v1's where its extended privileges change" : ""), extended: names)]
    }

    /// Every grant asks, on `--check`'s hot path: looked up once. The three statements need the
    /// same (`CatalogTests`).
    private static let batchNeedsInstance = StatementCatalog.needsInstance(.grant)
    public var needsInstance: Bool { Self.batchNeedsInstance }

    var file: String { changes.first?.file ?? "" }

    public func run(in e: isolated Evaluator) async throws -> String? {
        try await BatchRunner(evaluator: e, sink: e.sink).run(changes, at: range, file: file, write: !e.options.dryRun)
    }

    /// `explain` reads the accounts and shows what would change, writing nothing.
    public func explained(in e: isolated Evaluator) async throws {
        _ = try await BatchRunner(evaluator: e, sink: e.sink).run(changes, at: range, file: file, write: false, rehearsal: true)
    }
}

extension Compiler {
    @_optimize(speed)
    mutating func change(_ kind: Change.Kind, _ p: Expr, _ schemas: Expr?, _ users: Expr, _ range: SourceRange) throws -> Change {
        let privs = try privileges(p)
        if privs.none && kind != .set {
            throw Failure(.account(.noneOnlyInGrantExactly), range: p.range)
        }
        let userNames = try accountNames(users)
        guard !userNames.isEmpty else { throw Failure(.nameAtLeastOne("account"), range: users.range) }
        return Change(kind: kind, base: privs.base, extended: privs.extended, all: privs.all,
                      schemas: try schemas.map { try schemaList($0) }, users: userNames, range: range, file: file)
    }
}
