import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// Two runs at once on the same accounts, each with its own client (as two ddmsh processes): a
/// barrier holds each run's first write until both have read, the worst interleaving. Nothing
/// either run granted is lost, counted at the service.
@Suite(.stopsWhatItStarts) struct ConcurrentRunsTests {
    /// Releases everyone once `parties` have arrived.
    actor Barrier {
        let parties: Int
        var arrived = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
        init(parties: Int) { self.parties = parties }
        func arrive() async {
            arrived += 1
            if arrived >= parties {
                for w in waiting { w.resume() }
                waiting = []
                return
            }
            await withCheckedContinuation { waiting.append($0) }
        }
    }

    /// Holds this client's first write at a barrier (its read is done by then), and its check of
    /// the accounts after writing at another (the other run's writes are done by then): the
    /// interleaving that loses an update, made certain.
    final class HoldsFirstWrite: HTTPTransport {
        let inner = AsyncHTTPTransport()
        let barrier: Barrier
        let afterWrites: Barrier?
        let held = Mutex((write: false, check: false, wrote: false))
        /// Runs just before each write is sent (the other "process" writing in between).
        let beforeWrite: @Sendable (HTTPRequestData) async -> Void
        init(_ barrier: Barrier, afterWrites: Barrier? = nil, beforeWrite: @escaping @Sendable (HTTPRequestData) async -> Void = { _ in }) {
            self.barrier = barrier; self.afterWrites = afterWrites; self.beforeWrite = beforeWrite
        }
        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            if request.method != "GET" {
                if !held.withLock({ h in defer { h.write = true; h.wrote = true }; return h.write }) { await barrier.arrive() }
                await beforeWrite(request)
            } else if let afterWrites, request.path.hasSuffix("/users"),
                      held.withLock({ h in defer { if h.wrote { h.check = true } }; return h.wrote && !h.check }) {
                await afterWrites.arrive()
            }
            return try await inner.send(request)
        }
    }

    func client(_ h: LocalHarness, _ transport: any HTTPTransport) throws -> DDMClient {
        try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: h.client.configuration.projectId,
                                                      retry: h.client.configuration.retry, pacing: .off),
                      authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                       projectId: h.client.configuration.projectId),
                      transport: transport)
    }

    func run(_ script: String, _ client: DDMClient, instance: String, team: [String], journal: String? = nil) async -> (Evaluator.Report, Collector) {
        var co = Compiler.Options()
        co.instanceSelected = true
        co.variables["team"] = .list(team.map { .string($0) })
        let compiled = Compiler.compile(SourceFile(name: "run.ddm", text: script), options: co)
        let sink = Collector()
        var options = Evaluator.Options()
        options.concurrency = 4
        options.journalDirectory = journal
        let evaluator = Evaluator(client: client, sink: sink, secrets: DefaultSecretResolver(environment: ["PW": "Secret_pass1!"]) { _ in "" },
                                  options: options, instance: instance)
        return (await evaluator.run(compiled.plan), sink)
    }

    @Test func twoBatchesOnTheSameAccountsAtOnceBothLand() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        try await h.makeSchema(instance, "s1")
        let team = (320..<360).map { "a\($0)" }
        _ = try await h.client.createAccounts(instance: instance, team.map {
            CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select], databases: ["s1"])
        })
        let barrier = Barrier(parties: 2), afterWrites = Barrier(parties: 2)
        let first = try client(h, HoldsFirstWrite(barrier, afterWrites: afterWrites))
        let second = try client(h, HoldsFirstWrite(barrier, afterWrites: afterWrites))
        async let a = run("grant ALTER on s1 to $team;", first, instance: instance, team: team)
        async let b = run("grant INDEX on s1 to $team;", second, instance: instance, team: team)
        let (ra, rb) = await (a, b)
        #expect(ra.0.failures.isEmpty && rb.0.failures.isEmpty, "\(ra.0.failures.map(\.message)) \(rb.0.failures.map(\.message))")
        // At the service: every account holds both runs' grants.
        let accounts = try await h.client.allAccounts(instance: instance)
        let both = accounts.filter { Set($0.baseAuthority ?? []).isSuperset(of: ["SELECT", "ALTER", "INDEX"]) }
        #expect(both.count == team.count, "\(team.count - both.count) accounts lost a grant")
        #expect((ra.1.text + rb.1.text).contains("changed by another run while this batch wrote"))
    }

    final class EventLog: Sendable { let lines = Mutex<[String]>([]) }

    /// Records who sent what, in order, and slows each write down so two batches would overlap.
    final class Recorder: HTTPTransport {
        let inner = AsyncHTTPTransport()
        let name: String
        let log: EventLog
        init(_ name: String, log: EventLog) { self.name = name; self.log = log }
        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            if request.method != "GET" { try await Task.sleep(for: .milliseconds(10)) }
            let response = try await inner.send(request)
            log.lines.withLock { $0.append("\(name) \(request.method) \(request.path.hasSuffix("/users") ? "list" : "account")") }
            return response
        }
    }

    @Test func batchesOfTwoRunsOnOneMachineTakeTurns() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        try await h.makeSchema(instance, "s1")
        let team = (0..<16).map { "t\($0)" }
        _ = try await h.client.createAccounts(instance: instance, team.map {
            CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select], databases: ["s1"])
        })
        let journals = FileManager.default.temporaryDirectory.appendingPathComponent("turns-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: journals) }
        let log = EventLog()
        let ca = try client(h, Recorder("a", log: log)), cb = try client(h, Recorder("b", log: log))
        async let a = run("grant ALTER on s1 to $team;", ca, instance: instance, team: team, journal: journals)
        async let b = run("grant INDEX on s1 to $team;", cb, instance: instance, team: team, journal: journals)
        let (ra, rb) = await (a, b)
        #expect(ra.0.failures.isEmpty && rb.0.failures.isEmpty)
        #expect((ra.1.text + rb.1.text).contains("waiting for another ddmsh run's batch on this instance"))
        // One batch's read, writes and check, then the other's: never interleaved.
        let order = log.lines.withLock { $0 }.filter { !$0.hasSuffix("GET account") }
        let firstRun = try #require(order.first?.prefix(1))
        let switched = order.firstIndex { !$0.hasPrefix(firstRun) } ?? order.count
        #expect(order[switched...].allSatisfy { !$0.hasPrefix(firstRun) }, "\(order)")
        let accounts = try await h.client.allAccounts(instance: instance)
        #expect(accounts.filter { Set($0.baseAuthority ?? []).isSuperset(of: ["ALTER", "INDEX"]) }.count == team.count)
        // Neither had anything to merge: the second read what the first wrote.
        #expect(!(ra.1.text + rb.1.text).contains("changed by another run"))
    }

    @Test func createIfNotExistsRacedByAnotherRunIsDone() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        let other = h.client
        // The other run creates the account after this one read the list, just before its create.
        let racing = HoldsFirstWrite(Barrier(parties: 1)) { request in
            guard request.method == "POST" else { return }
            _ = try? await other.createAccounts(instance: instance, [CreateAccountRequest(name: "raced", password: "Secret_pass1!",
                                                                                          baseAuthority: [.select])])
        }
        let (report, sink) = await run("create user raced if not exists password env PW; create user after password env PW;",
                                       try client(h, racing), instance: instance, team: [])
        #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
        #expect(sink.text.contains("user raced already exists"))
        // The script went on.
        #expect(try await h.client.allAccounts(instance: instance).map(\.name).sorted() == ["after", "raced"])
    }
}
