import DDMKit
import Foundation

/// Runs a compiled plan through DDMKit, statement by statement.
public final class Evaluator: @unchecked Sendable {
    public struct Options: Sendable {
        public var dryRun = false
        public var continueOnError = false
        /// Concurrent writes in a batch (all paced by the client's rate limiter).
        public var concurrency = 8
        public var pollInterval: Duration = .seconds(2)
        public var waitTimeout: Duration = .seconds(1800)
        public init() {}
    }

    /// What a run did, for the exit status and the final report.
    public struct Report: Sendable {
        public var succeeded = 0
        public var failures: [Diagnostic] = []
        /// One line per statement that changed something.
        public var applied: [String] = []
        public var interrupted = false
        public var stoppedEarly = false
    }

    public let client: DDMClient
    private let sink: any OutputSink
    private let secrets: any SecretResolver
    public var options: Options
    public private(set) var currentInstance: (id: String, name: String)?

    public init(client: DDMClient, sink: any OutputSink, secrets: any SecretResolver, options: Options = Options(),
                instance: String? = nil) {
        self.client = client; self.sink = sink; self.secrets = secrets; self.options = options
        self.pendingInstance = instance
    }

    /// Called as each failure happens, so output and errors keep their order.
    public var onFailure: (@Sendable (Diagnostic) async -> Void)?

    /// Accounts a dry run would have created (or dropped), so later dry-run statements see them.
    var dryRunAccounts: [String: Account] = [:]
    var dryRunDropped: Set<String> = []

    /// Set by `--instance`: resolved at first use.
    private var pendingInstance: String?

    public var currentInstanceName: String? { currentInstance?.name ?? pendingInstance }

    public func run(_ plan: Plan) async -> Report {
        var report = Report()
        for step in plan.steps {
            if Task.isCancelled { report.interrupted = true; break }
            do {
                if case .setOnError(let c) = step.action {
                    options.continueOnError = c
                    continue
                }
                if let applied = try await execute(step) { report.applied.append(applied) }
                report.succeeded += 1
            } catch is CancellationError {
                report.interrupted = true
                break
            } catch let e as BatchFailure {
                for d in e.diagnostics { await onFailure?(d) }
                report.failures += e.diagnostics
                if !e.applied.isEmpty { report.applied.append(contentsOf: e.applied) }
                if !options.continueOnError { report.stoppedEarly = true; break }
            } catch {
                let d = Diagnostic(.error, Self.message(error), at: step.range, file: step.file)
                await onFailure?(d)
                report.failures.append(d)
                if !options.continueOnError { report.stoppedEarly = true; break }
            }
        }
        return report
    }

    static func message(_ error: Error) -> String {
        if let e = error as? DDMError {
            var detail: [String] = []
            if let code = e.code { detail.append(code) }
            if let status = e.status { detail.append("HTTP \(status)") }
            let prefix = e.kind == .transport ? "network error: " : ""
            return prefix + e.message + (detail.isEmpty ? "" : " (\(detail.joined(separator: ", ")))")
        }
        return "\(error)"
    }

    // MARK: instance context

    private var instanceCache: [Instance]?

    func instances(refresh: Bool = false) async throws -> [Instance] {
        if let cached = instanceCache, !refresh { return cached }
        let all = try await client.allInstances()
        instanceCache = all
        return all
    }

    /// An instance by id or name; an ambiguous name lists the candidates.
    func resolve(_ ref: String) async throws -> Instance {
        for refresh in [false, true] {
            let all = try await instances(refresh: refresh)
            if let byId = all.first(where: { $0.id == ref }) { return byId }
            let named = all.filter { $0.name == ref }
            if named.count == 1 { return named[0] }
            if named.count > 1 {
                throw EvaluationError("instance name '\(ref)' is ambiguous: " +
                    named.map { "\($0.id) (\($0.status))" }.joined(separator: ", ") + "; use the id")
            }
        }
        throw EvaluationError("instance '\(ref)' does not exist")
    }

    func instanceId() async throws -> String {
        if let currentInstance { return currentInstance.id }
        if let pendingInstance {
            let i = try await resolve(pendingInstance)
            currentInstance = (i.id, i.name)
            return i.id
        }
        throw EvaluationError("no instance selected: write 'use instance <name>;' first")
    }

