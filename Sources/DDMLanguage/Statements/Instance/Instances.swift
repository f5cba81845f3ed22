import DDMKit

extension StatementID {
    static let use = StatementID("use")
    static let showInstances = StatementID("showInstances")
    static let showInstance = StatementID("showInstance")
    static let showEngines = StatementID("showEngines")
    static let showFlavors = StatementID("showFlavors")
    static let showNodes = StatementID("showNodes")
    static let createInstance = StatementID("createInstance")
    static let dropInstance = StatementID("dropInstance")
    static let waitInstance = StatementID("waitInstance")
}

/// The project's instances: which one statements act on, what there is, creating and dropping
/// one, and waiting for one (docs/language.md, "Instances").
enum InstanceStatements: StatementFamily {

    static let entries: [StatementEntry] = [
        StatementEntry(.use, topic: "use", path: ["use", "instance"], grammar: "use instance <name-or-id>;",
                       example: "use instance ddm-prod;", operations: [.listInstances]),
        StatementEntry(.showInstances, topic: "show", path: ["show", "instances"], grammar: "show instances;",
                       example: "show instances;", operations: [.listInstances]),
        StatementEntry(.showInstance, topic: "show", path: ["show", "instance"], grammar: "show instance <name-or-id>;",
                       example: "show instance ddm-prod;", operations: [.listInstances, .showInstance, .listNodes]),
        StatementEntry(.showEngines, topic: "show", path: ["show", "engines"], grammar: "show engines;",
                       example: "show engines;", operations: [.listEngines]),
        StatementEntry(.showFlavors, topic: "show", path: ["show", "flavors"], grammar: "show flavors;",
                       example: "show flavors;", operations: [.listEngines, .listFlavors]),
        StatementEntry(.showNodes, topic: "show", path: ["show", "nodes"], grammar: "show nodes;",
                       example: "show nodes;", needsInstance: true, operations: [.listNodes]),
        StatementEntry(.createInstance, topic: "create instance", path: ["create", "instance"],
                       grammar: "create instance <name> with flavor=<code-or-id>, nodes=<n>, vpc=<id>, subnet=<id>, security_group=<id>, az=[<az>, …] [, engine=<version-or-id>] [, time_zone=<tz>] [, admin_user=<name>] [wait];",
                       example: "create instance ddm-prod with flavor=ddm.c6.large.2, nodes=2, vpc=vpc-1, subnet=subnet-1, security_group=sg-1, az=[ap-southeast-1a] wait;",
                       words: ["with", "wait"],
                       operations: [.listEngines, .listFlavors, .createInstance, .showInstance, .showJob]),
        StatementEntry(.dropInstance, topic: "drop instance", path: ["drop", "instance"],
                       grammar: "drop instance <i> [if exists] [delete rds data] [wait];", example: "drop instance ddm-old if exists;",
                       words: ["if", "exists", "delete", "rds", "data", "wait"],
                       operations: [.listInstances, .deleteInstance, .showJob]),
        StatementEntry(.waitInstance, topic: "wait", path: ["wait", "instance"], grammar: "wait instance <i>;",
                       example: "wait instance ddm-prod;", operations: [.listInstances, .showInstance]),
    ]

    static let rules = [
        ParseRule("use", { p in try p.expect("instance", "after 'use'"); return UseInstance<Parsed>(instance: try p.name("instance name")) }),
        ParseRule("show instances", { _ in
            PlainRead(.showInstances, "show instances", calls: [PlannedCall(.listInstances, "list instances, every page")]) { e in
                [ShowTables.instances(try await e.instances(refresh: true))]
            }
        }),
        showInstance.rule,
        ParseRule("show engines", { _ in
            PlainRead(.showEngines, "show engines", calls: [PlannedCall(.listEngines, "list engines")]) { e in
                [ShowTables.engines(try await e.client.listEngines(limit: 128).engineGroups)]
            }
        }),
        ParseRule("show flavors", { _ in
            PlainRead(.showFlavors, "show flavors", calls: [PlannedCall(.listEngines, "list engines"), PlannedCall(.listFlavors, "list flavors, per engine")]) { e in
                var byEngine: [(engine: EngineGroup, flavors: [Flavor])] = []
                for engine in try await e.client.listEngines(limit: 128).engineGroups {
                    byEngine.append((engine, try await e.client.listFlavors(engineId: engine.id, limit: 128).computeFlavorGroups.flatMap(\.computeFlavors)))
                }
                return [ShowTables.flavors(byEngine)]
            }
        }),
        ParseRule("show nodes", { _ in
            PlainRead(.showNodes, "show nodes", calls: [PlannedCall(.listNodes, "list nodes")]) { e in
                [ShowTables.nodes(try await e.client.listNodes(instance: try await e.instanceId(), limit: 128).nodes)]
            }
        }),
        ParseRule("create instance", CreateInstance<Parsed>.parse),
        ParseRule("drop instance", DropInstance<Parsed>.parse),
        waitInstance.rule,
    ]

