import DDMKit

/// The instance administration steps: what each is in the catalogue, the calls it makes, its
/// plan line, and the question the REPL asks before a disruptive one.
public enum AdminAction: Sendable {
    case alterInstance(String, InstanceChangePlan, wait: Bool)
    case restartNode(String, wait: Bool)
    case showNode(String)
    case showParameters(like: String?)
    case setParameters([ParameterSetting], instance: String?)
    case showParameterTemplates
    case showParameterTemplate(String)
    case applyParameterTemplate(String, instance: String?)
    case showSlowQueries(SlowQueryPlan)
    case showProcesses(physical: Bool)
    case killProcesses([String], physical: Bool)
    case showTasks(since: TaskWindow.Since)
    case showEngineVersions
    case showFlavorChoices(String)
}

public enum InstanceChangePlan: Sendable {
    case addNodes(Int, zone: String?)
    case removeNodes(Int)
    case removeNodeIds([String])
    case flavor(String)
    case port(Int)
    case ssl(Bool)
    case readOnly(Bool)
    case bindEIP(ip: String, id: String)
    case unbindEIP
    case adminPassword(SecretSource)
    case upgrade(to: String?)
    case rollback
}

public struct ParameterSetting: Sendable, Equatable {
    public var name: String
    public var value: String
}

extension AdminAction {
    var statementID: StatementID {
        switch self {
        case .alterInstance(_, let change, _):
            switch change {
            case .addNodes: .addNodes
            case .removeNodes, .removeNodeIds: .removeNodes
            case .flavor: .setFlavor
            case .port: .setPort
            case .ssl: .setSSL
            case .readOnly: .setReadOnly
            case .bindEIP: .bindEIP
            case .unbindEIP: .unbindEIP
            case .adminPassword: .setAdminPassword
            case .upgrade: .upgradeEngine
            case .rollback: .rollbackEngine
            }
        case .restartNode: .restartNode
        case .showNode: .showNode
        case .showParameters: .showParameters
        case .setParameters: .setParameters
        case .showParameterTemplates: .showParameterTemplates
        case .showParameterTemplate: .showParameterTemplate
        case .applyParameterTemplate: .applyParameterTemplate
        case .showSlowQueries: .showSlowQueries
        case .showProcesses: .showProcesses
        case .killProcesses: .killProcesses
        case .showTasks: .showTasks
        case .showEngineVersions: .showEngineVersions
        case .showFlavorChoices: .showFlavorChoices
        }
    }

    /// Statements that name their instance (`on instance <i>`) need no current one.
    var needsInstance: Bool {
        switch self {
        case .setParameters(_, let i), .applyParameterTemplate(_, let i): i == nil
        default: StatementCatalog.needsInstance(statementID)
        }
    }

    var calls: [Action.Call] {
        typealias Call = Action.Call
        let resolve = Call(.listInstances, "resolve the instance name, once per session")
        let poll = [Call(.showInstance, "poll until RUNNING"), Call(.showJob, "the job's progress, while polling")]
        switch self {
        case .alterInstance(_, let change, let wait):
            let tail = wait ? poll : []
            switch change {
            case .addNodes: return [resolve, Call(.addNodes, "add nodes")] + tail
            case .removeNodes: return [resolve, Call(.removeNodes, "remove nodes, by count (v2)")] + tail
            case .removeNodeIds: return [resolve, Call(.deleteNodes, "remove the named nodes")] + tail
            case .flavor:
                return [resolve, Call(.listEngines, "list engines"), Call(.listFlavors, "list flavors, to check the code"), Call(.resizeFlavor, "change flavor")] + tail
            case .port: return [resolve, Call(.modifyPort, "change port")] + tail
            case .ssl: return [resolve, Call(.switchSSL, "switch ssl")] + tail
            case .readOnly: return [resolve, Call(.setReadOnly, "set read-only")] + tail
            case .bindEIP: return [resolve, Call(.bindEIP, "bind eip")] + tail
            case .unbindEIP: return [resolve, Call(.unbindEIP, "unbind eip")] + tail
            case .adminPassword: return [resolve, Call(.showInstance, "the administrator's name"), Call(.resetAdministrator, "reset administrator password")]
            case .upgrade(let to):
                return [resolve] + (to == nil ? [Call(.listEngineVersions, "the latest version")] : []) + [Call(.upgradeEngine, "upgrade engine")] + tail
            case .rollback: return [resolve, Call(.rollbackEngine, "roll back engine")] + tail
            }
        case .restartNode(let n, let wait): return [Call(.restartNode, "restart node", object: n)] + (wait ? [Call(.showJob, "poll until done")] : [])
        case .showNode(let n): return [Call(.showNode, "show node", object: n)]
        case .showParameters: return [Call(.showParameters, "show parameters, every page")]
        case .setParameters(_, let i):
            return (i == nil ? [] : [resolve]) + [Call(.showParameters, "current values and allowed ranges"), Call(.modifyParameters, "set the changed parameters, once")]
        case .showParameterTemplates: return [Call(.listParameterTemplates, "list parameter templates")]
        case .showParameterTemplate: return [Call(.listParameterTemplates, "find the template"), Call(.showParameterTemplate, "show parameter template")]
        case .applyParameterTemplate(_, let i):
            return (i == nil ? [] : [resolve]) + [Call(.listParameterTemplates, "find the template"), Call(.showParameterTemplate, "its values"),
                                                  Call(.showParameters, "current values"), Call(.modifyParameters, "set the values that differ, once")]
        case .showSlowQueries: return [Call(.listSlowQueries, "list slow queries in the window (7 days at most), by pages of 100")]
        case .showProcesses(let physical):
            return [physical ? Call(.listPhysicalProcesses, "show physical processes") : Call(.listLogicalProcesses, "show processes")]
        case .killProcesses(_, let physical):
            return [physical ? Call(.killPhysicalProcesses, "kill physical processes") : Call(.killLogicalProcesses, "kill processes")]
        case .showTasks: return [Call(.listTasks, "list tasks in the window, by pages of 100")]
        case .showEngineVersions: return [Call(.listEngineVersions, "list engine versions")]
        case .showFlavorChoices: return [resolve, Call(.listEngines, "list engines"), Call(.listFlavors, "list flavors of the instance's engine")]
        }
    }

