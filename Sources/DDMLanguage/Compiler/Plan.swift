import DDMKit

/// What a script will do, as data: `explain` and `--dry-run` print it, and
/// compiler tests compare it as text without a network.
public struct Plan: Sendable {
    public var steps: [PlanStep]
    public init(steps: [PlanStep] = []) { self.steps = steps }

    public var description: String {
        steps.map(\.description).joined(separator: "\n")
    }
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

public struct SchemaPlan: Sendable, Equatable {
    public var name: String
    public var ifNotExists: Bool
    public var shards: Int
    public var mode: ShardMode
    public var rds: [String]
    public var adminUser: String?
    public var adminPassword: SecretSource?
}

public struct UserPlan: Sendable, Equatable {
    public var name: String
    public var ifNotExists: Bool
    public var password: SecretSource
    public var base: [BasePermission]
    public var extended: [ExtendedPermission]
    public var schemas: [String]
    public var comment: String?
}

/// One grant or revoke statement, after expansion of lists and variables.
public struct Change: Sendable, Equatable {
    public enum Kind: String, Sendable { case grant, revoke }
    public var kind: Kind
    public var base: [BasePermission]
    public var extended: [ExtendedPermission]
    /// `all` was written: for `revoke all on S` this detaches S.
    public var all: Bool
    public var schemas: [String]?
    public var users: [String]
    public var range: SourceRange
    public var file: String

    var privilegeText: String {
        all ? "ALL" : (base.map(\.rawValue) + extended.map(\.rawValue)).joined(separator: ", ")
    }

    public var description: String {
        switch kind {
        case .grant: "grant \(privilegeText) on \(schemas?.joined(separator: ", ") ?? "") to \(users.joined(separator: ", "))"
        case .revoke: "revoke \(privilegeText)\(schemas.map { " on " + $0.joined(separator: ", ") } ?? "") from \(users.joined(separator: ", "))"
        }
    }
}

public enum Action: Sendable {
    case use(String)
    case showInstances, showInstance(String), showEngines, showFlavors, showSchemas, showSchema(String)
    case showAvailableRDS, showUsers, showGrants(String), showJob(String), showNodes
    case createInstance(InstanceSpec, wait: Bool)
    case restartInstance(String, hard: Bool, wait: Bool)
    case dropInstance(String, ifExists: Bool, deleteData: Bool)
    case renameInstance(String, to: String)
    case setSecurityGroup(String, group: String)
    case reloadTableData(String)
    case waitJob(String)
    case waitInstance(String)
    case createSchema(SchemaPlan)
    case dropSchema(String, ifExists: Bool, deleteData: Bool)
    case createUser(UserPlan)
    case alterUserComment(String, String)
    case alterUserPassword(String, SecretSource)
    case dropUser(String, ifExists: Bool)
    /// Consecutive grant/revoke statements: one read of the accounts, one write per changed account.
    case batch([Change])
    case explain([PlanStep])
    case setOnError(continueOnError: Bool)
    case help(String?)

    static let p = "/v1/{project_id}"
    static let i = "/v1/{project_id}/instances/{instance_id}"

