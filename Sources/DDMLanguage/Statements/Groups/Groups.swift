import DDMKit

extension StatementID {
    static let showGroups = StatementID("showGroups"), createGroup = StatementID("createGroup"), dropGroup = StatementID("dropGroup")
    static let showAccessControl = StatementID("showAccessControl"), setAccessControl = StatementID("setAccessControl")
    static let setGroupAddress = StatementID("setGroupAddress"), showPublicIPs = StatementID("showPublicIPs")
}

/// The current instance's groups of nodes, each with an endpoint of its own; who may
/// connect to a group (its IP access control list) and at which address; the instance's public
/// IPs (docs/language.md, "Groups and access control"). v3 only.
enum GroupStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showGroups, topic: "groups", path: ["show", "groups"],
                       grammar: "show groups;  (each group's role, load balancer address and nodes)", example: "show groups;",
                       needsInstance: true, operations: [.listGroups]),
        StatementEntry(.createGroup, topic: "groups", path: ["create", "group"],
                       grammar: "create group <name> nodes <n> [read only] [flavor <code>] [in <az>] [wait];  (the instance's flavor, zone and subnet unless given)",
                       example: "create group reporting nodes 2 read only wait;", words: ["nodes", "read", "only", "flavor", "in", "wait"],
                       needsInstance: true, operations: [.listInstances, .createGroup, .showInstance, .showJob]),
        StatementEntry(.dropGroup, topic: "groups", path: ["drop", "group"],
                       grammar: "drop group <g> [wait];  (its nodes and address go with it; asks in the REPL)", example: "drop group reporting;",
                       words: ["wait"],
                       needsInstance: true, operations: [.listGroups, .deleteGroup, .showInstance, .showJob]),
        StatementEntry(.showAccessControl, topic: "groups", path: ["show", "access", "control", "for", "group"],
                       grammar: "show access control for group <g>;  (on or off, whitelist or blacklist, and the addresses)",
                       example: "show access control for group default;",
                       needsInstance: true, operations: [.listGroups, .showGroupACL]),
        StatementEntry(.setAccessControl, topic: "groups", path: ["alter", "group"],
                       grammar: "alter group <g> set access whitelist|blacklist (<ip or cidr>, …) | on | off;  (the whole list; shows what changes and asks in the REPL)",
                       example: "alter group default set access whitelist ('10.0.0.0/24', '192.168.1.7');",
                       words: ["set", "access", "whitelist", "blacklist", "on", "off"],
                       needsInstance: true, operations: [.listGroups, .showGroupACL, .switchGroupACL]),
        StatementEntry(.setGroupAddress, topic: "groups", path: ["alter", "group"],
                       grammar: "alter group <g> set address '<ip>' [wait];  (the load balancer's address; clients reconnect; asks in the REPL)",
                       example: "alter group default set address '192.168.0.50' wait;", words: ["set", "address", "wait"],
                       needsInstance: true, operations: [.listGroups, .modifyGroupAddress, .showInstance, .showJob]),
        StatementEntry(.showPublicIPs, topic: "groups", path: ["show", "public", "ips"],
                       grammar: "show public ips;  (the EIPs bound to the instance's nodes)", example: "show public ips;",
                       needsInstance: true, operations: [.listPublicIPs]),
    ]

    static let rules = [
        ParseRule("show groups", { _ in
            PlainRead(.showGroups, "show groups", calls: [PlannedCall(.listGroups, "the instance's groups, every page")]) { e in
                let groups = try await e.client.allGroups(instance: try await e.instanceId())
                return [ResultTable(columns: ["name", "role", "address", "default", "nodes", "per node", "id"], rows: groups.map { g in
                    // What the answer left out is shown as unknown, not as a default that states a fact.
                    [g.name ?? "", g.role.map { $0 == "r" ? "read-only" : "read/write" } ?? ShowTables.unknown, g.endpoint ?? "",
                     ShowTables.yesNo(g.isDefaultGroup),
                     (g.nodeList ?? []).map { $0.name ?? $0.id ?? "?" }.joined(separator: ", "),
                     g.cpuNumPerNode.map { "\($0) vCPU, \(g.memNumPerNode.map(String.init) ?? "?") GB" } ?? "", g.id]
                }, kinds: [.text, .text, .text, .text, .list, .text, .text])]
            }
        }),
        ParseRule("show public ips", { _ in
            PlainRead(.showPublicIPs, "show public ips", calls: [PlannedCall(.listPublicIPs, "the instance's public IPs, every page")]) { e in
                let ips = try await e.client.allPublicIPs(instance: try await e.instanceId())
                return [ResultTable(columns: ["public ip", "private ip", "bound to", "group", "id"], rows: ips.map { p in
                    [p.publicIp ?? "", p.privateIp ?? "", [p.bindingEntityType, p.bindingEntityName].compactMap { $0 }.joined(separator: " "), p.groupId ?? "", p.id ?? ""]
                })]
            }
        }),
        ParseRule("create group", CreateGroup<Parsed>.parse),
        drop.rule,
        accessControl.rule,
        ParseRule("alter group", AlterGroup<Parsed>.parse),
    ]
}

extension Evaluator {
    /// A group of the current instance by name or id; not found names the groups there are.
    func group(_ ref: String, instance: String) async throws -> InstanceGroup {
        let all = try await client.allGroups(instance: instance)
        if let g = all.first(where: { $0.id == ref || $0.name == ref }) { return g }
        if options.dryRun && dryRunCreated.contains("group \(instance)/\(ref)") { throw CreatedInDryRun(what: "group \(ref)") }
        throw EvaluationError("group '\(ref)' does not exist; the instance has \(all.compactMap(\.name).joined(separator: ", "))", kind: .notFound, focus: ref)
    }
}