    var headline: String {
        switch self {
        case .alterInstance(let i, let change, let wait):
            return "alter instance \(i) " + change.text + (wait ? " wait" : "")
        case .restartNode(let n, let wait): return "restart node \(n)\(wait ? " wait" : "")"
        case .showNode(let n): return "show node \(n)"
        case .showParameters(let like): return "show parameters" + (like.map { " like '\($0)'" } ?? "")
        case .setParameters(let s, let i):
            return "set parameter " + s.map { "\($0.name) = \($0.value)" }.joined(separator: ", ") + (i.map { " on instance \($0)" } ?? "")
        case .showParameterTemplates: return "show parameter templates"
        case .showParameterTemplate(let t): return "show parameter template \(t)"
        case .applyParameterTemplate(let t, let i): return "apply parameter template \(t)" + (i.map { " on instance \($0)" } ?? "")
        case .showSlowQueries(let q):
            return "show slow queries since \(q.since)" + (q.user.map { " user \($0)" } ?? "") + (q.schema.map { " schema \($0)" } ?? "") + " limit \(q.limit)"
        case .showProcesses(let physical): return "show \(physical ? "physical " : "")processes"
        case .killProcesses(let ids, let physical): return "kill \(physical ? "physical " : "")process \(ids.joined(separator: ", "))"
        case .showTasks(let since): return "show tasks since \(since)"
        case .showEngineVersions: return "show engine versions"
        case .showFlavorChoices(let i): return "show flavors for instance \(i)"
        }
    }

    /// The question the REPL asks before a disruptive step; nil for the others. Scripts are
    /// intentional and do not ask.
    public var confirmation: String? {
        switch self {
        case .alterInstance(let i, let change, _):
            switch change {
            case .removeNodes(let n): return "remove \(n) node\(n == 1 ? "" : "s") from \(i)?"
            case .removeNodeIds(let ids): return "remove node\(ids.count == 1 ? "" : "s") \(ids.joined(separator: ", ")) from \(i)?"
            case .flavor(let code): return "change the flavor of \(i) to \(code)?"
            case .port(let p): return "change the port of \(i) to \(p)? Clients must reconnect to the new port."
            case .ssl(let on): return "switch SSL \(on ? "on" : "off") on \(i)?"
            case .readOnly(true): return "make \(i) read-only? Writes through it fail until it is set back."
            case .unbindEIP: return "unbind the EIP of \(i)? Clients using the public address lose it."
            case .upgrade(let to): return "upgrade the engine of \(i)\(to.map { " to " + $0 } ?? " to the latest version")?"
            case .rollback: return "roll back the engine upgrade of \(i)?"
            default: return nil
            }
        case .restartNode(let n, _): return "restart node \(n)? Its sessions are cut."
        case .killProcesses(let ids, let physical):
            return "kill \(physical ? "physical " : "")process\(ids.count == 1 ? "" : "es") \(ids.joined(separator: ", "))?"
        default: return nil
        }
    }
}

extension InstanceChangePlan {
    var text: String {
        switch self {
        case .addNodes(let n, let zone): "add nodes \(n)" + (zone.map { " in \($0)" } ?? "")
        case .removeNodes(let n): "remove nodes \(n)"
        case .removeNodeIds(let ids): "remove node \(ids.joined(separator: ", "))"
        case .flavor(let code): "set flavor \(code)"
        case .port(let p): "set port \(p)"
        case .ssl(let on): "set ssl \(on ? "on" : "off")"
        case .readOnly(let on): "set read only \(on ? "on" : "off")"
        case .bindEIP(let ip, let id): "bind eip \(ip) id \(id)"
        case .unbindEIP: "unbind eip"
        case .adminPassword: "set admin password"
        case .upgrade(let to): "upgrade" + (to.map { " to \($0)" } ?? "")
        case .rollback: "rollback upgrade"
        }
    }
}

/// Which slow queries to show: a window back from now (DDM's list takes 7 days at most), and
/// the account and schema, filtered here (the API filters neither).
public struct SlowQueryPlan: Sendable, Equatable {
    public var limit: Int
    public var since: TaskWindow.Since
    public var user: String?
    public var schema: String?
}