    // MARK: steps

    /// Runs one step; returns a line for the applied-changes report when it changed something.
    func execute(_ step: PlanStep) async throws -> String? {
        switch step.action {
        case .use(let ref):
            let i = try await resolve(ref)
            currentInstance = (i.id, i.name)
            pendingInstance = nil
            await sink.message("using instance \(i.name) (\(i.id))")
            return nil
        case .showInstances:
            let all = try await instances(refresh: true)
            await sink.table(ResultTable(columns: ["name", "id", "status", "nodes", "flavor", "engine", "created"], rows: all.map {
                [$0.name, $0.id, $0.status, $0.nodeCount.map(String.init) ?? "", $0.flavorRef ?? "", $0.engineVersion ?? "", $0.created ?? ""]
            }))
        case .showInstance(let ref):
            let i = try await client.showInstance(try await resolve(ref).id)
            await sink.table(ResultTable(title: "instance \(i.name)", columns: ["field", "value"], rows: [
                ["name", i.name], ["id", i.id], ["status", i.status], ["flavor", i.flavorRef ?? ""],
                ["engine", i.engineVersion ?? ""], ["nodes", i.nodeCount.map(String.init) ?? ""],
                ["zones", i.availableZone ?? ""], ["vpc", i.vpcId ?? ""], ["subnet", i.subnetId ?? ""],
                ["security group", i.securityGroupId ?? ""], ["address", "\(i.accessIp ?? ""):\(i.accessPort ?? "")"],
                ["admin user", i.adminUserName ?? ""], ["created", i.created ?? ""],
            ]))
            await sink.table(ResultTable(title: "nodes", columns: ["node", "ip", "port", "status"],
                                         rows: (i.nodes ?? []).map { [$0.nodeId, $0.ip ?? "", $0.port ?? "", $0.status ?? ""] }))
        case .showEngines:
            let engines = try await client.listEngines(limit: 128).engineGroups
            await sink.table(ResultTable(columns: ["id", "name", "version", "zones"], rows: engines.map {
                [$0.id, $0.name ?? "", $0.version ?? "", ($0.supportAzs ?? []).map(\.code).joined(separator: ",")]
            }))
        case .showFlavors:
            var rows: [[String]] = []
            for e in try await client.listEngines(limit: 128).engineGroups {
                for g in try await client.listFlavors(engineId: e.id, limit: 128).computeFlavorGroups {
                    rows += g.computeFlavors.map { [$0.code ?? "", $0.id, $0.cpu ?? "", $0.mem ?? "", e.version ?? ""] }
                }
            }
            await sink.table(ResultTable(columns: ["code", "id", "vcpus", "memory_gb", "engine"], rows: rows))
        case .showSchemas:
            let all = try await client.allSchemas(instance: try await instanceId())
            await sink.table(ResultTable(columns: ["name", "mode", "shards", "status", "rds"], rows: all.map {
                [$0.name, $0.shardMode ?? "", $0.shardNumber.map(String.init) ?? "", $0.status ?? "",
                 ($0.usedRds ?? []).map { $0.name ?? $0.id }.joined(separator: ",")]
            }))
        case .showSchema(let name):
            let s = try await client.showSchema(instance: try await instanceId(), name: name)
            await sink.table(ResultTable(title: "schema \(s.name)", columns: ["shard", "database", "rds", "status"], rows: (s.databases ?? []).map {
                [String($0.dbslot), $0.name, $0.idName ?? $0.id ?? "", $0.status ?? ""]
            }))
        case .showAvailableRDS:
            let all = try await client.allAvailableRDS(instance: try await instanceId())
            await sink.table(ResultTable(columns: ["id", "name", "engine", "version", "ip", "az", "status"], rows: all.map {
                [$0.id, $0.name ?? "", $0.engineName ?? "", $0.engineSoftwareVersion ?? "", $0.privateIp ?? "", $0.azCode ?? "", $0.status ?? ""]
            }))
        case .showUsers:
            let all = try await client.allAccounts(instance: try await instanceId())
            await sink.table(ResultTable(columns: ["name", "privileges", "schemas", "comment"], rows: all.map {
                let s = BatchPlanner.State($0)
                return [$0.name, s.privilegeText, s.schemaText, $0.description ?? ""]
            }))
        case .showGrants(let user):
            let all = try await client.allAccounts(instance: try await instanceId())
            guard let a = all.first(where: { $0.name == user }) else { throw EvaluationError("account '\(user)' does not exist") }
            let s = BatchPlanner.State(a)
            await sink.table(ResultTable(columns: ["account", "privileges", "schemas"], rows: [[a.name, s.privilegeText, s.schemaText]]))
        case .showJob(let id):
            let j = try await client.showJob(id)
            await sink.table(ResultTable(columns: ["id", "name", "status", "progress", "instance", "created", "ended"], rows: [
                [j.id, j.name ?? "", j.status, j.process ?? "", j.instance?.name ?? "", j.createdTime ?? "", j.endTime ?? ""],
            ]))
        case .showNodes:
            let nodes = try await client.listNodes(instance: try await instanceId(), limit: 128).nodes
            await sink.table(ResultTable(columns: ["node", "ip", "port", "status"], rows: nodes.map {
                [$0.nodeId, $0.ip ?? "", $0.port ?? "", $0.status ?? ""]
            }))
        case .createInstance(let spec, let wait):
            return try await createInstance(spec, wait: wait)
        case .restartInstance(let ref, let hard, let wait):
            let i = try await resolve(ref)
            if options.dryRun { await sink.message("dry run: would restart \(i.name)"); return nil }
            let r = try await client.restartInstance(i.id, type: hard ? .hard : .soft)
            await sink.message("restarting \(i.name) (job \(r.jobId ?? "-"))")
            if wait { try await waitRunning(i.id, name: i.name) }
            return "restarted instance \(i.name)"
        case .dropInstance(let ref, let ifExists, let data):
            let i: Instance
            do { i = try await resolve(ref) } catch let e as EvaluationError where ifExists && e.description.hasSuffix("does not exist") {
                await sink.message("instance \(ref) does not exist; nothing to drop")
                return nil
            }
            if options.dryRun { await sink.message("dry run: would drop instance \(i.name)"); return nil }
            _ = try await client.deleteInstance(i.id, deleteRDSData: data)
            instanceCache = nil
            if currentInstance?.id == i.id { currentInstance = nil }
            await sink.message("dropped instance \(i.name)")
            return "dropped instance \(i.name)"
        case .renameInstance(let ref, let to):
            let i = try await resolve(ref)
            if options.dryRun { await sink.message("dry run: would rename \(i.name) to \(to)"); return nil }
            try await client.modifyInstanceName(i.id, name: to)
            instanceCache = nil
            if currentInstance?.id == i.id { currentInstance = (i.id, to) }
            await sink.message("renamed instance \(i.name) to \(to)")
            return "renamed instance \(i.name) to \(to)"
        case .setSecurityGroup(let ref, let group):
            let i = try await resolve(ref)
            if options.dryRun { await sink.message("dry run: would set security group \(group) on \(i.name)"); return nil }
            try await client.modifySecurityGroup(i.id, securityGroupId: group)
            await sink.message("security group of \(i.name) is now \(group)")
            return "set security group of \(i.name)"
        case .reloadTableData(let ref):
            let i = try await resolve(ref)
            if options.dryRun { await sink.message("dry run: would reload table data on \(i.name)"); return nil }
            try await client.reloadTableData(i.id)
            await sink.message("reloaded table data on \(i.name)")
            return "reloaded table data on \(i.name)"
        case .waitJob(let id):
            try await waitJob(id)
        case .waitInstance(let ref):
            let i = try await resolve(ref)
            try await waitRunning(i.id, name: i.name)
        case .createSchema(let s):
            return try await createSchema(s)
        case .dropSchema(let name, let ifExists, let data):
            let instance = try await instanceId()
            if options.dryRun { await sink.message("dry run: would drop schema \(name)"); return nil }
            return try await drop("schema \(name)", ifExists: ifExists) {
                _ = try await self.client.deleteSchema(instance: instance, name: name, deleteRDSData: data)
            }
        case .createUser(let u):
            return try await createUser(u)
        case .alterUserComment(let user, let comment):
            let instance = try await instanceId()
            if options.dryRun { await sink.message("dry run: would set the comment of \(user)"); return nil }
            try await client.modifyAccount(instance: instance, name: user, ModifyAccountRequest(description: comment))
            await sink.message("comment of \(user) updated")
            return "updated the comment of \(user)"
        case .alterUserPassword(let user, let source):
            let instance = try await instanceId()
            let password = try secrets.resolve(source, purpose: "new password for \(user)")
            if options.dryRun { await sink.message("dry run: would reset the password of \(user)"); return nil }
            try await client.resetPassword(instance: instance, account: user, password: password)
            await sink.message("password of \(user) reset")
            return "reset the password of \(user)"
        case .dropUser(let user, let ifExists):
            let instance = try await instanceId()
            if options.dryRun {
                dryRunAccounts[user] = nil
                dryRunDropped.insert(user)
                await sink.message("dry run: would drop user \(user)")
                return nil
            }
            return try await drop("user \(user)", ifExists: ifExists) {
                _ = try await self.client.deleteAccount(instance: instance, name: user)
            }
        case .batch(let changes):
            return try await BatchRunner(evaluator: self, sink: sink).run(changes, step: step, write: !options.dryRun)
        case .explain(let steps):
            await sink.message(Plan(steps: steps).description)
            for inner in steps {
                if case .batch(let changes) = inner.action {
                    _ = try await BatchRunner(evaluator: self, sink: sink).run(changes, step: inner, write: false)
                }
            }
        case .setOnError:
            break
        case .help(let topic):
            await sink.message(Help.text(topic))
        }
        return nil
    }