// MARK: create group / drop group

struct CreateGroup<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var nodes: P.Number
    var readOnly: Bool
    var flavor: P.Text?
    var zone: P.Text?
    var wait: Bool
}

extension CreateGroup: StatementSyntax where P == Parsed {
    /// create group <name> nodes <n> [read only] [flavor <code>] [in <az>] [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        let name = try p.name("group name")
        try p.expect("nodes", "after the group name (create group <name> nodes <n>)")
        let nodes = try p.value()
        var readOnly = false, flavor: Expr?, zone: Expr?
        var seen: Set<String> = []
        while true {
            if p.match("read") { try p.once("read only", &seen); try p.expect("only", "after 'read'"); readOnly = true }
            else if p.match("flavor") { try p.once("flavor", &seen); flavor = try p.name("flavor code") }
            else if p.match("in") { try p.once("in", &seen); zone = try p.name("availability zone") }
            else { break }
        }
        return Self(name: name, nodes: nodes, readOnly: readOnly, flavor: flavor, zone: zone, wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let n = try c.scalar(name, "group name")
        // "4 to 64 characters … start with a letter … letters, digits, underscores (_), and hyphens (-)"
        // (OTC API reference): the instance name's rule.
        guard Names.instance(n) else {
            throw Compiler.Failure(.invalidInstanceName(n, of: .group), range: name.range)
        }
        let count = try c.int(nodes, "nodes")
        guard (1...32).contains(count) else { throw Compiler.Failure(.instance(.groupNodesOutOfRange(count)), range: nodes.range) }
        return CreateGroup<Resolved>(name: n, nodes: count, readOnly: readOnly, flavor: try flavor.map { try c.scalar($0, "flavor code") },
                                     zone: try zone.map { try c.scalar($0, "availability zone") }, wait: wait)
    }
}

extension CreateGroup: Step where P == Resolved {
    var id: StatementID { .createGroup }
    var text: String {
        "create group \(SourceText.name(name)) nodes \(nodes)" + (readOnly ? " read only" : "") + (flavor.map { " flavor \(SourceText.name($0))" } ?? "")
            + (zone.map { " in \(SourceText.name($0))" } ?? "") + (wait ? " wait" : "")
    }
    var calls: [PlannedCall] {
        [PlannedCall(.listInstances, "the instance's flavor, zone and subnet"), PlannedCall(.createGroup, "create group", object: name)]
            + (wait ? [PlannedCall(.showInstance, "poll until RUNNING"), PlannedCall(.showJob, "poll the job")] : [])
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let i = try await e.resolve(instance)
        guard let subnet = i.subnetId, let az = zone ?? i.availableZone?.split(separator: ",").first.map(String.init),
              let code = flavor ?? i.flavorRef else {
            throw EvaluationError("cannot tell \(i.name)'s subnet, zone or flavor; say them: create group \(name) nodes \(nodes) flavor <code> in <az>")
        }
        let group = NewGroup(name: name, readOnly: readOnly, flavor: code, zones: Array(repeating: az, count: nodes), subnet: subnet)
        let client = e.client
        let what = "\(readOnly ? "read-only" : "read/write") group \(name) (\(nodes) \(code) node\(nodes == 1 ? "" : "s") in \(az))"
        let write = Write(summary: "create \(what) on \(i.name)", question: nil,
                          journal: .change(instance, "created group \(name)", undo: NameStatement<Resolved>(form: GroupStatements.drop, name: name)), staleInstances: true) {
            try await client.createGroup(instance: instance, group)
        }
        if e.options.dryRun { e.dryRunCreated.insert("group \(i.id)/\(name)") }
        return try await e.performJob(write, doing: "creating \(what)", operation: "create group \(name)", done: "created group \(name)",
                                      wait: wait, on: (instance, i.name))
    }
}

extension GroupStatements {
    /// drop group <g> [wait]
    static let drop = NameStatementForm(.dropGroup, "drop group", noun: "group name", waits: true, calls: { _, wait in
        [PlannedCall(.listGroups, "find the group"), PlannedCall(.deleteGroup, "delete group")]
            + (wait ? [PlannedCall(.showInstance, "poll until RUNNING"), PlannedCall(.showJob, "poll the job")] : [])
    }) { e, s in
        let instance = try await e.instanceId()
        let group = s.name
        let g = try await e.group(group, instance: instance)
        if g.isDefaultGroup == true { throw e.refusal(EvaluationError("\(g.name ?? group) is the instance's default group; it goes only with the instance")) }
        let nodes = g.nodeList?.count ?? 0
        let client = e.client
        let question = "drop group \(g.name ?? group) with its \(nodes) node\(nodes == 1 ? "" : "s")? Clients connected through \(g.endpoint ?? "its address") lose their connection; undo cannot bring it back"
        let write = Write(summary: "drop group \(g.name ?? group)", question: question,
                          journal: .change(instance, "dropped group \(g.name ?? group)"), staleInstances: true) {
            try await client.deleteGroup(instance: instance, group: g.id)
        }
        return try await e.performJob(write, doing: "dropping group \(g.name ?? group)", operation: "drop group \(group)",
                                      done: "dropped group \(g.name ?? group)", wait: s.wait, on: (instance, e.currentInstanceName ?? instance))
    }
}
