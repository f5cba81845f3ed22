import DDMKit

extension StatementID {
    static let showSchemas = StatementID("showSchemas")
    static let showSchema = StatementID("showSchema")
    static let showAvailableRDS = StatementID("showAvailableRDS")
    static let createSchema = StatementID("createSchema")
    static let dropSchema = StatementID("dropSchema")
}

/// The current instance's schemas (DDM's logical databases) and the RDS instances they can use
/// (docs/language.md, "Schemas").
enum SchemaStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showSchemas, topic: "show", path: ["show", "schemas"], grammar: "show schemas;",
                       example: "show schemas;", needsInstance: true, operations: [.listSchemas]),
        StatementEntry(.showSchema, topic: "show", path: ["show", "schema"], grammar: "show schema <schema>;",
                       example: "show schema orders;", needsInstance: true, operations: [.showSchema]),
        StatementEntry(.showAvailableRDS, topic: "show", path: ["show", "available", "rds"], grammar: "show available rds;",
                       example: "show available rds;",
                       needsInstance: true, operations: [.listAvailableRDS]),
        StatementEntry(.createSchema, topic: "create schema", path: ["create", "schema"],
                       grammar: "create schema <s> [if not exists] shards <n> [mode cluster|single] on rds <rds-id-or-name>[, …] [admin user <u> password <secret>] [wait];",
                       example: "create schema orders shards 8 on rds rds-orders admin user root password prompt wait;",
                       words: ["if", "not", "exists", "shards", "mode", "cluster", "single", "on", "rds", "admin", "user", "password",
                               "prompt", "env", "file", "wait"],
                       slots: ["<s>": .unlisted, "user <u>": .unlisted], needsInstance: true, operations: [.listSchemas, .listAvailableRDS, .createSchemas, .showInstance, .showJob]),
        StatementEntry(.dropSchema, topic: "drop schema", path: ["drop", "schema"], grammar: "drop schema <s> [if exists] [delete rds data] [wait];",
                       example: "drop schema orders if exists;", words: ["if", "exists", "delete", "rds", "data", "wait"],
                       needsInstance: true, operations: [.deleteSchema, .showInstance, .showJob]),
    ]
    static let rules = [
        ParseRule("show schemas|databases", { _ in
            PlainRead(.showSchemas, "show schemas", calls: [PlannedCall(.listSchemas, "list schemas, every page")]) { e in
                [ShowTables.schemas(try await e.client.allSchemas(instance: try await e.instanceId()))]
            }
        }),
        show.rule,
        ParseRule("show available", { p in
            try p.expect("rds", "after 'show available'")
            return PlainRead(.showAvailableRDS, "show available rds", calls: [PlannedCall(.listAvailableRDS, "list available rds, every page")]) { e in
                [ShowTables.availableRDS(try await e.client.allAvailableRDS(instance: try await e.instanceId()))]
            }
        }),
        ParseRule("create schema|database", CreateSchema<Parsed>.parse),
        ParseRule("drop schema|database", DropSchema<Parsed>.parse),
    ]
}

extension SchemaStatements {
    /// show schema <schema>
    static let show = NameStatementForm(.showSchema, "show schema", path: "show schema|database", noun: "schema name", reading: .schema,
                                        calls: { schema, _ in [PlannedCall(.showSchema, "show schema", object: schema)] }) { e, s in
        await e.sink.table(ShowTables.schema(try await e.client.showSchema(instance: try await e.instanceId(), name: s.name)))
        return nil
    }
}

struct CreateSchema<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var ifNotExists: Bool
    var shards: P.Number
    var mode: ShardMode
    var rds: P.Texts
    var adminUser: P.Text?
    var adminPassword: SecretSource?
    /// Wait until DDM has set the schema up (its job done, the instance RUNNING again).
    var wait: Bool
}

