import DDMKit

extension StatementID {
    static let syncDataNodes = StatementID("syncDataNodes")
    static let setReadWeights = StatementID("setReadWeights")
    static let showReadWeights = StatementID("showReadWeights")
    static let checkDataNodes = StatementID("checkDataNodes")
    static let showDataNodes = StatementID("showDataNodes")
}

/// An instance's data nodes: the RDS instances its schemas' shards live on (docs/language.md,
/// "Data nodes").
enum DataNodeStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.syncDataNodes, topic: "data nodes", path: ["sync", "data", "nodes"],
                       grammar: "sync data nodes [on instance <i>] [wait];  (after a change on the RDS side: replicas, address, port, security group, class)",
                       example: "sync data nodes on instance ddm-prod wait;", words: ["on", "instance", "wait"],
                       needsInstance: true,
                       operations: [.listInstances, .syncDataNodes, .showJob]),
        StatementEntry(.setReadWeights, topic: "data nodes", path: ["set", "read", "weights"],
                       grammar: "set read weights <rds> = <n> [, <rds> = <n> …] [on instance <i>];  (0 to 100; a data node and its read replicas share reads by weight)",
                       example: "set read weights rds-orders = 20, rds-orders-replica = 80;", words: ["on", "instance"],
                       needsInstance: true,
                       operations: [.listInstances, .listAvailableRDS, .listSchemas, .showSchema, .setReadWeights]),
        StatementEntry(.showReadWeights, topic: "show", path: ["show", "read", "weights"],
                       grammar: "show read weights [on instance <i>];  (as ddmsh last set them: DDM's API does not report them)",
                       example: "show read weights;", words: ["on", "instance"],
                       needsInstance: true,
                       operations: [.listInstances, .listAvailableRDS]),
        StatementEntry(.showDataNodes, topic: "show", path: ["show", "data", "nodes"],
                       grammar: "show data nodes;  (the RDS instances the schemas use, with the read weights ddmsh last set)",
                       example: "show data nodes;", needsInstance: true,
                       operations: [.listSchemas, .showSchema]),
        StatementEntry(.checkDataNodes, topic: "data nodes", path: ["check", "data", "nodes"],
                       grammar: "check data nodes <rds>[, …] user <u> password <secret> [on instance <i>];  (whether DDM can log in to them; changes nothing)",
                       example: "check data nodes rds-orders user root password prompt;", words: ["user", "password", "prompt", "env", "file", "on", "instance"],
                       slots: ["user <u>": .unlisted], needsInstance: true,
                       operations: [.listInstances, .listAvailableRDS, .checkDataNodeConnection]),
    ]
    static let rules = [ParseRule("sync data nodes", SyncDataNodes<Parsed>.parse),
                        ParseRule("check data nodes", CheckDataNodes<Parsed>.parse),
                        ParseRule("show data nodes", { _ in
                            PlainRead(.showDataNodes, "show data nodes", calls: [PlannedCall(.listSchemas, "list schemas (with their data nodes), every page"),
                                                                              PlannedCall(.showSchema, "a schema the list gives without its data nodes")]) { e in
                                try await e.dataNodes()
                            }
                        }),
                        ParseRule("set read weights", SetReadWeights<Parsed>.parse),
                        ParseRule("show read weights", ShowReadWeights<Parsed>.parse)]
}

struct SyncDataNodes<P: Phase>: Sendable, Equatable {
    var instance: P.Text?
    var wait: Bool
}

extension SyncDataNodes: StatementSyntax where P == Parsed {
    /// sync data nodes [on instance <i>] [wait]
    static func parse(_ p: inout Parser) throws -> Self { Self(instance: try p.onInstance(), wait: p.match("wait")) }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        SyncDataNodes<Resolved>(instance: try instance.map { try c.scalar($0, "instance name") }, wait: wait)
    }
}