    /// show instance <name-or-id>
    static let showInstance = NameStatementForm(.showInstance, "show instance", noun: "instance name", calls: { _, _ in
        [.resolve, PlannedCall(.showInstance, "show instance"), PlannedCall(.listNodes, "list nodes, when the detail lacks their addresses (v3)")]
    }) { e, s in
        let listed = try await e.resolve(s.name)
        var detail = try await e.client.showInstance(listed.id).completed(with: listed)
        if detail.nodes?.contains(where: { $0.ip == nil }) == true {
            detail = detail.withNodeAddresses(try await e.client.listNodes(instance: listed.id, limit: 128).nodes)
        }
        // DDM's API does not report read-only: what ddmsh last set is shown as such.
        let readOnly = e.options.journalDirectory.flatMap { Journal.lastReadOnly(instance: listed.id, in: $0) }
        for t in ShowTables.instance(detail, readOnly: readOnly) { await e.sink.table(t) }
        return nil
    }

    /// wait instance <i>
    static let waitInstance = NameStatementForm(.waitInstance, "wait instance", noun: "instance name",
                                                calls: { _, _ in [.resolve, PlannedCall.pollUntilRunning[0]] }) { e, s in
        let i = try await e.resolve(s.name)
        try await e.waitRunning(i.id, name: i.name)
        return nil
    }
}

struct UseInstance<P: Phase>: Sendable, Equatable {
    var instance: P.Text
}

extension UseInstance: StatementSyntax where P == Parsed {
    /// use instance <name-or-id>
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        c.instanceSelected = true
        return UseInstance<Resolved>(instance: try c.scalar(instance, "instance name"))
    }
}

extension UseInstance: Step where P == Resolved {
    var id: StatementID { .use }
    var text: String { "use instance \(SourceText.name(instance))" }
    var calls: [PlannedCall] { [.resolve] }
    var schemaEffect: SchemaEffect { .otherInstance }

    func run(in e: isolated Evaluator) async throws -> String? {
        let i = try await e.resolve(instance)
        e.currentInstance = (i.id, i.name)
        e.pendingInstance = nil
        await e.sink.message("using instance \(i.name) (\(i.id))")
        return nil
    }
}

/// `create instance <name> with key = value, …`: each key once, checked as it is read.
struct CreateInstance<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var flavor: P.Text?
    var engine: P.Text?
    var nodes: P.Number?
    var vpc: P.Text?
    var subnet: P.Text?
    var securityGroup: P.Text?
    var zones: P.Texts?
    var timeZone: P.Text?
    var adminUser: P.Text?
    var wait = false
}

extension CreateInstance: StatementSyntax where P == Parsed {
    static let keys = ["flavor", "engine", "nodes", "vpc", "subnet", "security_group", "az", "time_zone", "admin_user"]
    static let required = ["flavor", "nodes", "vpc", "subnet", "security_group", "az"]

