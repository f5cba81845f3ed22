import DDMKit

/// What a script will do, as data: `explain` and `--dry-run` print it, and
/// compiler tests compare it as text without a network.
public struct Plan: Sendable {
    public var steps: [PlanStep]
    public init(steps: [PlanStep] = []) { self.steps = steps }

    public var description: String { description(routes: .init()) }

    /// The steps with each call's route as the client will send it.
    public func description(routes: RouteVersions) -> String {
        steps.map { $0.action.description(routes: routes) }.joined(separator: "\n")
    }
}

/// Which version of each call `explain` shows: the client's choice and what it has learned.
public struct RouteVersions: Sendable {
    public var choice: APIVersionChoice
    public var olderOnly: Set<DDMOperationID>
    public init(choice: APIVersionChoice = .auto, olderOnly: Set<DDMOperationID> = []) { self.choice = choice; self.olderOnly = olderOnly }
    func v3(_ id: DDMOperationID) -> Bool { choice != .v1 && !olderOnly.contains(id) }
}

public struct PlanStep: Sendable {
    public var action: Action
    public var range: SourceRange
    public var file: String

    public var description: String { action.description }
}

/// What `export` writes and how the script it writes gets passwords.
public enum ExportOptions {
    public enum Scope: String, Sendable { case users, schemas, parameters, all
        var users: Bool { self == .users || self == .all }
        var schemas: Bool { self == .schemas || self == .all }
        var parameters: Bool { self == .parameters || self == .all }
    }
    public enum Passwords: String, Sendable { case prompt, env }
}

/// One grant or revoke statement, after expansion of lists and variables.
public struct Change: Sendable, Equatable {
    /// `set` is `grant exactly`: the accounts' whole state, not a difference.
    public enum Kind: String, Sendable { case grant, revoke, set }
    public var kind: Kind
    public var base: [BasePermission]
    public var extended: [ExtendedPermission]
    /// `all` was written: for `revoke all on S` this detaches S.
    public var all: Bool
    public var schemas: [String]?
    public var users: [String]
    public var range: SourceRange
    public var file: String
    /// For `set`: the comment to have, when given.
    public var comment: String?

    var privilegeText: String {
        all ? "ALL" : (base.map(\.rawValue) + extended.map(\.rawValue)).joined(separator: ", ")
    }

    public var description: String {
        switch kind {
        case .grant: "grant \(privilegeText) on \(schemas?.joined(separator: ", ") ?? "") to \(users.joined(separator: ", "))"
        case .revoke: "revoke \(privilegeText)\(schemas.map { " on " + $0.joined(separator: ", ") } ?? "") from \(users.joined(separator: ", "))"
        case .set:
            "grant exactly \(privilegeText)\(schemas.map { $0.isEmpty ? "" : " on " + $0.joined(separator: ", ") } ?? "") to \(users.joined(separator: ", "))"
                + (comment.map { " comment '\($0)'" } ?? "")
        }
    }
}

public enum Action: Sendable {
    /// Consecutive grant/revoke statements: one read of the accounts, one write per changed account.
    case batch([Change])
    case explain([PlanStep])
    case setOnError(continueOnError: Bool)
    case help(String?)
    /// A statement of a family (`Statements/`), compiled.
    case step(any Step)

    /// One API call a step makes, as `explain` prints it.
    public struct Call: Sendable, Equatable {
        public var operation: DDMOperationID
        /// What it is for, e.g. `list accounts, every page, once`.
        public var note: String
        /// The schema, account or job it is about, when the plan knows it.
        public var object: String?
        public var deleteData = false
        /// Extended privileges are in it: under `auto` the client sends the older call, the only
        /// one that carries (or shows) them.
        public var extended = false

        init(_ operation: DDMOperationID, _ note: String, object: String? = nil, deleteData: Bool = false, extended: Bool = false) {
            self.operation = operation; self.note = note; self.object = object; self.deleteData = deleteData; self.extended = extended
        }

