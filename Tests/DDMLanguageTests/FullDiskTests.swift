import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// A batch while the disk fills: every change the service got has its whole audit line, no write
/// is sent without room for its record, and the refusal is said once with the path and why.
@Suite(.stopsWhatItStarts) struct FullDiskTests {
    @Test(arguments: ["audit", "journal"])
    func aBatchStopsAtTheFirstRecordThatCannotBeKeptAndSaysSoOnce(_ record: String) async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        try await h.makeSchema(instance, "orders")
        let names = (0..<40).map { String(format: "a%03d", $0) }
        _ = try await h.client.createAccounts(instance: instance, names.map {
            CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select])
        })
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let auditPath = directory + "/audit.log"
        // Room for 6 records, then the disk is full.
        let room = Mutex(6)
        let filling = LineAppend.IO(write: { fd, bytes in write(fd, bytes.baseAddress, bytes.count) },
                                    reserve: { _, _ in room.withLock { r in r -= 1; return r >= 0 ? 0 : ENOSPC } })
        let client = try DDMClient(configuration: DDMConfiguration(
            endpoint: .url(h.service.url), projectId: h.client.configuration.projectId, retry: h.client.configuration.retry,
            pacing: .off, audit: AuditFile(path: auditPath, io: record == "audit" ? filling : .system)),
            authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk, projectId: h.client.configuration.projectId))
        var options = Evaluator.Options()
        options.concurrency = 4
        options.journalDirectory = directory + "/journal"
        options.journalIO = record == "journal" ? filling : .system
        var co = Compiler.Options()
        co.instanceSelected = true
        co.variables["team"] = .list(names.map { .string($0) })
        let compiled = Compiler.compile(SourceFile(name: "fill.ddm", text: "grant INSERT on orders to $team;"), options: co)
        let sink = Collector()
        let evaluator = Evaluator(client: client, sink: sink, secrets: DefaultSecretResolver(environment: [:]) { _ in "" },
                                  options: options, instance: instance)
        let report = await evaluator.run(compiled.plan)

        let changed = try await h.client.allAccounts(instance: instance).filter { ($0.baseAuthority ?? []).contains("INSERT") }.map(\.name)
        #expect(!changed.isEmpty && changed.count < names.count, "\(changed.count) changed")
        // Counted at the service: each change it got has a whole audit line, and no line is broken.
        let lines = try String(contentsOfFile: auditPath, encoding: .utf8).split(separator: "\n")
        let decoded = lines.compactMap { try? JSONDecoder().decode(AuditRecord.self, from: Data($0.utf8)) }
        #expect(decoded.count == lines.count)
        #expect(decoded.filter { $0.outcome == "ok" }.count == changed.count)
        // Said once: the path, the reason and how many were not sent.
        let refusals = report.failures.filter { $0.message.contains(String(cString: strerror(ENOSPC))) }
        #expect(refusals.count == 1, "\(report.failures.map(\.message))")
        #expect(refusals.first?.message.contains(record == "audit" ? auditPath : directory + "/journal/") == true)
        #expect(refusals.first?.message.contains("\(names.count - changed.count) changes not sent") == true, "\(refusals.first?.message ?? "")")
    }

    /// A script of single writes with `--on-error continue`: the refusal is said once and the run
    /// stops, rather than once for each remaining statement.
    @Test func statementsGoingOnAfterErrorsStopAtARecordThatCannotBeKept() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("full-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let room = Mutex(3)
        let filling = LineAppend.IO(write: { fd, bytes in write(fd, bytes.baseAddress, bytes.count) },
                                    reserve: { _, _ in room.withLock { r in r -= 1; return r >= 0 ? 0 : ENOSPC } })
        let client = try DDMClient(configuration: DDMConfiguration(
            endpoint: .url(h.service.url), projectId: h.client.configuration.projectId, retry: h.client.configuration.retry,
            pacing: .off, audit: AuditFile(path: directory + "/audit.log", io: filling)),
            authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk, projectId: h.client.configuration.projectId))
        var options = Evaluator.Options()
        options.continueOnError = true
        var co = Compiler.Options()
        co.instanceSelected = true
        let script = (1...10).map { "create user full\($0) password env PW;" }.joined(separator: "\n")
        let compiled = Compiler.compile(SourceFile(name: "fill.ddm", text: script), options: co)
        let report = await Evaluator(client: client, sink: Collector(), secrets: DefaultSecretResolver(environment: ["PW": "Secret_pass1!"]) { _ in "" },
                                     options: options, instance: instance).run(compiled.plan)
        #expect(report.failures.count == 1, "\(report.failures.map(\.message))")
        #expect(report.failures.first?.message.contains(directory + "/audit.log: " + String(cString: strerror(ENOSPC))) == true)
        #expect(report.stoppedEarly)
        // Counted at the service: the three writes that had room, and no more.
        #expect(try await h.client.allAccounts(instance: instance).filter { $0.name.hasPrefix("full") }.count == 3)
    }
}
