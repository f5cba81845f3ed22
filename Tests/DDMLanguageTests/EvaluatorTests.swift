import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// Collects what the evaluator prints.
final class Collector: OutputSink, @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    var lines: [String] { lock.withLock { _lines } }
    var text: String { lines.joined(separator: "\n") }
    /// What was printed after `mark` lines: so a check sees only the step under test, never
    /// output an earlier step already printed.
    func text(after mark: Int) -> String { lines.dropFirst(mark).joined(separator: "\n") }

    func table(_ table: ResultTable) async {
        lock.withLock { _lines += table.rows.map { $0.joined(separator: " | ") } }
    }
    func message(_ text: String) async { lock.withLock { _lines.append(text) } }
    private var _progress: [String] = []
    var progressLines: [String] { lock.withLock { _progress } }
    func progress(_ text: String?) async { if let text { lock.withLock { _progress.append(text) } } }
}

/// The service's clock for a test: each reading moves it on by `step`, and `advance` jumps.
final class SteppingClock: Sendable {
    private let state: Mutex<Double>
    let step: Double
    init(step: Double) { state = Mutex(Date().timeIntervalSince1970); self.step = step }
    func advance(_ seconds: Double) { state.withLock { $0 += seconds } }
    @Sendable func next() -> Date {
        state.withLock { t in defer { t += step }; return Date(timeIntervalSince1970: t) }
    }
}

/// The evaluator against a real local service over loopback HTTP.
@Suite struct EvaluatorTests {
    struct Fixture {
        let harness: LocalHarness
        let instance: String
        let sink = Collector()

        func run(_ script: String, dryRun: Bool = false, continueOnError: Bool = false, instance: String? = nil,
                 environment: [String: String] = [:], journal: String? = nil, undoing: String? = nil) async -> Evaluator.Report {
            var o = Compiler.Options()
            o.instanceSelected = true
            let compiled = Compiler.compile(SourceFile(name: "t.ddm", text: script), options: o)
            #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.message))")
            var options = Evaluator.Options()
            options.dryRun = dryRun
            options.continueOnError = continueOnError
            options.journalDirectory = journal
            options.undoing = undoing
            let secrets = DefaultSecretResolver(environment: environment.merging(["PW": "Secret_pass1!"]) { a, _ in a }) { _ in "Prompted_pass1!" }
            let evaluator = Evaluator(client: harness.client, sink: sink, secrets: secrets, options: options, instance: instance ?? self.instance)
            return await evaluator.run(compiled.plan)
        }

        func account(_ name: String) async throws -> Account {
            try require(try await harness.client.allAccounts(instance: instance).first { $0.name == name }, "no account \(name)")
        }
    }

