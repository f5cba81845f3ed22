/// The instance administration statements: nodes, flavor, parameters, network and access,
/// slow queries, processes, tasks and engine versions.
public enum AdminStatement: Sendable, Equatable {
    case alterInstance(Expr, InstanceChange, wait: Bool)
    case restartNode(Expr, wait: Bool)
    case showNode(Expr)
    case showParameters(like: Expr?)
    case setParameters([ParameterAssignment], instance: Expr?)
    case showParameterTemplates
    case showParameterTemplate(Expr)
    case applyParameterTemplate(Expr, instance: Expr?)
    case showSlowQueries(SlowQueryFilter)
    case showProcesses(physical: Bool)
    case killProcesses(Expr, physical: Bool)
    case showTasks(since: Expr?)
    case showEngineVersions
}

/// What `alter instance <i> …` changes.
public enum InstanceChange: Sendable, Equatable {
    case addNodes(Expr, zone: Expr?)
    case removeNodes(Expr)
    case removeNodeIds(Expr)
    case flavor(Expr)
    case port(Expr)
    case ssl(Bool)
    case readOnly(Bool)
    case bindEIP(ip: Expr, id: Expr)
    case unbindEIP
    case adminPassword(SecretSource)
    case upgrade(to: Expr?)
    case rollback
}

/// `name = value` in `set parameter`.
public struct ParameterAssignment: Sendable, Equatable {
    public var name: String
    public var value: Expr
    public var range: SourceRange
}

/// `show slow queries [since '<when>'] [user <u>] [schema <s>] [limit <n>]`, in any order.
public struct SlowQueryFilter: Sendable, Equatable {
    public var since: Expr?
    public var user: Expr?
    public var schema: Expr?
    public var limit: Expr?
}