    /// Deletes; with `if exists`, the service's 404 means there was nothing to drop.
    private func drop(_ what: String, ifExists: Bool, _ delete: () async throws -> Void) async throws -> String? {
        do {
            try await delete()
        } catch let e as DDMError where ifExists && e.isNotFound {
            await sink.message("\(what) does not exist; nothing to drop")
            return nil
        }
        await sink.message("dropped \(what)")
        return "dropped \(what)"
    }

    // MARK: creates

    private func createInstance(_ spec: InstanceSpec, wait: Bool) async throws -> String? {
        let engines = try await client.listEngines(limit: 128).engineGroups
        guard let engine = spec.engine.map({ e in engines.first { $0.id == e || $0.version == e || $0.name == e } }) ?? engines.first else {
            throw EvaluationError("engine '\(spec.engine ?? "")' does not exist; see 'show engines;'")
        }
        let flavors = try await client.listFlavors(engineId: engine.id, limit: 128).computeFlavorGroups.flatMap(\.computeFlavors)
        guard let flavor = flavors.first(where: { $0.id == spec.flavor || $0.code == spec.flavor }) else {
            throw EvaluationError("flavor '\(spec.flavor)' does not exist; see 'show flavors;'")
        }
        if options.dryRun { await sink.message("dry run: would create instance \(spec.name)"); return nil }
        let r = try await client.createInstance(CreateInstanceRequest(
            name: spec.name, flavorId: flavor.id, nodeNum: spec.nodes, engineId: engine.id, availableZones: spec.zones,
            vpcId: spec.vpc, securityGroupId: spec.securityGroup, subnetId: spec.subnet, timeZone: spec.timeZone,
            adminUserName: spec.adminUser))
        instanceCache = nil
        await sink.message("creating instance \(spec.name) (\(r.id ?? "?"))")
        if wait, let id = r.id { try await waitRunning(id, name: spec.name) }
        return "created instance \(spec.name)"
    }