extension SyncDataNodes: Step where P == Resolved {
    var id: StatementID { .syncDataNodes }
    var text: String { "sync data nodes" + (instance.map { " on instance \(SourceText.name($0))" } ?? "") + (wait ? " wait" : "") }
    var calls: [PlannedCall] {
        (instance == nil ? [] : [.resolve]) + [PlannedCall(.syncDataNodes, "sync data node information")]
            + (wait ? [PlannedCall(.showJob, "poll the job until done, when the call gives one (v1)")] : [])
    }
    var needsInstance: Bool { instance == nil }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (id, name) = try await e.target(instance)
        let client = e.client
        let write = Write(summary: "sync the data node information of \(name)", journal: .change(id, "synchronized the data node information of \(name)")) {
            try await client.syncDataNodes(instance: id)
        }
        // The v3 call answers nothing; the v1 call a job.
        guard let job = try await e.perform(write) else { return nil }
        if let job {
            await e.sink.message("synchronizing the data node information of \(name) (job \(job))")
            if wait { try await e.waitJob(job) }
        } else {
            await e.sink.message("synchronized the data node information of \(name)")
        }
        return "synchronized the data node information of \(name)"
    }
}

struct ReadWeight<P: Phase>: Sendable, Equatable {
    var rds: P.Text
    var weight: P.Number
}

struct SetReadWeights<P: Phase>: Sendable, Equatable {
    var weights: [ReadWeight<P>]
    var instance: P.Text?
}

extension SetReadWeights: StatementSyntax where P == Parsed {
    /// set read weights <rds> = <n> [, <rds> = <n> …] [on instance <i>]
    static func parse(_ p: inout Parser) throws -> Self {
        var weights: [ReadWeight<Parsed>] = []
        repeat {
            let rds = try p.name("data node (RDS instance id or name)")
            try p.expect(punct: "=", "after the data node")
            weights.append(ReadWeight(rds: rds, weight: try p.value()))
        } while p.match(punct: ",")
        return Self(weights: weights, instance: try p.onInstance())
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        var resolved: [ReadWeight<Resolved>] = []
        for w in weights {
            let n = try c.int(w.weight, "read weight")
            // OTC's user guide: 0 to 100 (and 0 with 100 its own example); its error DBS.300315 says
            // "greater than 0 and less than 100". The guide's range is checked here; the service
            // has the last word on 0 and 100 (docs/language.md, "Data nodes").
            guard (0...100).contains(n) else { throw Compiler.Failure(.instance(.readWeightOutOfRange(n)), range: w.weight.range) }
            let rds = try c.scalar(w.rds, "data node")
            if resolved.contains(where: { $0.rds == rds }) { throw Compiler.Failure(.givenTwice(rds, noun: "data node"), range: w.rds.range) }
            resolved.append(ReadWeight(rds: rds, weight: n))
        }
        return SetReadWeights<Resolved>(weights: resolved, instance: try instance.map { try c.scalar($0, "instance name") })
    }
}