    /// Plan text: what the step means and the API calls it makes.
    public var description: String {
        func call(_ what: String, _ method: String, _ path: String) -> String {
            "  \(method.padding(toLength: 6, withPad: " ", startingAt: 0)) \(path)  (\(what))"
        }
        let current = "  GET    \(Self.p)/instances  (resolve the instance name, once per session)"
        switch self {
        case .use(let n): return "use instance \(n)\n" + current
        case .showInstances: return "show instances\n" + call("list instances, every page", "GET", "\(Self.p)/instances")
        case .showInstance(let n): return "show instance \(n)\n" + current + "\n" + call("show instance", "GET", "\(Self.p)/instances/{id}")
        case .showEngines: return "show engines\n" + call("list engines", "GET", "/v2/{project_id}/engines")
        case .showFlavors: return "show flavors\n" + call("list engines", "GET", "/v2/{project_id}/engines") + "\n" + call("list flavors, per engine", "GET", "/v2/{project_id}/flavors")
        case .showSchemas: return "show schemas\n" + call("list schemas, every page", "GET", "\(Self.i)/databases")
        case .showSchema(let n): return "show schema \(n)\n" + call("show schema", "GET", "\(Self.i)/databases/\(n)")
        case .showAvailableRDS: return "show available rds\n" + call("list available rds, every page", "GET", "\(Self.i)/rds")
        case .showUsers: return "show users\n" + call("list accounts, every page", "GET", "\(Self.i)/users")
        case .showGrants(let u): return "show grants for \(u)\n" + call("list accounts, every page", "GET", "\(Self.i)/users")
        case .showJob(let j): return "show job \(j)\n" + call("show job", "GET", "/v3/{project_id}/jobs/\(j)")
        case .showNodes: return "show nodes\n" + call("list nodes", "GET", "\(Self.i)/nodes")
        case .createInstance(let s, let wait):
            return "create instance \(s.name) (flavor \(s.flavor), \(s.nodes) node\(s.nodes == 1 ? "" : "s"))\n"
                + call("list engines", "GET", "/v2/{project_id}/engines") + "\n"
                + call("list flavors", "GET", "/v2/{project_id}/flavors") + "\n"
                + call("create instance", "POST", "\(Self.p)/instances")
                + (wait ? "\n" + call("poll until RUNNING", "GET", "\(Self.p)/instances/{id}") : "")
        case .restartInstance(let n, let hard, let wait):
            return "restart instance \(n) (\(hard ? "hard" : "soft"))\n" + current + "\n" + call("restart instance", "POST", "\(Self.p)/instances/{id}/action")
                + (wait ? "\n" + call("poll until RUNNING", "GET", "\(Self.p)/instances/{id}") : "")
        case .dropInstance(let n, let ifExists, let data):
            return "drop instance \(n)\(ifExists ? " if exists" : "")\(data ? " delete rds data" : "")\n" + current + "\n"
                + call("delete instance", "DELETE", "\(Self.p)/instances/{id}?delete_rds_data=\(data)")
        case .renameInstance(let n, let to): return "rename instance \(n) to \(to)\n" + current + "\n" + call("modify instance name", "PUT", "\(Self.p)/instances/{id}/modify-name")
        case .setSecurityGroup(let n, let g): return "alter instance \(n) set security group \(g)\n" + current + "\n" + call("modify security group", "PUT", "\(Self.p)/instances/{id}/modify-security-group")
        case .reloadTableData(let n): return "reload table data on instance \(n)\n" + current + "\n" + call("reload table data", "POST", "\(Self.p)/instances/{id}/reload-config")
        case .waitJob(let j): return "wait job \(j)\n" + call("poll until done", "GET", "/v3/{project_id}/jobs/\(j)")
        case .waitInstance(let n): return "wait instance \(n)\n" + call("poll until RUNNING", "GET", "\(Self.p)/instances/{id}")
        case .createSchema(let s):
            return "create schema \(s.name)\(s.ifNotExists ? " if not exists" : "") (\(s.shards) shards, \(s.mode.rawValue), on \(s.rds.joined(separator: ", ")))\n"
                + (s.ifNotExists ? call("list schemas, every page", "GET", "\(Self.i)/databases") + "\n" : "")
                + call("create schema", "POST", "\(Self.i)/databases")
        case .dropSchema(let n, let ifExists, let data):
            return "drop schema \(n)\(ifExists ? " if exists" : "")\(data ? " delete rds data" : "")\n"
                + call("delete schema", "DELETE", "\(Self.i)/databases/\(n)?delete_rds_data=\(data)")
        case .createUser(let u):
            let privs = (u.base.map(\.rawValue) + u.extended.map(\.rawValue)).joined(separator: ", ")
            return "create user \(u.name)\(u.ifNotExists ? " if not exists" : "") with \(privs)\(u.schemas.isEmpty ? "" : " on " + u.schemas.joined(separator: ", "))\n"
                + (u.ifNotExists ? call("list accounts, every page", "GET", "\(Self.i)/users") + "\n" : "")
                + call("create account", "POST", "\(Self.i)/users")
        case .alterUserComment(let u, _): return "alter user \(u) comment\n" + call("modify account (description)", "PUT", "\(Self.i)/users/\(u)")
        case .alterUserPassword(let u, _): return "alter user \(u) password\n" + call("reset account password", "POST", "/v2/{project_id}/instances/{instance_id}/users/\(u)/password")
        case .dropUser(let u, let ifExists): return "drop user \(u)\(ifExists ? " if exists" : "")\n" + call("delete account", "DELETE", "\(Self.i)/users/\(u)")
        case .batch(let changes):
            let users = Set(changes.flatMap(\.users))
            return "batch of \(changes.count) grant/revoke statement\(changes.count == 1 ? "" : "s") over \(users.count) account\(users.count == 1 ? "" : "s"):\n"
                + changes.map { "  " + $0.description }.joined(separator: "\n") + "\n"
                + call("list accounts, every page, once", "GET", "\(Self.i)/users") + "\n"
                + call("modify account, once per account that changes (at most \(users.count))", "PUT", "\(Self.i)/users/{name}")
        case .explain(let steps): return "explain:\n" + steps.map(\.description).joined(separator: "\n")
        case .setOnError(let c): return "set on_error \(c ? "continue" : "stop")"
        case .help(let t): return "help\(t.map { " " + $0 } ?? "")"
        }
    }

    /// Whether the step needs a current instance.
    var needsInstance: Bool {
        switch self {
        case .showSchemas, .showSchema, .showAvailableRDS, .showUsers, .showGrants, .showNodes, .createSchema, .dropSchema,
             .createUser, .alterUserComment, .alterUserPassword, .dropUser, .batch:
            return true
        default:
            return false
        }
    }
}