    /// `apiVersion` v1 for what uses extended privileges, which only v1 has.
    func withFixture(schemas: [String] = ["orders", "billing", "stock"], users: [String] = [],
                     apiVersion: APIVersionChoice = .auto,
                     configure: (inout LocalServiceConfiguration) -> Void = { _ in },
                     _ body: (Fixture) async throws -> Void) async throws {
        let h = try await LocalHarness.start(configure: configure, apiVersion: apiVersion)
        do {
            let id = try await h.makeInstance()
            for s in schemas { try await h.makeSchema(id, s) }
            if !users.isEmpty {
                try await h.client.createAccounts(instance: id, users.map {
                    CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select])
                })
            }
            try await body(Fixture(harness: h, instance: id))
        } catch {
            await h.stop()
            throw error
        }
        await h.stop()
    }

    /// The schema list gives each schema's data nodes: one read for all of them, not one per schema.
    @Test func dataNodesOfThreeSchemasAreOneRead() async throws {
        try await withFixture { f in
            let before = f.harness.service.traffic.reads
            let report = await f.run("show data nodes;")
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            // The instance is looked up once, then one schema list: no read per schema.
            #expect(f.harness.service.traffic.reads - before == 2)
            #expect(f.sink.text.contains("billing, orders, stock"), "\(f.sink.text)")
        }
    }

    @Test func batchGrantIsOneReadPlusOneWritePerChangedAccount() async throws {
        try await withFixture(users: ["u1", "u2", "u3", "u4"]) { f in
            let before = await f.harness.client.callCounts()
            let report = await f.run("grant INSERT, UPDATE on orders, billing, stock to u1, u2, u3;")
            #expect(report.failures.isEmpty)
            let after = await f.harness.client.callCounts()
            // One read resolves the instance name (once per session), one lists the accounts, and
            // one more after the writes checks that no other run changed them meanwhile.
            #expect(after.reads - before.reads == 3)
            #expect(after.writes - before.writes == 3)
            #expect(f.sink.text.contains("batch: 3 changed, 0 unchanged, 0 failed (API calls: 2 read, 3 write)"))
            let u1 = try await f.account("u1")
            #expect(Set(u1.baseAuthority ?? []) == ["SELECT", "INSERT", "UPDATE"])
            #expect(Set((u1.databases ?? []).map(\.name)) == ["orders", "billing", "stock"])
            #expect(try await f.account("u4").schemaNames.isEmpty)

            // The same batch again changes nothing and writes nothing.
            let again = await f.harness.client.callCounts()
            let mark = f.sink.lines.count
            #expect(await f.run("grant INSERT, UPDATE on orders, billing, stock to u1, u2, u3;").failures.isEmpty)
            let last = await f.harness.client.callCounts()
            #expect(last.writes - again.writes == 0)
            #expect(f.sink.text(after: mark).contains("batch: 0 changed, 3 unchanged, 0 failed"))
        }
    }

    /// Issue 24: onboarding N accounts with `create user … if not exists` costs at most N + 4
    /// calls, counted at the service (the instance, the schema check, the account list, DDM's
    /// weak-password check once for the one password, N creates).
    @Test func onboardingALoopOfAccountsReadsTheListOnce() async throws {
        try await withFixture(users: ["existing"]) { f in
            let team = (1...30).map { "onboard\($0)" } + ["existing"]
            let script = "let team = (\(team.joined(separator: ", "))); for u in $team { create user $u if not exists password env PW with SELECT on orders; }"
            let before = f.harness.service.traffic
            let report = await f.run(script)
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            let after = f.harness.service.traffic
            // 30 creates and one weak-password check (a POST, counted as a write at the service).
            #expect(after.writes - before.writes == 31)
            #expect((after.reads + after.writes) - (before.reads + before.writes) <= 30 + 4)
            let accounts = try await f.harness.client.allAccounts(instance: f.instance).map(\.name)
            #expect(Set(team).isSubset(of: Set(accounts)))
            // Run again: every account exists, so the run reads and writes nothing more than that.
            let again = f.harness.service.traffic
            #expect(await f.run(script).failures.isEmpty)
            let last = f.harness.service.traffic
            #expect(last.writes == again.writes && last.reads - again.reads <= 3)
        }
    }

    /// The same for schemas: `create schema … if not exists` in a loop reads the list once.
    @Test func creatingSchemasIfNotExistsReadsTheListOnce() async throws {
        try await withFixture(schemas: []) { f in
            func reads(_ script: String) async -> Int {
                let before = f.harness.service.traffic.reads
                let report = await f.run(script)
                #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
                return f.harness.service.traffic.reads - before
            }
            let create = "create schema $s shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';"
            let plain = await reads("for s in (a1, a2, a3) { \(create) }")
            let checked = await reads("for s in (b1, b2, b3, a1) { \(create.replacingOccurrences(of: "shards", with: "if not exists shards")) }")
            // One read of the schema list for the whole loop, not one per schema.
            #expect(checked - plain == 1, "\(checked) reads with 'if not exists', \(plain) without")
            let names = try await f.harness.client.allSchemas(instance: f.instance).map(\.name)
            #expect(Set(["a1", "a2", "a3", "b1", "b2", "b3"]).isSubset(of: Set(names)))
        }
    }

    @Test func grantSaysWhenPrivilegesReachOtherSchemas() async throws {
        try await withFixture(users: ["app"]) { f in
            _ = await f.run("grant SELECT on orders to app;")
            let mark = f.sink.lines.count
            _ = await f.run("grant DELETE on billing to app;")
            #expect(f.sink.lines.dropFirst(mark).contains { $0.hasPrefix("note:") && $0.contains("DELETE") && $0.contains("orders") })
        }
    }

    @Test func revokeOnSomeSchemasIsRefusedAndWritesNothing() async throws {
        try await withFixture(users: ["app"]) { f in
            _ = await f.run("grant INSERT on orders, billing to app;")
            let before = await f.harness.client.callCounts()
            let report = await f.run("revoke INSERT on orders from app;")
            #expect(report.failures.count == 1)
            #expect(report.failures.first?.message.contains("billing") == true)
            let after = await f.harness.client.callCounts()
            #expect(after.writes == before.writes)
            #expect(try await f.account("app").baseAuthority?.contains("INSERT") == true)

            // Covering every schema of the account is allowed and detaches them.
            #expect(await f.run("revoke INSERT on orders, billing from app;").failures.isEmpty)
            let app = try await f.account("app")
            #expect(app.baseAuthority?.contains("INSERT") == false)
        }
    }

    @Test func dryRunReadsButNeverWrites() async throws {
        try await withFixture(users: ["u1", "u2"]) { f in
            let before = await f.harness.client.callCounts()
            let report = await f.run("""
                grant ALTER on orders to u1, u2;
                create user newbie password env PW;
                drop user u2;
                """, dryRun: true)
            #expect(report.failures.isEmpty)
            #expect(await f.harness.client.callCounts().writes == before.writes)
            #expect(f.sink.text.contains("dry run: 2 accounts would change, 0 unchanged; no writes"))
            let names = try await f.harness.client.allAccounts(instance: f.instance).map(\.name).sorted()
            #expect(names == ["u1", "u2"])
        }
    }

    /// `… wait` shows the v3 job's `process` as a bar while it polls. The service's clock moves a
    /// quarter second per request, so the restart's two seconds pass in a known number of polls.
    @Test func waitShowsTheJobsProgress() async throws {
        let clock = SteppingClock(step: 0.25)
        try await withFixture(schemas: [], configure: { $0.createDelay = 4; $0.clock = clock.next }) { f in
            clock.advance(10)   // past the create
            var options = Evaluator.Options()
            options.pollInterval = .milliseconds(1)
            let evaluator = Evaluator(client: f.harness.client, sink: f.sink, secrets: DefaultSecretResolver(environment: [:]) { _ in "" },
                                      options: options, instance: f.instance)
            var o = Compiler.Options()
            o.instanceSelected = true
            let report = await evaluator.run(Compiler.compile(SourceFile(name: "t.ddm", text: "restart instance ddm-test wait;"), options: o).plan)
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            let bars = f.sink.progressLines.filter { $0.hasPrefix("waiting for ddm-test: RESTARTING [") }
            #expect(bars.count >= 2, "\(f.sink.progressLines)")
            let percents = bars.compactMap { Int($0.split(separator: " ").last?.dropLast() ?? "") }
            #expect(percents == percents.sorted() && percents.count == bars.count && (percents.last ?? 0) > (percents.first ?? 0), "\(bars)")
            #expect(f.sink.text.contains("instance ddm-test is RUNNING"))
        }
    }

    @Test func accountLifecycleAndSecrets() async throws {
        try await withFixture(apiVersion: .v1) { f in
            let report = await f.run("""
                create user app password env PW with SELECT, fulltableSelect on orders comment 'reporting';
                create user app if not exists password prompt;
                alter user app comment 'reporting v2';
                alter user app password prompt;
                show grants for app;
                """)
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            let app = try await f.account("app")
            #expect(app.description == "reporting v2")
            #expect(app.extendAuthority == ["fulltableSelect"])
            #expect(f.sink.text.contains("user app already exists"))
            #expect(!f.sink.text.contains("Secret_pass1!") && !f.sink.text.contains("Prompted_pass1!"))

            let drop = await f.run("drop user app; drop user app if exists; drop user app;")
            #expect(drop.failures.count == 1)
            #expect(drop.failures.first?.message.contains("DBS.300327") == true)
        }
    }

    @Test func errorPolicyStopsOrContinues() async throws {
        try await withFixture(users: ["u1"]) { f in
            let stop = await f.run("drop user ghost; grant SELECT on orders to u1;")
            #expect(stop.stoppedEarly && stop.succeeded == 0)
            let untouched = try await f.account("u1")
            #expect(untouched.schemaNames.isEmpty)

            let go = await f.run("set on_error continue; drop user ghost; grant SELECT on orders to u1;")
            #expect(!go.stoppedEarly && go.failures.count == 1 && go.succeeded == 1)
            let granted = try await f.account("u1")
            #expect(granted.schemaNames == ["orders"])
        }
    }

    @Test func schemasAndInstanceStatements() async throws {
        try await withFixture(schemas: []) { f in
            let rds = try await f.harness.client.allAvailableRDS(instance: f.instance)
            let report = await f.run("""
                create schema sales shards 4 on rds \(rds[0].id) admin user root password env RDSPW;
                show schemas;
                """)
            // RDSPW is not set: the secret fails before any write.
            #expect(report.failures.first?.message == "environment variable RDSPW is not set")
            #expect(try await f.harness.client.allSchemas(instance: f.instance).isEmpty)

            let named = await f.run("rename instance ddm-test to ddm-renamed; show instances;")
            #expect(named.failures.isEmpty)
            #expect(f.sink.text.contains("renamed instance ddm-test to ddm-renamed"))
            #expect(try await f.harness.client.showInstance(f.instance).name == "ddm-renamed")
            let missing = await f.run("use instance nowhere;")
            #expect(missing.failures.first?.message == "instance 'nowhere' does not exist")
        }
    }

    @Test func anExportRecreatesTheStateAndIsInSyncWithItsOwnInstance() async throws {
        try await withFixture(schemas: ["orders", "billing"], apiVersion: .v1) { f in
            let setup = await f.run("""
                create user app password env PW with SELECT, INSERT on orders comment 'orders service';
                create user report password env PW with SELECT, fulltableSelect on orders, billing;
                create user ops password env PW with SELECT;
                """)
            #expect(setup.failures.isEmpty, "\(setup.failures.map(\.message))")
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            #expect(await f.run("export all passwords env to '\(dir)/first.ddm';").failures.isEmpty)
            let first = try String(contentsOfFile: dir + "/first.ddm", encoding: .utf8)
            #expect(first.contains("grant exactly INSERT, SELECT on orders to app comment 'orders service';"))
            #expect(first.contains("create user report if not exists password env DDM_PASSWORD_REPORT;"))
            #expect(first.contains("grant exactly SELECT, fulltableSelect on billing, orders to report;"))
            #expect(first.contains("grant exactly SELECT to ops;"))
            #expect(first.hasSuffix("declare users complete;\n"))
            #expect(!first.contains("Secret_pass1!"))

            // Against its own instance the export is desired state already: no change, no write.
            let before = await f.harness.client.callCounts()
            let dry = await f.run(first, dryRun: true)
            #expect(dry.failures.isEmpty && dry.wouldChange == 0, "\(dry.failures.map(\.message)), \(dry.wouldChange)")
            let applied = await f.run(first)
            #expect(applied.failures.isEmpty)
            #expect(await f.harness.client.callCounts().writes == before.writes)

            // Applied to an empty instance it recreates the state: exporting that gives the same file.
            let copy = try await f.harness.makeInstance("ddm-copy")
            let env = ["DDM_RDS_PASSWORD": LocalHarness.rdsPassword, "DDM_PASSWORD_APP": "App_pass_12!",
                       "DDM_PASSWORD_REPORT": "App_pass_12!", "DDM_PASSWORD_OPS": "App_pass_12!"]
            let onCopy = await f.run(first, instance: copy, environment: env)
            #expect(onCopy.failures.isEmpty, "\(onCopy.failures.map(\.message))")
            #expect(await f.run("export all passwords env to '\(dir)/second.ddm';", instance: copy).failures.isEmpty)
            let second = try String(contentsOfFile: dir + "/second.ddm", encoding: .utf8)
            func body(_ text: String) -> [Substring] { Array(text.split(separator: "\n").dropFirst()) }
            #expect(body(first) == body(second))
            #expect(first.split(separator: "\n").first?.contains("instance ddm-test") == true)
            #expect(second.split(separator: "\n").first?.contains("instance ddm-copy") == true)

            // A change made outside the file is drift.
            _ = try await f.harness.client.modifyAccount(instance: f.instance, name: "ops", ModifyAccountRequest(baseAuthority: [.select, .delete]))
            let drift = await f.run(first, dryRun: true)
            #expect(drift.wouldChange == 1)

            // So is an account the file does not declare; it is dropped only when the script says so.
            try await f.harness.client.createAccounts(instance: f.instance, [CreateAccountRequest(name: "intruder", password: "Secret_pass1!", baseAuthority: [.select])])
            let mark = f.sink.lines.count
            let undeclared = await f.run(first, dryRun: true)
            #expect(undeclared.wouldChange == 2)
            #expect(f.sink.text(after: mark).contains("undeclared account: intruder"))
            #expect(try await f.harness.client.allAccounts(instance: f.instance).contains { $0.name == "intruder" })
            let dropped = await f.run(first + "declare users complete drop undeclared;\n")
            #expect(dropped.failures.isEmpty)
            #expect(try await f.harness.client.allAccounts(instance: f.instance).map(\.name).sorted() == ["app", "ops", "report"])
        }
    }

    /// Instance changes are journaled: undo puts parameters and the port back, says what it cannot take back.
    @Test func undoOfInstanceChangesRestoresWhatCanBeAndSaysWhatCannot() async throws {
        try await withFixture(schemas: []) { f in
            let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: journal) }
            let run = await f.run("""
                set parameter max_connections = 30000, sql_audit = ON;
                set parameter max_connections = 35000;
                alter instance ddm-test set port 5070;
                alter instance ddm-test add nodes 1;
                """, journal: journal)
            #expect(run.failures.isEmpty, "\(run.failures.map(\.message))")
            let runs = Journal.runs(in: journal)
            let undo = Undo.script(try #require(runs.first))
            #expect(undo.script.contains("alter instance \(f.instance) set port 5066;"))
            #expect(undo.script.contains("set parameter max_connections = '20000', sql_audit = 'OFF' on instance \(f.instance);"))
            #expect(undo.notes.contains("not taken back: added 1 node to ddm-test"))
            #expect(await f.run(undo.script, journal: journal, undoing: runs[0].header.run).failures.isEmpty)
            let params = try await f.harness.client.allParameters(instance: f.instance)
            #expect(params.first { $0.name == "max_connections" }?.value == "20000")
            #expect(params.first { $0.name == "sql_audit" }?.value == "OFF")
            #expect(try await f.harness.client.showInstance(f.instance).accessPort == "5066")
        }
    }

    @Test func undoOfABatchOver50AccountsRestoresEachOneExactlyAndUndoOfTheUndoRedoesIt() async throws {
        let names = (0..<50).map { String(format: "v%02d", $0) }
        try await withFixture(schemas: ["orders", "billing"], users: names, apiVersion: .v1) { f in
            // Start from varied states: a comment here, a schema there, an extended privilege.
            #expect(await f.run("""
                grant INSERT on billing to v00, v01, v02;
                grant exactly SELECT, fulltableSelect on orders to v03 comment 'reporting';
                alter user v04 comment 'kept';
                """).failures.isEmpty)
            let journal = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: journal) }
            func snapshot() async throws -> [String: Account] {
                Dictionary(uniqueKeysWithValues: try await f.harness.client.allAccounts(instance: f.instance).map { ($0.name, $0) })
            }
            let before = try await snapshot()
            let batch = await f.run("grant exactly UPDATE, DELETE on orders, billing to $team comment 'batch';"
                .replacingOccurrences(of: "$team", with: names.joined(separator: ", ")), journal: journal)
            #expect(batch.failures.isEmpty)
            let after = try await snapshot()
            #expect(after.values.allSatisfy { $0.description == "batch" })

            let runs = Journal.runs(in: journal)
            #expect(runs.count == 1 && runs[0].writes.count == 50 && runs[0].writes.allSatisfy { $0.done == true })
            let undo = Undo.script(runs[0])
            let writes = await f.harness.client.callCounts().writes
            #expect(await f.run(undo.script, journal: journal, undoing: runs[0].header.run).failures.isEmpty)
            #expect(await f.harness.client.callCounts().writes - writes == 50)
            let restored = try await snapshot()
            for name in names {
                let a = try #require(before[name]), b = try #require(restored[name])
                #expect(Set(a.baseAuthority ?? []) == Set(b.baseAuthority ?? []), "\(name)")
                #expect(Set(a.extendAuthority ?? []) == Set(b.extendAuthority ?? []), "\(name)")
                #expect(Set(a.schemaNames) == Set(b.schemaNames), "\(name)")
                #expect((a.description ?? "") == (b.description ?? ""), "\(name)")
            }

            // The undo was journaled too: undoing it puts the batch's state back.
            let again = Journal.runs(in: journal)
            #expect(again.count == 2 && again.last?.header.undoes == runs[0].header.run)
            #expect(await f.run(Undo.script(try #require(again.last)).script, journal: journal).failures.isEmpty)
            let redone = try await snapshot()
            #expect(redone.values.allSatisfy { $0.description == "batch" && Set($0.baseAuthority ?? []) == ["UPDATE", "DELETE"] })
        }
    }

    @Test func aPermissionDDMAddsLaterSurvivesABatchAndIsShown() async throws {
        // The service knows a basic permission this client does not: a full-state modify must
        // send it back unchanged, and `show` must print it as it is.
        try await withFixture(users: [], configure: { $0.extraBasePermissions = ["SHOW VIEW"] }) { f in
            _ = try await f.harness.client.createAccounts(instance: f.instance, [CreateAccountRequest(
                name: "viewer", password: "Secret_pass1!", baseAuthority: [.select, BasePermission(rawValue: "SHOW VIEW")])])
            let granted = await f.run("grant INSERT on orders to viewer;")
            #expect(granted.failures.isEmpty)
            #expect(try await f.account("viewer").baseAuthority == ["INSERT", "SELECT", "SHOW VIEW"])
            let revoked = await f.run("revoke INSERT from viewer;")
            #expect(revoked.failures.isEmpty)
            #expect(try await f.account("viewer").baseAuthority == ["SELECT", "SHOW VIEW"])
            let mark = f.sink.lines.count
            _ = await f.run("show grants for viewer;")
            #expect(f.sink.text(after: mark) == "viewer | SELECT,SHOW VIEW | orders", "\(f.sink.text(after: mark))")
        }
    }
}

@Suite struct BatchProgressTests {
    @Test func progressBarRendersAPercentage() {
        #expect(ProgressBar.render(45) == "[#########...........] 45%")
        #expect(ProgressBar.render(0) == "[....................] 0%")
        #expect(ProgressBar.render(140) == "[####################] 100%")
    }

    @Test func progressLineExtrapolatesTheRateSoFar() {
        #expect(BatchRunner.progressLine(done: 10, total: 100, elapsed: .seconds(5)) == "batch: 10/100 accounts written, about 45 s left")
        #expect(BatchRunner.progressLine(done: 99, total: 100, elapsed: .seconds(1)) == "batch: 99/100 accounts written, under a second left")
        #expect(BatchRunner.progressLine(done: 100, total: 100, elapsed: .seconds(9)) == "batch: 100/100 accounts written")
    }

    @Test func progressLineShowsThePaceAndTheTimeLeftAtIt() {
        #expect(BatchRunner.progressLine(done: 10, total: 100, elapsed: .seconds(5), pace: 20)
            == "batch: 10/100 accounts written, 20 calls/min, about 270 s left")
        #expect(BatchRunner.progressLine(done: 0, total: 3, elapsed: .zero, pace: 2.5)
            == "batch: 0/3 accounts written, 2.5 calls/min, about 72 s left")
    }
}