extension SetReadWeights: Step where P == Resolved {
    var id: StatementID { .setReadWeights }
    var text: String {
        "set read weights " + weights.map { "\(SourceText.name($0.rds)) = \($0.weight)" }.joined(separator: ", ")
            + (instance.map { " on instance \(SourceText.name($0))" } ?? "")
    }
    var calls: [PlannedCall] {
        (instance == nil ? [] : [.resolve])
            + [PlannedCall(.listAvailableRDS, "find the RDS instances by name, and which are available"),
               PlannedCall(.listSchemas, "list schemas (with their data nodes): weights are for data nodes"),
               PlannedCall(.setReadWeights, "set read weights")]
    }
    var needsInstance: Bool { instance == nil }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (id, name) = try await e.target(instance)
        let listed = try await e.availableRDSList(instance: id)
        let ids = try await e.rdsIds(weights.map(\.rds), instance: id, available: listed)
        // DDM takes weights for the instance's data nodes (and their read replicas, which no list
        // here shows): an RDS instance that is available but holds no schema is refused, in a dry
        // run as in the run. One id the lists do not know is left to the service.
        let nodes = try await e.dataNodeIds(instance: id)
        let available = Set(listed.map(\.id))
        for (ref, rdsId) in zip(weights.map(\.rds), ids) where available.contains(rdsId) && !nodes.contains(rdsId) {
            throw e.refusal(EvaluationError("RDS instance '\(ref)' is not a data node of \(name): no schema uses it (see 'show data nodes;')", kind: .failed))
        }
        let map = Dictionary(uniqueKeysWithValues: zip(ids, weights.map(\.weight)))
        let shown = weights.map { "\($0.rds) \($0.weight)" }.joined(separator: ", ")
        let client = e.client
        // No call reads weights back, so no inverse: the journal keeps what was set (show read weights).
        let write = Write(summary: "set the read weights of \(name): \(shown)",
                          journal: .change(id, "set the read weights of \(name): \(shown)", readWeights: map)) {
            try await client.setReadWeights(instance: id, map)
        }
        guard try await e.perform(write) != nil else { return nil }
        await e.sink.message("set the read weights of \(name): \(shown)")
        return "set the read weights of \(name)"
    }
}

struct ShowReadWeights<P: Phase>: Sendable, Equatable {
    var instance: P.Text?
}

extension ShowReadWeights: StatementSyntax where P == Parsed {
    /// show read weights [on instance <i>]
    static func parse(_ p: inout Parser) throws -> Self { Self(instance: try p.onInstance()) }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ShowReadWeights<Resolved>(instance: try instance.map { try c.scalar($0, "instance name") })
    }
}

extension ShowReadWeights: Step where P == Resolved {
    var id: StatementID { .showReadWeights }
    var text: String { "show read weights" + (instance.map { " on instance \(SourceText.name($0))" } ?? "") }
    var calls: [PlannedCall] { (instance == nil ? [] : [.resolve]) + [PlannedCall(.listAvailableRDS, "the data nodes' names, for the ids the journal keeps")] }
    var needsInstance: Bool { instance == nil }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (id, name) = try await e.target(instance)
        let set = e.options.journalDirectory.map { Journal.lastReadWeights(instance: id, in: $0) } ?? []
        guard !set.isEmpty else {
            await e.sink.message("DDM's API does not report read weights, and ddmsh has set none on \(name) (kept journals)")
            return nil
        }
        // The journal keeps ids (what the call takes); people named them: one read gives the names
        // back, and without it the ids stand alone.
        let known = (try? await e.availableRDSList(instance: id)) ?? []
        await e.sink.message("DDM's API does not report read weights; these are the ones ddmsh last set on \(name), from its journal:")
        await e.sink.table(ResultTable(columns: ["data node", "id", "weight", "set at"], rows: set.map { w in
            [known.first { $0.id == w.rds }?.name ?? w.rds, w.rds, String(w.weight), w.time]
        }))
        return nil
    }
}

struct CheckDataNodes<P: Phase>: Sendable, Equatable {
    var rds: P.Texts
    var user: P.Text
    var password: SecretSource
    var instance: P.Text?
}

extension CheckDataNodes: StatementSyntax where P == Parsed {
    /// check data nodes <rds>[, …] user <u> password <secret> [on instance <i>]
    static func parse(_ p: inout Parser) throws -> Self {
        let rds = try p.list("data node (RDS instance id or name)")
        try p.expect("user", "after the data nodes")
        let user = try p.name("account on the data nodes")
        try p.expect("password", "after the account")
        return Self(rds: rds, user: user, password: try p.secret(), instance: try p.onInstance())
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        CheckDataNodes<Resolved>(rds: try c.strings(rds), user: try c.scalar(user, "account"), password: password,
                                 instance: try instance.map { try c.scalar($0, "instance name") })
    }
}

