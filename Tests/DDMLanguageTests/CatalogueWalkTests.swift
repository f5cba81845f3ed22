import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// Walks the statement catalogue: every statement that writes, run against the local service
/// under each `--api-version`, sends only the writes its `--dry-run` plan printed (method and
/// route), is journaled and audited, and the statements its journal keeps to reverse it parse
/// and compile. A writing statement without a sample here fails the walk.
@Suite(.serialized, .stopsWhatItStarts) struct CatalogueWalkTests {
    /// One run of each writing statement, in an order the service accepts (`$node` is a node of
    /// the instance). The versions a statement cannot run under say why.
    static let samples: [(id: StatementID, script: String, skip: [APIVersionChoice: String])] = [
        (.createSchema, "create schema walk shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!' wait;", [:]),
        (.createUser, "create user walker password 'App_pass_12!' with SELECT on walk;", [:]),
        (.alterUserComment, "alter user walker comment 'walks';", [:]),
        (.alterUserPassword, "alter user walker password 'New_pass_12!';", [:]),
        (.alterUserLifetime, "alter user walker lifetime 90;", [.v1: "password lifetimes are DDM's v3 API only"]),
        (.grant, "grant INSERT on walk to walker;", [:]),
        (.revoke, "revoke INSERT from walker;", [:]),
        (.grantExactly, "grant exactly SELECT, DELETE on walk to walker;", [:]),
        (.setReadWeights, "set read weights rds-orders = 60;", [:]),
        // The service fails the first shard configuration (failReshards 1), so a retry can follow.
        (.reshard, "alter schema walk reshard shards 4 admin user root password 'Rds_Admin_1!' switch manually;", [:]),
        (.retryReshard, "alter schema walk retry reshard;", [:]),
        (.switchRoute, "alter schema walk switch route;", [:]),
        (.cleanReshard, "alter schema walk clean reshard;", [:]),
        (.reshard, "alter schema walk reshard shards 6 admin user root password 'Rds_Admin_1!' wait;", [:]),
        (.cancelReshard, "alter schema walk cancel reshard;", [:]),
        (.reshard, "alter schema walk reshard shards 8 admin user root password 'Rds_Admin_1!' wait;", [:]),
        (.rollbackReshard, "alter schema walk rollback reshard;", [:]),
        (.setSQLBlacklist, "alter schema walk set sql blacklist prefix ('DROP TABLE') regex ('^truncate');", [:]),
        // $metadata: a file of this run's own.
        (.unbindSchema, "export schema metadata to $metadata; alter schema walk unbind;", [:]),
        (.importSchemaMetadata, "import schema metadata from $metadata admin user root password 'Rds_Admin_1!';", [:]),
        // ddm-spare and ddm-spare2: empty instances to restore onto.
        (.restoreToInstance, "restore to instance ddm-spare at 'now' map rds-orders to rds-archive wait;", [:]),
        (.restoreMetadata, "restore metadata to instance ddm-spare2 at 'now' data nodes rds-billing wait;", [:]),
        (.dropUser, "drop user walker;", [:]),
        (.declareUsersComplete, "create user extra password 'App_pass_12!'; declare users complete drop undeclared;", [:]),
        (.dropSchema, "drop schema walk;", [:]),
        // Dropping the schema made a metadata backup ($backup: the newest).
        (.dropBackup, "drop backup $backup;", [:]),
        (.createParameterTemplate, "create parameter template walk-tpl description 'walks' with max_connections = 30000;", [:]),
        (.createParameterTemplate, "create parameter template walk-copy from walk-tpl;", [:]),
        (.alterParameterTemplate, "alter parameter template walk-tpl set long_query_time = 3 rename to walk-tpl2;", [:]),
        (.dropParameterTemplate, "drop parameter template walk-copy;", [:]),
        (.setParameters, "set parameter max_connections = 30000;", [:]),
        (.applyParameterTemplate, "apply parameter template high-concurrency;", [:]),
        (.killProcesses, "kill process 1003;", [:]),
        (.moveTransactionLogs, "move transaction logs;", [:]),
        (.restartNode, "restart node $node wait;", [:]),
        (.setSecurityGroup, "alter instance ddm-walk set security group sg-2;", [:]),
        (.addNodes, "alter instance ddm-walk add nodes 1 wait;", [:]),
        (.removeNodes, "alter instance ddm-walk remove nodes 1 wait;", [:]),
        (.setFlavor, "alter instance ddm-walk set flavor ddm.c6.xlarge.2 wait;", [:]),
        (.setPort, "alter instance ddm-walk set port 5067 wait;", [:]),
        (.setSSL, "alter instance ddm-walk set ssl on wait;", [:]),
        (.setReadOnly, "alter instance ddm-walk set read only off wait;", [:]),
        (.bindEIP, "alter instance ddm-walk bind eip 203.0.113.10 id 5c2b7f1e-0d3a-4f7e-9b1c-2a3d4e5f6a7b wait;", [:]),
        (.unbindEIP, "alter instance ddm-walk unbind eip wait;", [:]),
        (.setAdminPassword, "alter instance ddm-walk set admin password 'Admin_pass_12!';", [:]),
        (.upgradeEngine, "alter instance ddm-walk upgrade wait;", [:]),
        (.rollbackEngine, "alter instance ddm-walk rollback upgrade wait;", [:]),
        (.createGroup, "create group walkers nodes 1 wait;", [:]),
        (.setAccessControl, "alter group default set access whitelist ('10.0.0.0/24', '192.168.1.7');", [:]),
        (.setGroupAddress, "alter group walkers set address '192.168.24.99' wait;", [:]),
        (.dropGroup, "drop group walkers wait;", [:]),
        (.reloadTableData, "reload table data on instance ddm-walk;", [:]),
        (.syncDataNodes, "sync data nodes wait;", [:]),
        (.restartInstance, "restart instance ddm-walk wait;", [:]),
        (.createInstance, "create instance ddm-other with flavor=ddm.c6.large.2, nodes=2, vpc=vpc-1, subnet=subnet-1, security_group=sg-1, az=[ap-southeast-1a] wait;", [:]),
        (.renameInstance, "rename instance ddm-other to ddm-renamed;", [:]),
        (.dropInstance, "drop instance ddm-renamed;", [:]),
    ]