extension CreateSchema: StatementSyntax where P == Parsed {
    /// create schema <s> [if not exists] shards <n> [mode cluster|single] on rds <rds>[, …]
    /// [admin user <u> password <secret>] [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        let n = try p.name("schema name")
        let ifNotExists = try p.ifNot()
        try p.expect("shards", "after the schema name")
        let shards = try p.value()
        var mode = ShardMode.cluster
        if p.match("mode") {
            if p.match("cluster") { mode = .cluster } else if p.match("single") { mode = .single } else {
                throw p.failure(.expected("'cluster' or 'single'", after: "'mode'", found: p.found))
            }
        }
        let on = p.current.range
        try p.expect("on", "before the RDS instances"); try p.expect("rds", "after 'on'")
        let rds = try p.list("RDS instance id")
        var adminUser: Expr?, adminPassword: SecretSource?
        if p.match("admin") {
            try p.expect("user", "after 'admin'")
            adminUser = try p.name("RDS admin user")
            try p.expect("password", "after the admin user")
            adminPassword = try p.secret()
        } else {
            // DDM logs in to the data nodes to create the schema: without an administrator given,
            // root and DDM_RDS_PASSWORD (as reshard and import take them), checked before the run.
            adminPassword = p.implicitSecret(Exporter.rdsPasswordVariable, at: on)
        }
        return Self(name: n, ifNotExists: ifNotExists, shards: shards, mode: mode, rds: rds, adminUser: adminUser,
                    adminPassword: adminPassword, wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let n = try c.int(shards, "shards")
        let list = try c.strings(rds)
        guard !list.isEmpty else { throw Compiler.Failure(.nameAtLeastOne("RDS instance"), range: rds.range) }
        if mode == .single, n != 1 || list.count != 1 {
            throw Compiler.Failure(.schema(.singleModeShape), range: shards.range)
        }
        if mode == .cluster, n < list.count || n > list.count * 64 {
            throw Compiler.Failure(.schema(.shardsForNodes(n, nodes: list.count)), range: shards.range)
        }
        return CreateSchema<Resolved>(name: try c.schemaName(name), ifNotExists: ifNotExists, shards: n, mode: mode, rds: list,
                                      adminUser: try adminUser.map { try c.scalar($0, "admin user") }, adminPassword: adminPassword, wait: wait)
    }
}

extension CreateSchema: Step where P == Resolved {
    var id: StatementID { .createSchema }
    // The mode is written even when it is the default: exports diffed over time keep their lines.
    var text: String {
        "create schema \(SourceText.name(name))\(ifNotExists ? " if not exists" : "") shards \(shards) mode \(mode.rawValue) on rds \(SourceText.names(rds))"
            + (adminUser.map { " admin user \(SourceText.name($0)) password \(adminPassword.map(SourceText.secret) ?? "prompt")" } ?? "") + (wait ? " wait" : "")
    }
    var headline: String {
        "create schema \(name)\(ifNotExists ? " if not exists" : "") (\(shards) shards, \(mode.rawValue), on \(rds.joined(separator: ", ")))\(wait ? " wait" : "")"
    }
    var calls: [PlannedCall] {
        (ifNotExists ? [PlannedCall(.listSchemas, "list schemas, every page")] : [])
            + (rds.contains { !Names.looksLikeRDSId($0) } ? [PlannedCall(.listAvailableRDS, "find the RDS instances by name")] : [])
            + [PlannedCall(.createSchemas, "create schema")]
            + (wait ? [PlannedCall(.showInstance, "poll until RUNNING"), PlannedCall(.showJob, "poll the job until done")] : [])
    }
    var schemaEffect: SchemaEffect { .creates(name) }
    var secretCondition: SecretCondition? { ifNotExists ? SecretCondition(object: .schema(name), secrets: adminPassword.map { [$0] } ?? []) : nil }
    var readBack: ReadBack? {
        let name = name
        return ReadBack(created: true) { client, instance in try await client.allSchemas(instance: instance).contains { $0.name == name } }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client
        if ifNotExists, try await e.exists(name, in: .schemas, instance: instance, read: { try await client.allSchemas(instance: instance).map(\.name) }) {
            await e.sink.message("schema \(name) already exists")
            return nil
        }
        let rdsIds = try await e.rdsIds(rds, instance: instance)
        let unit = mode == .single ? 1 : (shards + rds.count - 1) / rds.count
        if e.options.dryRun { e.dryRunSchemas.insert(name) }
        let adminPassword = try self.adminPassword.map { try e.secretForWrite($0, purpose: "RDS admin password") } ?? ""
        let request = CreateSchemaRequest(
            name: name, shardMode: mode, shardNumber: shards,
            shardUnit: shards % rds.count == 0 ? unit : nil,
            usedRds: rdsIds.map { RDSCredential(id: $0, adminUser: adminUser ?? "root", adminPassword: adminPassword) })
        let write = Write(summary: "create schema \(name)", journal: .createSchema(name: name)) {
            try await client.createSchemas(instance: instance, [request])
        }
        let answer: CreateSchemaResult?
        do { answer = try await e.perform(write) } catch {
            e.note(name, exists: nil, in: .schemas, instance: instance)
            throw error
        }
        guard let r = answer else { return nil }
        e.note(name, exists: true, in: .schemas, instance: instance)
        let count = "\(shards) shard\(shards == 1 ? "" : "s")"
        guard wait else {
            // DDM sets the schema up after answering: say so, rather than "created" while it is CREATING.
            await e.sink.message("creating schema \(name) (\(count)\(r.jobId.map { ", job \($0)" } ?? ""))")
            return "created schema \(name)"
        }
        try await e.waitRunning(instance, name: e.currentInstanceName ?? instance, job: r.jobId, operation: "create schema \(name)",
                                announce: false)
        await e.sink.message("created schema \(name) (\(count))")
        return "created schema \(name)"
    }
}