extension CheckDataNodes: Step where P == Resolved {
    var id: StatementID { .checkDataNodes }
    var text: String {
        "check data nodes \(SourceText.names(rds)) user \(SourceText.name(user)) password \(SourceText.secret(password))" + (instance.map { " on instance \(SourceText.name($0))" } ?? "")
    }
    var calls: [PlannedCall] {
        (instance == nil ? [] : [.resolve]) + [PlannedCall(.listAvailableRDS, "the data nodes' addresses"),
                                               PlannedCall(.checkDataNodeConnection, "check data node connection")]
    }
    var needsInstance: Bool { instance == nil }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (id, _) = try await e.target(instance)
        let available = try await e.client.allAvailableRDS(instance: id)
        var logins: [DataNodeLogin] = []
        var names: [String: String] = [:]
        let secret = try e.secrets.resolve(password, purpose: "password of \(user) on the data nodes")
        for ref in rds {
            guard let node = try RDSReference.find(ref, in: available) else {
                throw EvaluationError("data node '\(ref)' is not available to this instance; see 'show available rds;'", kind: .notFound, focus: ref)
            }
            guard let ip = node.privateIp, let port = node.port else { throw EvaluationError("the service gives no address for data node \(ref)") }
            names[node.id] = node.name ?? node.id
            logins.append(DataNodeLogin(rds: node.id, endpoint: "\(ip):\(port)", user: user, password: secret))
        }
        let checks = try await e.client.checkDataNodeConnections(instance: id, logins)
        await e.sink.table(ResultTable(columns: ["data node", "connects", "code", "error"], rows: checks.map { c in
            [c.rdsInstanceId.map { names[$0] ?? $0 } ?? "", c.success ? "yes" : "no", c.errorCode ?? "", c.errorMessage ?? ""]
        }))
        if let failed = checks.first(where: { !$0.success }) {
            throw EvaluationError("\(checks.filter { !$0.success }.count) of \(checks.count) data node\(checks.count == 1 ? "" : "s") refused \(user): \(failed.errorMessage ?? failed.errorCode ?? "no reason given")")
        }
        return nil
    }
}

extension Evaluator {
    /// Each schema with the data nodes it uses (the schema list gives them: `GetDatabaseInfo.used_rds`;
    /// a schema listed without them is read on its own).
    func schemaDataNodes(instance: String) async throws -> [(schema: String, nodes: [SchemaRDS])] {
        var out: [(schema: String, nodes: [SchemaRDS])] = []
        for schema in try await client.allSchemas(instance: instance) {
            var used = schema.usedRds
            if used == nil { used = try await client.showSchema(instance: instance, name: schema.name).usedRds }
            out.append((schema.name, used ?? []))
        }
        return out
    }

    /// The RDS instances the instance's schemas use.
    func dataNodeIds(instance: String) async throws -> Set<String> {
        Set(try await schemaDataNodes(instance: instance).flatMap { $0.nodes.map(\.id) })
    }

    /// The data nodes the schemas use, which schemas, and the read weight ddmsh last set on each.
    /// DDM's API shows neither read replicas nor weights: the table says where its weights come from.
    func dataNodes() async throws -> [ResultTable] {
        let instance = try await instanceId()
        var order: [String] = []
        var nodes: [String: (name: String, status: String, schemas: [String])] = [:]
        for (schema, used) in try await schemaDataNodes(instance: instance) {
            for rds in used {
                if nodes[rds.id] == nil { order.append(rds.id); nodes[rds.id] = (rds.name ?? rds.id, rds.status ?? "", []) }
                nodes[rds.id]?.schemas.append(schema)
            }
        }
        let weights = options.journalDirectory.map { Journal.lastReadWeights(instance: instance, in: $0) } ?? []
        return [ResultTable(columns: ["data node", "id", "status", "schemas", "read weight (as ddmsh last set it)"], rows: order.map { id in
            let n = nodes[id]!
            return [n.name, id, n.status, n.schemas.joined(separator: ", "), weights.first { $0.rds == id }.map { "\($0.weight) (\($0.time))" } ?? ""]
        })]
    }
}