    private func createSchema(_ s: SchemaPlan) async throws -> String? {
        let instance = try await instanceId()
        if s.ifNotExists, try await client.allSchemas(instance: instance).contains(where: { $0.name == s.name }) {
            await sink.message("schema \(s.name) already exists")
            return nil
        }
        let rdsIds = try await rdsIds(s.rds, instance: instance)
        let adminPassword = try s.adminPassword.map { try secrets.resolve($0, purpose: "RDS admin password") } ?? ""
        let unit = s.mode == .single ? 1 : (s.shards + s.rds.count - 1) / s.rds.count
        let request = CreateSchemaRequest(
            name: s.name, shardMode: s.mode, shardNumber: s.shards,
            shardUnit: s.shards % s.rds.count == 0 ? unit : nil,
            usedRds: rdsIds.map { RDSCredential(id: $0, adminUser: s.adminUser ?? "root", adminPassword: adminPassword) })
        if options.dryRun { await sink.message("dry run: would create schema \(s.name)"); return nil }
        _ = try await client.createSchemas(instance: instance, [request])
        await sink.message("created schema \(s.name) (\(s.shards) shard\(s.shards == 1 ? "" : "s"))")
        return "created schema \(s.name)"
    }

    /// RDS instances may be named by id or by name; names cost one read of the available list.
    private func rdsIds(_ refs: [String], instance: String) async throws -> [String] {
        guard refs.contains(where: { !Self.looksLikeRDSId($0) }) else { return refs }
        let available = try await client.allAvailableRDS(instance: instance)
        return try refs.map { ref in
            if available.contains(where: { $0.id == ref }) || Self.looksLikeRDSId(ref) { return ref }
            let named = available.filter { $0.name == ref }
            if named.count == 1 { return named[0].id }
            if named.count > 1 { throw EvaluationError("RDS name '\(ref)' is ambiguous: \(named.map(\.id).joined(separator: ", ")); use the id") }
            throw EvaluationError("RDS instance '\(ref)' is not available to this instance; see 'show available rds;'")
        }
    }