struct DropSchema<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var ifExists: Bool
    var deleteData: Bool
    var wait = false
}

extension DropSchema: StatementSyntax where P == Parsed {
    /// drop schema <s> [if exists] [delete rds data]
    static func parse(_ p: inout Parser) throws -> Self {
        let n = try p.name("schema name")
        let e = try p.ifExists()
        let d = try p.deleteData()
        return Self(name: n, ifExists: e, deleteData: d, wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        DropSchema<Resolved>(name: try c.schemaName(name), ifExists: ifExists, deleteData: deleteData, wait: wait)
    }
}

extension DropSchema: Step where P == Resolved {
    var id: StatementID { .dropSchema }
    var text: String { "drop schema \(SourceText.name(name))\(ifExists ? " if exists" : "")\(deleteData ? " delete rds data" : "")\(wait ? " wait" : "")" }
    var calls: [PlannedCall] { [PlannedCall(.deleteSchema, "delete schema", object: name, deleteData: deleteData)] + (wait ? PlannedCall.pollUntilRunning : []) }
    var schemaEffect: SchemaEffect { .drops(name) }
    var readBack: ReadBack? {
        let name = name
        return ReadBack(created: false) { client, instance in try await client.allSchemas(instance: instance).contains { $0.name == name } }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client, name = name, deleteData = deleteData
        // The run is refused while the schema's shard configuration moves (the local service's
        // DBS.300358; what DDM answers the sources do not say): a dry run reads the task list to
        // say so, rather than "would drop". The run itself leaves the verdict to the service.
        if e.options.dryRun, let task = try await e.reshardTasks(instance: instance, schema: name)
            .first(where: { ReshardTask.moving.contains($0.status ?? "") }) {
            throw e.refusal(EvaluationError("schema \(name) is being resharded (task \(task.id), \(task.status ?? "")): it cannot be dropped until the task ends", kind: .failed))
        }
        do {
            let dropped = try await e.drop("schema \(name)", ifExists: ifExists, Write(
                summary: "drop schema \(name)", question: "drop schema \(name)\(deleteData ? " and its data on the RDS instances" : "")? undo cannot bring it back",
                journal: .dropSchema(name: name)) {
                try await client.deleteSchema(instance: instance, name: name, deleteRDSData: deleteData)
            }, job: \.jobId, wait: wait, on: (instance, e.currentInstanceName ?? instance))
            if dropped != nil { e.note(name, exists: false, in: .schemas, instance: instance) }
            return dropped
        } catch {
            e.note(name, exists: nil, in: .schemas, instance: instance)
            throw error
        }
    }
}

extension Evaluator {
    /// RDS instances may be named by id or by name; names cost one read of the available list.
    func rdsIds(_ refs: [String], instance: String, available read: [AvailableRDS]? = nil) async throws -> [String] {
        guard refs.contains(where: { !Names.looksLikeRDSId($0) }) else { return refs }
        let available: [AvailableRDS]
        if let read { available = read } else { available = try await availableRDSList(instance: instance) }
        return try refs.map { ref in
            if let node = try RDSReference.find(ref, in: available) { return node.id }
            if Names.looksLikeRDSId(ref) { return ref }
            throw EvaluationError("RDS instance '\(ref)' is not available to this instance; see 'show available rds;'", kind: .notFound, focus: ref)
        }
    }
}

/// An RDS instance (a data node) as a statement names it: by id or by name.
enum RDSReference {
    /// The one of `available` that `ref` names; nil when none does. A name that several share is
    /// an error: the id tells them apart.
    static func find(_ ref: String, in available: [AvailableRDS]) throws -> AvailableRDS? {
        try find(ref, in: available, id: \.id, name: \.name)
    }

    /// The same for any list of data nodes, given how to read an item's id and name.
    static func find<T>(_ ref: String, in available: [T], id: (T) -> String?, name: (T) -> String?) throws -> T? {
        if let byId = available.first(where: { id($0) == ref }) { return byId }
        let named = available.filter { name($0) == ref }
        if named.count > 1 {
            throw EvaluationError("RDS name '\(ref)' is ambiguous: \(named.compactMap(id).joined(separator: ", ")); use the id", kind: .ambiguous)
        }
        return named.first
    }
}