    /// create instance <name> with <key> = <value> [, <key> = <value>]… [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        var s = Self(name: try p.name("instance name"))
        try p.expect("with", "before the instance options")
        var seen: Set<String> = []
        repeat {
            let start = p.current.range.start
            let key = try p.identifier("option name").lowercased()
            try p.expect(punct: "=", "after '\(key)'")
            let v = try p.optionValue()
            let range = SourceRange(start, v.range.end)
            guard keys.contains(key) else {
                throw Parser.Failure(message: .instance(.unknownOption(key, suggestion: Suggestion.closest(to: key, in: keys))), range: range, atEOF: false)
            }
            guard seen.insert(key).inserted else { throw Parser.Failure(message: .givenTwice(key, noun: "option"), range: range, atEOF: false) }
            switch key {
            case "flavor": s.flavor = v
            case "engine": s.engine = v
            case "nodes": s.nodes = v
            case "vpc": s.vpc = v
            case "subnet": s.subnet = v
            case "security_group": s.securityGroup = v
            case "az": s.zones = v
            case "time_zone": s.timeZone = v
            default: s.adminUser = v
            }
        } while p.match(punct: ",")
        s.wait = p.match("wait")
        return s
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let n = try c.scalar(name, "instance name")
        guard Names.instance(n) else {
            throw Compiler.Failure(.invalidInstanceName(n), range: name.range)
        }
        let given: [String: Expr?] = ["flavor": flavor, "nodes": nodes, "vpc": vpc, "subnet": subnet, "security_group": securityGroup, "az": zones]
        for key in Self.required where given[key] ?? nil == nil {
            throw Compiler.Failure(.instance(.missingOption(key, required: Self.required)), range: name.range)
        }
        guard let flavor, let nodes, let vpc, let subnet, let securityGroup, let zones else { preconditionFailure("checked above") }
        let count = try c.int(nodes, "nodes")
        guard (1...32).contains(count) else { throw Compiler.Failure(.notInRange("nodes", 1...32, got: count), range: nodes.range) }
        // The service would refuse an empty list after the flavor lookups: refused here, before any call.
        let zoneList = try c.strings(zones)
        guard !zoneList.isEmpty else { throw Compiler.Failure(.nameAtLeastOne("availability zone in az=[…]"), range: zones.range) }
        return CreateInstance<Resolved>(
            name: n, flavor: try c.scalar(flavor, "flavor"), engine: try engine.map { try c.scalar($0, "engine") }, nodes: count,
            vpc: try c.scalar(vpc, "vpc"), subnet: try c.scalar(subnet, "subnet"), securityGroup: try c.scalar(securityGroup, "security group"),
            zones: zoneList, timeZone: try timeZone.map { try c.scalar($0, "time zone") },
            adminUser: try adminUser.map { try c.scalar($0, "admin user") }, wait: wait)
    }
}

extension CreateInstance: Step where P == Resolved {
    var id: StatementID { .createInstance }
    var text: String {
        let options: [(String, String?)] = [("flavor", flavor.map(SourceText.name)), ("nodes", nodes.map(String.init)),
                                            ("vpc", vpc.map(SourceText.name)), ("subnet", subnet.map(SourceText.name)),
                                            ("security_group", securityGroup.map(SourceText.name)), ("az", zones.map { "[\(SourceText.names($0))]" }),
                                            ("engine", engine.map(SourceText.name)), ("time_zone", timeZone.map(SourceText.string)),
                                            ("admin_user", adminUser.map(SourceText.name))]
        return "create instance \(SourceText.name(name)) with " + options.compactMap { k, v in v.map { "\(k)=\($0)" } }.joined(separator: ", ")
            + (wait ? " wait" : "")
    }
    var headline: String { "create instance \(name) (flavor \(flavor ?? ""), \(nodes ?? 0) node\(nodes == 1 ? "" : "s"))" }
    var calls: [PlannedCall] {
        [PlannedCall(.listEngines, "list engines"), PlannedCall(.listFlavors, "list flavors"), PlannedCall(.createInstance, "create instance")]
            + (wait ? PlannedCall.pollUntilRunning : [])
    }
    var schemaEffect: SchemaEffect { .otherInstance }