    final class Audit: AuditSink {
        let records = Mutex<[AuditRecord]>([])
        func record(_ record: AuditRecord) { records.withLock { $0.append(record) } }
        func ensureWritable() throws {}
    }

    @Test func everyWritingStatementHasASample() {
        var options = Compiler.Options()
        options.instanceSelected = true
        options.variables["team"] = .list([.string("alice")])
        let sampled = Set(Self.samples.map(\.id))
        for entry in StatementCatalog.entries where entry.id != .source {
            let compiled = Compiler.compile(SourceFile(name: "example.ddm", text: entry.example), options: options)
            let writes = compiled.plan.steps.contains { step in
                if step.step is Explanation { return false }
                return step.step.statementIDs.contains(entry.id) && !step.step.onlyReads
            }
            #expect(!writes || sampled.contains(entry.id), "\(entry.id) writes but the walk has no sample for it")
        }
    }

    @Test(arguments: [APIVersionChoice.auto, .v3, .v1])
    func everyWriteIsPlannedJournaledAuditedAndReversible(_ version: APIVersionChoice) async throws {
        let recorder = SDKConformanceTests.Recorder()
        let audit = Audit()
        let h = try await LocalHarness.start(configure: { $0.createDelay = 0; $0.failReshards = 1 }, apiVersion: version, transport: recorder)
        stopAfterTest { await h.stop() }
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: h.client.configuration.projectId,
                                                                   retry: h.client.configuration.retry, pacing: .off, apiVersion: version, audit: audit),
                                   authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                                    projectId: h.client.configuration.projectId),
                                   transport: recorder)
        let instance = try await h.makeInstance("ddm-walk")
        for spare in ["ddm-spare", "ddm-spare2"] { _ = try await h.makeInstance(spare) }
        let node = try require(try await h.client.listNodes(instance: instance).nodes.first?.nodeId)
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal); try? FileManager.default.removeItem(atPath: journal + ".metadata.json") }

        for sample in Self.samples {
            if let why = sample.skip[version] { _ = why; continue }
            var co = Compiler.Options()
            co.instanceSelected = true
            co.variables["node"] = .string(node)
            co.variables["metadata"] = .string(journal + ".metadata.json")
            if sample.script.contains("$backup") {
                co.variables["backup"] = .string(try await h.client.allBackups(instance: instance).first?.id ?? "none")
            }
            let compiled = Compiler.compile(SourceFile(name: "walk.ddm", text: sample.script), options: co)
            #expect(compiled.diagnostics.isEmpty, "\(sample.id): \(compiled.diagnostics.map(\.message))")
            let routes = RouteVersions(choice: version, olderOnly: await client.olderOnlyOperations())
            let planned = Self.writes(in: compiled.plan.description(routes: routes))
            #expect(!planned.isEmpty, "\(sample.id): its plan shows no write")

            func evaluator(dryRun: Bool) -> Evaluator {
                var options = Evaluator.Options()
                options.dryRun = dryRun
                options.journalDirectory = journal
                options.pollInterval = .milliseconds(20)
                return Evaluator(client: client, sink: Collector(), secrets: DefaultSecretResolver(environment: [:]) { _ in "Prompted_pass1!" },
                                 options: options, instance: instance)
            }
            // The dry run sends no write.
            let before = recorder.requests.withLock { $0.count }
            let dry = await evaluator(dryRun: true).run(compiled.plan)
            #expect(dry.failures.isEmpty, "\(sample.id) \(version) dry run: \(dry.failures.map(\.message))")
            #expect(recorder.requests.withLock { $0[before...].allSatisfy { $0.method == "GET" || Self.isCheck($0) } }, "\(sample.id): the dry run wrote")

            let sent = recorder.requests.withLock { $0.count }
            let audited = audit.records.withLock { $0.count }
            let runsBefore = Journal.runs(in: journal).count
            let report = await evaluator(dryRun: false).run(compiled.plan)
            #expect(report.failures.isEmpty, "\(sample.id) \(version): \(report.failures.map(\.message))")
            let writes = recorder.requests.withLock { Array($0[sent...]) }.filter { $0.method != "GET" && !Self.isCheck($0) }
            #expect(!writes.isEmpty, "\(sample.id) \(version): nothing was sent")
            for w in writes {
                #expect(planned.contains { Self.matches($0, w) }, "\(sample.id) \(version): sent \(w.method) \(w.path), planned \(planned)")
            }
            #expect(audit.records.withLock { $0.count } - audited >= writes.count, "\(sample.id) \(version): writes not audited")
            let runs = Journal.runs(in: journal)
            #expect(runs.count == runsBefore + 1 && runs.last?.writes.isEmpty == false, "\(sample.id) \(version): not journaled")
            // What the journal keeps to reverse it is the language's own.
            for (entry, _) in runs.last?.writes ?? [] {
                guard case .instanceChange(_, _, let inverse?, _, _) = entry else { continue }
                let back = Compiler.compile(SourceFile(name: "inverse.ddm", text: inverse), options: co)
                #expect(back.diagnostics.isEmpty && !back.plan.steps.isEmpty, "\(sample.id): inverse '\(inverse)': \(back.diagnostics.map(\.message))")
            }
            if let run = runs.last {
                let undo = Compiler.compile(SourceFile(name: "undo.ddm", text: Undo.script(run).script), options: co)
                #expect(undo.diagnostics.isEmpty, "\(sample.id): undo script: \(undo.diagnostics.map(\.message))")
            }
        }
    }

    /// The writes a plan prints, as (method, route template).
    static func writes(in plan: String) -> [(method: String, path: String)] {
        plan.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count >= 2, ["POST", "PUT", "DELETE", "PATCH"].contains(parts[0]), parts[1].hasPrefix("/") else { return nil }
            return (String(parts[0]), String(parts[1].split(separator: "?")[0]))
        }
    }

    /// A call that changes nothing although it is not a GET (a pre-check, a connection check).
    static func isCheck(_ r: HTTPRequestData) -> Bool {
        DDMOperationID.allCases.filter(\.checksOnly).contains { id in
            [id.route(), id.route(v3: true)].contains { route in matches((route.method, route.path), r) }
        }
    }

    static func matches(_ planned: (method: String, path: String), _ r: HTTPRequestData) -> Bool {
        let t = planned.path.split(separator: "/"), p = r.path.split(separator: "/")
        return planned.method == r.method && t.count == p.count && zip(t, p).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
    }
}
