import DDMKit
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// Every write, a batch's per account as well as a single statement's, goes through the one
/// executor: planned in a dry run (and sent by none), then journaled before its call and audited
/// with its before and after, against the real local service.
@Suite(.serialized, .stopsWhatItStarts) struct OneExecutorTests {
    @Test func everyWriteOfABatchIsPlannedJournaledAndAuditedByTheExecutor() async throws {
        let audit = CatalogueWalkTests.Audit()
        let h = try await LocalHarness.start(configure: { $0.createDelay = 0 })
        stopAfterTest { await h.stop() }
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: h.client.configuration.projectId,
                                                                   retry: h.client.configuration.retry, pacing: .off, audit: audit),
                                   authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                                    projectId: h.client.configuration.projectId))
        let instance = try await h.makeInstance()
        try await h.makeSchema(instance, "orders")
        try await h.client.createAccounts(instance: instance, ["u1", "u2", "u3"].map {
            CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select])
        })
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("executor-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journal) }

        var co = Compiler.Options()
        co.instanceSelected = true
        // One single write, then one batch of three statements over three accounts.
        let script = "alter user u1 comment 'one'; grant INSERT on orders to u1, u2, u3; revoke INSERT from u3;"
        let compiled = Compiler.compile(SourceFile(name: "t.ddm", text: script), options: co)
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.message))")
        #expect(compiled.plan.steps.count == 2 && compiled.plan.steps[1].step.grants?.changes.count == 2)

        func run(dryRun: Bool, recorder: PlanRecorder? = nil) async -> (Evaluator.Report, [SentWrite]) {
            let sent = Mutex<[SentWrite]>([])
            var options = Evaluator.Options()
            options.dryRun = dryRun
            options.journalDirectory = journal
            options.planRecorder = recorder
            options.observeWrites = { w in sent.withLock { $0.append(w) } }
            let e = Evaluator(client: client, sink: Collector(), secrets: DefaultSecretResolver(environment: [:]) { _ in "x" },
                              options: options, instance: instance)
            let report = await e.run(compiled.plan)
            return (report, sent.withLock { $0 })
        }

        // The dry run plans the batch's three writes and the single one, and sends none.
        let recorder = PlanRecorder()
        let (dry, dryWrites) = await run(dryRun: true, recorder: recorder)
        #expect(dry.failures.isEmpty && dry.wouldChange == 4, "\(dry.failures.map(\.message)) \(dry.wouldChange)")
        #expect(dryWrites.isEmpty)
        let saved = recorder.plan(endpoint: "e", project: "p", instance: nil, source: script, created: Date(), locate: { f, o in "\(f)@\(o)" })
        let planned = saved.statements.flatMap(\.writes)
        #expect(planned.filter { $0.contains("modify account") }.count == 3, "\(planned)")

        // The run sends exactly the planned writes, each through the executor: journaled first,
        // audited with the words the plan gave it.
        let auditedBefore = audit.records.withLock { $0.count }
        let (report, writes) = await run(dryRun: false)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
        #expect(writes.count == 4, "\(writes.map(\.summary))")
        #expect(writes.filter { !$0.journaled }.isEmpty)
        let batch = writes.filter { $0.summary.hasPrefix("modify account") }
        let asPlanned = batch.filter { w in planned.contains { $0.hasSuffix(w.summary) } }
        #expect(batch.count == 3 && asPlanned.count == 3, "sent \(batch.map(\.summary)), planned \(planned)")
        #expect(batch.allSatisfy { $0.audit.before != nil && $0.audit.after != nil })

        let records = audit.records.withLock { Array($0[auditedBefore...]) }
        #expect(records.count == 4, "\(records.map(\.operation))")
        for w in batch {
            #expect(records.contains { $0.before == w.audit.before && $0.after == w.audit.after }, "\(w.summary) not audited as sent")
        }
        let run = try #require(Journal.runs(in: journal).last)
        // The comment of u1 (its modify, with its before), then the batch's three.
        let accounts = run.writes.compactMap { w -> String? in if case .modifyAccount(let name, _) = w.entry { name } else { nil } }
        #expect(accounts.sorted() == ["u1", "u1", "u2", "u3"] && run.writes.count == 4 && run.writes.allSatisfy { $0.done == true })
    }
}
