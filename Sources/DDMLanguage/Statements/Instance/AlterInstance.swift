import DDMKit

extension StatementID {
    static let setSecurityGroup = StatementID("setSecurityGroup"), addNodes = StatementID("addNodes")
    static let removeNodes = StatementID("removeNodes"), setFlavor = StatementID("setFlavor"), setPort = StatementID("setPort")
    static let setSSL = StatementID("setSSL"), setReadOnly = StatementID("setReadOnly"), bindEIP = StatementID("bindEIP")
    static let unbindEIP = StatementID("unbindEIP"), setAdminPassword = StatementID("setAdminPassword")
    static let upgradeEngine = StatementID("upgradeEngine"), rollbackEngine = StatementID("rollbackEngine")
}

/// `alter instance <i> <change> [wait]`: every change to one instance's shape, network and
/// access, and its engine (docs/language.md, "Operating an instance"). What each change is, says
/// and does is its row in `AlterInstance.clause`.
struct AlterInstance<P: Phase>: Sendable, Equatable {
    var instance: P.Text
    var change: Change
    var wait: Bool

    enum Change: Sendable, Equatable {
        case securityGroup(P.Text)
        case addNodes(P.Number, zone: P.Text?)
        case removeNodes(P.Number)
        case removeNodeIds(P.Texts)
        case flavor(P.Text)
        case port(P.Number)
        case ssl(Bool)
        case readOnly(Bool)
        case bindEIP(ip: P.Text, id: P.Text)
        case unbindEIP
        case adminPassword(SecretSource)
        case upgrade(to: P.Text?)
        case rollback
    }
}

enum AlterInstanceStatements: StatementFamily {
    private static let polls: [DDMOperationID] = [.showInstance, .showJob]

    private static func entry(_ id: StatementID, _ grammar: String, _ example: String, words: [String], _ operations: [DDMOperationID]) -> StatementEntry {
        StatementEntry(id, topic: "alter instance", path: ["alter", "instance"], grammar: grammar, example: example, words: words,
                       operations: [.listInstances] + operations)
    }

    static let entries: [StatementEntry] = [
        entry(.setSecurityGroup, "alter instance <i> set security group <sg>;", "alter instance ddm-prod set security group sg-2;",
              words: ["set", "security", "group"], [.modifySecurityGroup]),
        entry(.addNodes, "alter instance <i> add nodes <n> [in <az>] [wait];", "alter instance ddm-prod add nodes 2 wait;",
              words: ["add", "nodes", "in", "wait"], [.addNodes] + polls),
        entry(.removeNodes, "alter instance <i> remove nodes <n> [wait];  |  alter instance <i> remove node <node-id>[, …] [wait];  (asks in the REPL)",
              "alter instance ddm-prod remove nodes 1 wait;", words: ["remove", "nodes", "node", "wait"], [.removeNodes, .deleteNodes] + polls),
        entry(.setFlavor, "alter instance <i> set flavor <code> [wait];  (asks in the REPL)", "alter instance ddm-prod set flavor ddm.c6.xlarge.2 wait;",
              words: ["set", "flavor", "wait"], [.listEngines, .listFlavors, .resizeFlavor] + polls),
        entry(.setPort, "alter instance <i> set port <n> [wait];  (asks in the REPL)", "alter instance ddm-prod set port 5067;",
              words: ["set", "port", "wait"], [.modifyPort] + polls),
        entry(.setSSL, "alter instance <i> set ssl on|off [wait];  (asks in the REPL)", "alter instance ddm-prod set ssl on wait;",
              words: ["set", "ssl", "on", "off", "wait"], [.switchSSL] + polls),
        entry(.setReadOnly, "alter instance <i> set read only on|off [wait];", "alter instance ddm-dr set read only on;",
              words: ["set", "read", "only", "on", "off", "wait"], [.setReadOnly] + polls),
        entry(.bindEIP, "alter instance <i> bind eip <ip> id <eip-id> [wait];",
              "alter instance ddm-prod bind eip 203.0.113.10 id 5c2b7f1e-0d3a-4f7e-9b1c-2a3d4e5f6a7b;",
              words: ["bind", "eip", "id", "wait"], [.bindEIP] + polls),
        entry(.unbindEIP, "alter instance <i> unbind eip [wait];", "alter instance ddm-prod unbind eip;",
              words: ["unbind", "eip", "wait"], [.unbindEIP] + polls),
        entry(.setAdminPassword, "alter instance <i> set admin password <secret> [wait];", "alter instance ddm-prod set admin password prompt;",
              words: ["set", "admin", "password", "prompt", "env", "file", "wait"], [.showInstance, .resetAdministrator] + polls),
        entry(.upgradeEngine, "alter instance <i> upgrade [to <version>] [wait];  (asks in the REPL)", "alter instance ddm-prod upgrade wait;",
              words: ["upgrade", "to", "wait"], [.listEngineVersions, .upgradeEngine] + polls),
        entry(.rollbackEngine, "alter instance <i> rollback upgrade [wait];  (asks in the REPL)", "alter instance ddm-prod rollback upgrade;",
              words: ["rollback", "upgrade", "wait"], [.rollbackEngine] + polls),
    ]

    static let rules = [ParseRule("alter instance", AlterInstance<Parsed>.parse)]
}

