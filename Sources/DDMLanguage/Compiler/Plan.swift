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

public struct InstanceSpec: Sendable, Equatable {
    public var name: String
    public var flavor: String
    public var engine: String?
    public var nodes: Int
    public var vpc: String
    public var subnet: String
    public var securityGroup: String
    public var zones: [String]
    public var timeZone: String?
    public var adminUser: String?
    public var adminPassword: SecretSource?
}

/// `export`: what to write, how the script gets passwords, and where it goes (stdout when nil).
public struct ExportPlan: Sendable, Equatable {
    public enum Scope: String, Sendable { case users, schemas, parameters, all
        var users: Bool { self == .users || self == .all }
        var schemas: Bool { self == .schemas || self == .all }
        var parameters: Bool { self == .parameters || self == .all }
    }
    public enum Passwords: String, Sendable { case prompt, env }
    public var scope: Scope
    public var passwords: Passwords
    public var path: String?
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
    case use(String)
    case showInstances, showInstance(String), showEngines, showFlavors
    case showJob(String), showNodes
    /// Reads the local audit log: no call.
    case showAudit(limit: Int)
    case createInstance(InstanceSpec, wait: Bool)
    case dropInstance(String, ifExists: Bool, deleteData: Bool)
    case waitJob(String)
    case waitInstance(String)
    /// Consecutive grant/revoke statements: one read of the accounts, one write per changed account.
    case batch([Change])
    case explain([PlanStep])
    case export(ExportPlan)
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
        case .use: .use
        case .showInstances: .showInstances
        case .showInstance: .showInstance
        case .showEngines: .showEngines
        case .showFlavors: .showFlavors
        case .showJob: .showJob
        case .showNodes: .showNodes
        case .showAudit: .showAudit
        case .createInstance: .createInstance
        case .dropInstance: .dropInstance
        case .waitJob: .waitJob
        case .waitInstance: .waitInstance
        case .batch: .grant
        case .export: .export
        case .explain: .explain
        case .setOnError: .setOnError
        case .help: .help
        case .step(let s): s.id
        }
    }

    /// The calls the step makes, in order.
    /// The step changes nothing in the service: every call it makes is a GET (derived from
    /// `calls`, so a new statement needs no list of its own here).
    public var onlyReads: Bool { calls.allSatisfy { $0.operation.route().method == "GET" } }

    public var calls: [Call] {
        let resolve = Call.resolve, poll = Call.pollUntilRunning
        switch self {
        case .use: return [resolve]
        case .showInstances: return [Call(.listInstances, "list instances, every page")]
        case .showInstance:
            return [resolve, Call(.showInstance, "show instance"), Call(.listNodes, "list nodes, when the detail lacks their addresses (v3)")]
        case .showEngines: return [Call(.listEngines, "list engines")]
        case .showFlavors: return [Call(.listEngines, "list engines"), Call(.listFlavors, "list flavors, per engine")]
        case .showJob(let j): return [Call(.showJob, "show job", object: j)]
        case .showAudit: return []
        case .showNodes: return [Call(.listNodes, "list nodes")]
        case .createInstance(_, let wait):
            return [Call(.listEngines, "list engines"), Call(.listFlavors, "list flavors"), Call(.createInstance, "create instance")]
                + (wait ? poll : [])
        case .dropInstance(_, _, let data): return [resolve, Call(.deleteInstance, "delete instance", deleteData: data)]
        case .waitJob(let j): return [Call(.showJob, "poll until done", object: j)]
        case .waitInstance: return [resolve, poll[0]]
        case .batch(let changes):
            let users = Set(changes.flatMap(\.users))
            let extended = changes.contains { !$0.extended.isEmpty }
            return [Call(.listAccounts, "list accounts, every page, once", extended: extended),
                    Call(.modifyAccount, "modify account, once per account that changes (at most \(users.count))", extended: extended)]
        case .export(let e):
            return (e.scope.schemas ? [Call(.listSchemas, "list schemas, every page")] : [])
                + (e.scope.users ? [Call(.listAccounts, "list accounts, every page, the list that shows extended privileges", extended: true)] : [])
                + (e.scope.parameters ? [Call(.showParameters, "list parameters")] : [])
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

    private var headline: String {
        switch self {
        case .use(let n): return "use instance \(n)"
        case .showInstances: return "show instances"
        case .showInstance(let n): return "show instance \(n)"
        case .showEngines: return "show engines"
        case .showFlavors: return "show flavors"
        case .showJob(let j): return "show job \(j)"
        case .showAudit(let n): return "show audit limit \(n) (the local audit log)"
        case .showNodes: return "show nodes"
        case .createInstance(let s, _): return "create instance \(s.name) (flavor \(s.flavor), \(s.nodes) node\(s.nodes == 1 ? "" : "s"))"
        case .dropInstance(let n, let ifExists, let data): return "drop instance \(n)\(ifExists ? " if exists" : "")\(data ? " delete rds data" : "")"
        case .waitJob(let j): return "wait job \(j)"
        case .waitInstance(let n): return "wait instance \(n)"
        case .batch(let changes):
            let users = Set(changes.flatMap(\.users))
            return "batch of \(changes.count) grant/revoke statement\(changes.count == 1 ? "" : "s") over \(users.count) account\(users.count == 1 ? "" : "s"):\n"
                + changes.map { "  " + $0.description }.joined(separator: "\n")
        case .explain(let steps): return "explain:\n" + steps.map { $0.action.description(routes: .init()) }.joined(separator: "\n")
        case .export(let e): return "export \(e.scope.rawValue) (passwords \(e.passwords.rawValue))\(e.path.map { " to '\($0)'" } ?? "")"
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
