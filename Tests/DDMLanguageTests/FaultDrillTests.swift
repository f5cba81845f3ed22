import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Testing
@testable import DDMLanguage

/// Drill: a batch over 200 accounts while the service answers 10% of requests with 500, 409 busy
/// or a dropped connection, and 5% with 429. It must finish, reach exactly the intended state for
/// every account, and report what happened.
@Suite(.stopsWhatItStarts) struct FaultDrillTests {
    @Test func batchOver200AccountsSurvivesFaults() async throws {
        try await drill(accounts: 200, pacing: .off)
    }

    /// The same with the adaptive pacer, which random 429s without Retry-After slow down (they
    /// look like a budget); fewer accounts keep it quick. scripts/bench runs 100 through ddmsh.
    @Test func adaptivePacingSurvivesTheSameFaults() async throws {
        try await drill(accounts: 60, pacing: .adaptive())
    }

    func drill(accounts n: Int, pacing: Pacing) async throws {
        let h = try await LocalHarness.start(
            configure: { $0.maxAccounts = 250 },
            retry: RetryPolicy(maxAttempts: 12, baseDelay: .milliseconds(5), maxDelay: .milliseconds(100)),
            pacing: pacing)
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        try await h.makeSchema(instance, "orders")
        try await h.makeSchema(instance, "billing")
        let names = (0..<n).map { String(format: "u%03d", $0) }
        for chunk in stride(from: 0, to: names.count, by: 50) {
            try await h.client.createAccounts(instance: instance, names[chunk..<min(names.count, chunk + 50)].map {
                CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select])
            })
        }
        // Some accounts already have part of the final state; one has more privileges than granted.
        _ = try await h.client.modifyAccount(instance: instance, name: "u000",
                                             ModifyAccountRequest(baseAuthority: [.select, .insert], databases: ["orders", "billing"]))
        _ = try await h.client.modifyAccount(instance: instance, name: "u001",
                                             ModifyAccountRequest(baseAuthority: [.select, .delete], databases: ["orders"]))

        h.service.faultSettings = FaultSettings(faultRate: 0.10, throttleRate: 0.05, seed: 42)
        var options = Compiler.Options()
        options.instanceSelected = true
        options.variables["team"] = .list(names.map { .string($0) })
        let compiled = Compiler.compile(SourceFile(name: "drill.ddm", text: "grant SELECT, INSERT on orders, billing to $team;"), options: options)
        #expect(compiled.diagnostics.isEmpty)
        let sink = Collector()
        let evaluator = Evaluator(client: h.client, sink: sink, secrets: DefaultSecretResolver(environment: [:]) { _ in "" },
                                  instance: instance)
        let start = await h.client.callCounts()
        let report = await evaluator.run(compiled.plan)
        h.service.faultSettings = FaultSettings()
        // Every attempt is counted: more than n − 1 writes means faults were met and retried.
        let attempts = await h.client.callCounts().writes - start.writes
        #expect(attempts > n - 1 + n / 20, "only \(attempts) write attempts: were faults injected?")

        #expect(report.failures.isEmpty, "\(report.failures.prefix(3).map(\.message))")
        #expect(sink.text.contains("batch: \(n - 1) changed, 1 unchanged, 0 failed"))
        let rows = sink.lines.filter { $0.hasPrefix("u") && $0.contains(" | ") }
        #expect(rows.count == n)
        #expect(rows.filter { $0.contains("| changed |") }.count == n - 1)

        let accounts = try await h.client.allAccounts(instance: instance)
        #expect(accounts.count == n)
        for a in accounts {
            let expected: Set<String> = a.name == "u001" ? ["SELECT", "INSERT", "DELETE"] : ["SELECT", "INSERT"]
            #expect(Set(a.baseAuthority ?? []) == expected, "\(a.name)")
            #expect(Set(a.schemaNames) == ["orders", "billing"], "\(a.name)")
        }

        // With the faults gone, the same batch writes nothing.
        let before = await h.client.callCounts()
        _ = await evaluator.run(compiled.plan)
        #expect(await h.client.callCounts().writes == before.writes)
    }
}