    static func looksLikeRDSId(_ s: String) -> Bool {
        // RDS ids are 32 hex digits and a suffix such as "in01".
        s.count == 36 && s.prefix(32).allSatisfy(\.isHexDigit) && s.dropFirst(32).hasPrefix("in")
    }

    private func createUser(_ u: UserPlan) async throws -> String? {
        let instance = try await instanceId()
        if u.ifNotExists, try await client.allAccounts(instance: instance).contains(where: { $0.name == u.name }) {
            await sink.message("user \(u.name) already exists")
            return nil
        }
        let password = try secrets.resolve(u.password, purpose: "password for \(u.name)")
        let state = BatchPlanner.State(base: u.base, extended: u.extended, schemas: u.schemas)
        let what = "\(u.name) with \(state.privilegeText)" + (u.schemas.isEmpty ? " (no schemas)" : " on \(state.schemaText)")
        if options.dryRun {
            dryRunAccounts[u.name] = Account(name: u.name, baseAuthority: u.base.map(\.rawValue), extendAuthority: u.extended.map(\.rawValue),
                                             description: u.comment, databases: u.schemas.map { AccountSchema(name: $0) })
            dryRunDropped.remove(u.name)
            await sink.message("dry run: would create user \(what)")
            return nil
        }
        try await client.createAccounts(instance: instance, [CreateAccountRequest(
            name: u.name, password: password, baseAuthority: u.base, extendAuthority: u.extended.isEmpty ? nil : u.extended,
            description: u.comment, databases: u.schemas.isEmpty ? nil : u.schemas)])
        await sink.message("created user \(what)")
        return "created user \(u.name)"
    }

    // MARK: waiting

    func waitRunning(_ id: String, name: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + options.waitTimeout
        while true {
            let i = try await client.showInstance(id)
            switch i.status {
            case "RUNNING":
                await sink.progress(nil)
                await sink.message("instance \(name) is RUNNING")
                return
            case "CREATEFAILED", "ERROR":
                await sink.progress(nil)
                throw EvaluationError("instance \(name) ended in \(i.status)\(i.errorMsg.map { ": " + $0 } ?? "")")
            default:
                await sink.progress("waiting for \(name): \(i.status)")
            }
            guard clock.now < deadline else { throw EvaluationError("gave up waiting for \(name) (still \(i.status))") }
            try await Task.sleep(for: options.pollInterval)
        }
    }

    func waitJob(_ id: String) async throws {
        while true {
            let j = try await client.showJob(id)
            switch j.status {
            case "Completed": await sink.progress(nil); await sink.message("job \(id) completed"); return
            case "Failed": await sink.progress(nil); throw EvaluationError("job \(id) (\(j.name ?? "")) failed")
            default: await sink.progress("job \(j.name ?? id): \(j.process ?? j.status)")
            }
            try await Task.sleep(for: options.pollInterval)
        }
    }
}