    func run(in e: isolated Evaluator) async throws -> String? {
        let client = e.client
        let engines = try await client.listEngines(limit: 128).engineGroups
        guard let engine = self.engine.map({ x in engines.first { $0.id == x || $0.version == x || $0.name == x } }) ?? engines.first else {
            throw EvaluationError("engine '\(self.engine ?? "")' does not exist; see 'show engines;'", kind: .notFound)
        }
        let flavors = try await client.listFlavors(engineId: engine.id, limit: 128).computeFlavorGroups.flatMap(\.computeFlavors)
        guard let flavor = flavors.first(where: { $0.id == self.flavor || $0.code == self.flavor }) else {
            throw EvaluationError("flavor '\(self.flavor ?? "")' does not exist; see 'show flavors;'", kind: .notFound)
        }
        let request = CreateInstanceRequest(
            name: name, flavorId: flavor.id, nodeNum: nodes ?? 1, engineId: engine.id, availableZones: zones ?? [],
            vpcId: vpc ?? "", securityGroupId: securityGroup ?? "", subnetId: subnet ?? "", timeZone: timeZone,
            adminUserName: adminUser, engineVersion: engine.version, flavorCode: flavor.code)
        // Not taken back by undo: dropping a whole instance is for the user to decide.
        let write = Write(summary: "create instance \(name)",
                          journal: .change(name, "created instance \(name) (drop instance \(name); removes it)"), staleInstances: true) {
            try await client.createInstance(request)
        }
        guard let r = try await e.perform(write) else { return nil }
        if let ordered = await e.ordered(JobAnswer(jobId: r.jobId, orderId: r.orderId), doing: "creating instance \(name)" + (r.id.map { " (\($0))" } ?? ""),
                                         operation: "create instance \(name)", wait: wait, on: name) { return ordered }
        await e.sink.message("creating instance \(name) (\(r.id ?? "?"))")
        if wait, let id = r.id { try await e.waitRunning(id, name: name, job: r.jobId, operation: "create instance \(name)") }
        return "created instance \(name)"
    }
}

struct DropInstance<P: Phase>: Sendable, Equatable {
    var instance: P.Text
    var ifExists: Bool
    var deleteData: Bool
    var wait = false
}

extension DropInstance: StatementSyntax where P == Parsed {
    /// drop instance <i> [if exists] [delete rds data]
    static func parse(_ p: inout Parser) throws -> Self {
        let i = try p.name("instance name")
        let e = try p.ifExists()
        let d = try p.deleteData()
        return Self(instance: i, ifExists: e, deleteData: d, wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        DropInstance<Resolved>(instance: try c.scalar(instance, "instance name"), ifExists: ifExists, deleteData: deleteData, wait: wait)
    }
}

extension DropInstance: Step where P == Resolved {
    var id: StatementID { .dropInstance }
    var text: String { "drop instance \(SourceText.name(instance))\(ifExists ? " if exists" : "")\(deleteData ? " delete rds data" : "")\(wait ? " wait" : "")" }
    var calls: [PlannedCall] {
        [.resolve, PlannedCall(.deleteInstance, "delete instance", deleteData: deleteData)] + (wait ? [PlannedCall(.showJob, "poll the job until it ends")] : [])
    }
    var schemaEffect: SchemaEffect { .otherInstance }

    func run(in e: isolated Evaluator) async throws -> String? {
        let i: Instance
        do { i = try await e.resolve(instance) } catch let error as EvaluationError where ifExists && error.kind == .notFound {
            await e.sink.message("instance \(instance) does not exist; nothing to drop")
            return nil
        }
        let client = e.client, deleteData = deleteData
        let write = Write(summary: "drop instance \(i.name)",
                          question: "drop instance \(i.name) with its schemas and accounts\(deleteData ? " and the data on its RDS instances" : "")? undo cannot bring it back",
                          journal: .change(i.id, "dropped instance \(i.name)"), staleInstances: true) {
            try await client.deleteInstance(i.id, deleteRDSData: deleteData)
        }
        guard let r = try await e.perform(write) else { return nil }
        if e.currentInstance?.id == i.id { e.currentInstance = nil }
        // The instance is what goes away: `wait` follows the job alone.
        try await e.reportJob(r.jobId, doing: "dropping instance \(i.name)", done: "dropped instance \(i.name)", wait: wait, on: nil,
                              operation: "drop instance \(i.name)")
        return "dropped instance \(i.name)"
    }
}