extension AlterInstance: StatementSyntax where P == Parsed {
    /// alter instance <i> set security group <sg> | set flavor <code> | set port <n> | set ssl on|off
    /// | set read only on|off | set admin password <secret> | add nodes <n> [in <az>] | remove nodes <n>
    /// | remove node <id>[, …] | bind eip <ip> id <eip-id> | unbind eip | upgrade [to <version>]
    /// | rollback upgrade   [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        let i = try p.name("instance name")
        let change: Change
        if p.match("set") {
            if p.match("security") { try p.expect("group", "after 'security'"); change = .securityGroup(try p.name("security group id")) }
            else if p.match("flavor") { change = .flavor(try p.name("flavor code")) }
            else if p.match("port") { change = .port(try p.value()) }
            else if p.match("ssl") { change = .ssl(try p.onOff("ssl")) }
            else if p.match("read") { try p.expect("only", "after 'read'"); change = .readOnly(try p.onOff("read only")) }
            else if p.match("readonly") { change = .readOnly(try p.onOff("readonly")) }
            else if p.match("admin") { try p.expect("password", "after 'admin'"); change = .adminPassword(try p.secret()) }
            else { throw p.failure(.expected("security group, flavor, port, ssl, read only or admin password", after: "'set'", found: p.found)) }
        } else if p.match("add") {
            try p.expect("nodes", "after 'add'")
            let count = try p.value()
            change = .addNodes(count, zone: p.match("in") ? try p.name("availability zone") : nil)
        } else if p.match("remove") {
            if p.match("nodes") { change = .removeNodes(try p.value()) } else {
                try p.expect("node", "after 'remove' (remove nodes <n> or remove node <id>)")
                change = .removeNodeIds(try p.list("node id"))
            }
        } else if p.match("bind") {
            try p.expect("eip", "after 'bind'")
            let ip = try p.name("public IP address")
            try p.expect("id", "before the EIP's id")
            change = .bindEIP(ip: ip, id: try p.name("EIP id"))
        } else if p.match("unbind") {
            try p.expect("eip", "after 'unbind'")
            change = .unbindEIP
        } else if p.match("upgrade") {
            change = .upgrade(to: p.match("to") ? try p.name("engine version") : nil)
        } else if p.match("rollback") {
            try p.expect("upgrade", "after 'rollback'")
            change = .rollback
        } else {
            throw p.failure(.expected("set, add nodes, remove nodes, remove node, bind eip, unbind eip, upgrade or rollback upgrade", after: "the instance name", found: p.found))
        }
        return Self(instance: i, change: change, wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        AlterInstance<Resolved>(instance: try c.scalar(instance, "instance name"), change: try compile(change, &c), wait: wait)
    }

    private func compile(_ change: Change, _ c: inout Compiler) throws -> AlterInstance<Resolved>.Change {
        typealias Failure = Compiler.Failure
        switch change {
        case .securityGroup(let g): return .securityGroup(try c.scalar(g, "security group"))
        case .addNodes(let e, let zone):
            let n = try c.int(e, "node count")
            guard (1...32).contains(n) else { throw Failure(.instance(.addNodesOutOfRange(n)), range: e.range) }
            return .addNodes(n, zone: try zone.map { try c.scalar($0, "availability zone") })
        case .removeNodes(let e):
            let n = try c.int(e, "node count")
            guard n >= 1 else { throw Failure(.instance(.removeNodesTooFew(n)), range: e.range) }
            return .removeNodes(n)
        case .removeNodeIds(let e):
            // A node named twice is removed once (DDM would be sent the pair), as `add rds x, x` adds x once.
            var seen: Set<String> = []
            return .removeNodeIds(try c.strings(e).filter { seen.insert($0).inserted })
        case .flavor(let e): return .flavor(try c.scalar(e, "flavor code"))
        case .port(let e):
            let p = try c.int(e, "port")
            // TCP's range; DDM's own is the service's to say (docs/language.md).
            guard (1...65535).contains(p) else { throw Failure(.notInRange("port", 1...65535, got: p), range: e.range) }
            return .port(p)
        case .ssl(let on): return .ssl(on)
        case .readOnly(let on): return .readOnly(on)
        case .bindEIP(let ipExpr, let idExpr):
            let ip = try c.scalar(ipExpr, "public IP address")
            guard Names.ipv4(ip) else {
                throw Failure(.notIPv4(ip), range: ipExpr.range)
            }
            return .bindEIP(ip: ip, id: try c.scalar(idExpr, "EIP id"))
        case .unbindEIP: return .unbindEIP
        case .adminPassword(let secret): return .adminPassword(secret)
        case .upgrade(let to): return .upgrade(to: try to.map { try c.scalar($0, "engine version") })
        case .rollback: return .rollback
        }
    }
}

extension AlterInstance: Step where P == Resolved {
    var id: StatementID { clause.id }
    var text: String { "alter instance \(SourceText.name(instance)) \(clause.words)" + (wait ? " wait" : "") }
    var headline: String { clause.headline ?? text }
    var calls: [PlannedCall] {
        let clause = clause
        return [.resolve] + clause.calls + (wait && clause.startsJob ? PlannedCall.pollUntilRunning : [])
    }
    var question: String? { clause.question }
    var needsInstance: Bool { false }
}