        /// `  GET    /v3/{project_id}/instances  (list instances, every page)`, the route from DDMKit.
        public func text(routes: RouteVersions = .init()) -> String {
            let v3 = routes.v3(operation) && !(extended && routes.choice == .auto)
            let r = operation.route(object: object, deleteData: deleteData, v3: v3)
            return "  \(r.method.padding(toLength: 6, withPad: " ", startingAt: 0)) \(r.target)  (\(note))"
        }
    }

    /// The statements of the catalogue this step comes from (a batch may hold several kinds).
    public var statementIDs: [StatementID] {
        guard case .batch(let changes) = self else { return [primaryStatementID] }
        return Array(Set(changes.map { c -> StatementID in
            switch c.kind { case .grant: .grant; case .revoke: .revoke; case .set: .grantExactly }
        })).sorted { $0.name < $1.name }
    }

    /// The statement the step stands for; a batch's grants, revokes and exact grants all need
    /// what `grant` needs (`CatalogTests` holds them to that). No allocation: the compiler asks
    /// for every statement.
    var primaryStatementID: StatementID {
        switch self {
        case .batch: .grant
        case .explain: .explain
        case .setOnError: .setOnError
        case .help: .help
        case .step(let s): s.id
        }
    }

    /// The calls the step makes, in order.
    /// The step changes nothing in the service: every call it makes is a GET (derived from
    /// `calls`, so a new statement needs no list of its own here).
    public var onlyReads: Bool { calls.allSatisfy { $0.operation.sdk.method == "GET" || $0.operation.checksOnly } }

    public var calls: [Call] {
        switch self {
        case .batch(let changes):
            let users = Set(changes.flatMap(\.users))
            let extended = changes.contains { !$0.extended.isEmpty }
            return [Call(.listAccounts, "list accounts, every page, once", extended: extended),
                    Call(.modifyAccount, "modify account, once per account that changes (at most \(users.count))", extended: extended)]
        case .explain, .setOnError, .help: return []
        case .step(let s): return s.calls
        }
    }

    /// Plan text: what the step means, then the API calls it makes.
    public var description: String { description(routes: .init()) }

    public func description(routes: RouteVersions) -> String {
        let lines = calls.map { $0.text(routes: routes) }
        return ([headline] + lines).joined(separator: "\n")
    }

    /// The family statement it runs, when it is one.
    var step: (any Step)? { if case .step(let s) = self { s } else { nil } }

    /// The plan's line for it, without its calls.
    var headline: String {
        switch self {
        case .batch(let changes):
            let users = Set(changes.flatMap(\.users))
            return "batch of \(changes.count) grant/revoke statement\(changes.count == 1 ? "" : "s") over \(users.count) account\(users.count == 1 ? "" : "s"):\n"
                + changes.map { "  " + $0.description }.joined(separator: "\n")
        case .explain(let steps): return "explain:\n" + steps.map { $0.action.description(routes: .init()) }.joined(separator: "\n")
        case .setOnError(let c): return "set on_error \(c ? "continue" : "stop")"
        case .help(let t): return "help\(t.map { " " + $0 } ?? "")"
        case .step(let s): return s.headline
        }
    }

    private static let batchNeedsInstance = StatementCatalog.needsInstance(.grant)

    /// Whether the step needs a current instance (from the catalogue).
    var needsInstance: Bool {
        switch self {
        case .step(let s): return s.needsInstance
        // Every grant, on `--check`'s hot path: looked up once.
        case .batch: return Self.batchNeedsInstance
        default: return StatementCatalog.needsInstance(primaryStatementID)
        }
    }
}

/// The calls every instance-level statement shares, as `explain` prints them.
extension Action.Call {
    static let resolve = Action.Call(.listInstances, "resolve the instance name, once per session")
    static let pollUntilRunning = [Action.Call(.showInstance, "poll until RUNNING"), Action.Call(.showJob, "the job's progress, while polling")]
}
