/// Compiling the instance administration statements: what can be checked without the service
/// is checked here, with the offending range.
extension Compiler {
    mutating func admin(_ a: AdminStatement, _ range: SourceRange) throws -> Action {
        switch a {
        case .alterInstance(let e, let change, let wait):
            return .admin(.alterInstance(try scalar(e, "instance name"), try instanceChange(change), wait: wait))
        case .restartNode(let e, let wait): return .admin(.restartNode(try scalar(e, "node id"), wait: wait))
        case .showNode(let e): return .admin(.showNode(try scalar(e, "node id")))
        case .showParameters(let like): return .admin(.showParameters(like: try like.map { try scalar($0, "pattern") }))
        case .setParameters(let assignments, let instance):
            var seen: Set<String> = []
            var settings: [ParameterSetting] = []
            for p in assignments {
                guard seen.insert(p.name.lowercased()).inserted else {
                    throw Failure(message: "parameter \(p.name) is set twice", range: p.range)
                }
                settings.append(ParameterSetting(name: p.name, value: try scalar(p.value, "value")))
            }
            return .admin(.setParameters(settings, instance: try instance.map { try scalar($0, "instance name") }))
        case .showParameterTemplates: return .admin(.showParameterTemplates)
        case .showParameterTemplate(let e): return .admin(.showParameterTemplate(try scalar(e, "template")))
        case .applyParameterTemplate(let e, let instance):
            return .admin(.applyParameterTemplate(try scalar(e, "template"), instance: try instance.map { try scalar($0, "instance name") }))
        case .showSlowQueries(let f):
            let n = try f.limit.map { try int($0, "limit") } ?? 20
            guard (1...1000).contains(n) else { throw Failure(message: "limit must be from 1 to 1000 (got \(n))", range: f.limit?.range ?? range) }
            return .admin(.showSlowQueries(SlowQueryPlan(limit: n, since: try f.since.map { try since($0) } ?? .days(7), user: try f.user.map { try scalar($0, "account name") },
                                                         schema: try f.schema.map { try schemaName($0) })))
        case .showProcesses(let physical): return .admin(.showProcesses(physical: physical))
        case .killProcesses(let e, let physical):
            let ids = try strings(e)
            if physical, let bad = ids.first(where: { Int($0) == nil }) {
                throw Failure(message: "physical process ids are numbers; '\(bad)' is not", range: e.range)
            }
            return .admin(.killProcesses(ids, physical: physical))
        case .showTasks(let when): return .admin(.showTasks(since: try when.map { try since($0) } ?? .days(7)))
        case .showEngineVersions: return .admin(.showEngineVersions)
        }
    }

    private mutating func instanceChange(_ c: InstanceChange) throws -> InstanceChangePlan {
        switch c {
        case .addNodes(let e, let zone):
            let n = try int(e, "node count")
            guard (1...32).contains(n) else { throw Failure(message: "add nodes takes 1 to 32 nodes (got \(n))", range: e.range) }
            return .addNodes(n, zone: try zone.map { try scalar($0, "availability zone") })
        case .removeNodes(let e):
            let n = try int(e, "node count")
            guard n >= 1 else { throw Failure(message: "remove nodes takes 1 or more (got \(n))", range: e.range) }
            return .removeNodes(n)
        case .removeNodeIds(let e): return .removeNodeIds(try strings(e))
        case .flavor(let e): return .flavor(try scalar(e, "flavor code"))
        case .port(let e):
            let p = try int(e, "port")
            // TCP's range; DDM's own is the service's to say (docs/language.md).
            guard (1...65535).contains(p) else { throw Failure(message: "port must be from 1 to 65535 (got \(p))", range: e.range) }
            return .port(p)
        case .ssl(let on): return .ssl(on)
        case .readOnly(let on): return .readOnly(on)
        case .bindEIP(let ipExpr, let idExpr):
            let ip = try scalar(ipExpr, "public IP address")
            let octets = ip.split(separator: ".", omittingEmptySubsequences: false)
            guard octets.count == 4, octets.allSatisfy({ UInt8($0) != nil }) else {
                throw Failure(message: "'\(ip)' is not an IPv4 address", range: ipExpr.range)
            }
            return .bindEIP(ip: ip, id: try scalar(idExpr, "EIP id"))
        case .unbindEIP: return .unbindEIP
        case .adminPassword(let secret): return .adminPassword(secret)
        case .upgrade(let to): return .upgrade(to: try to.map { try scalar($0, "engine version") })
        case .rollback: return .rollback
        }
    }
}
