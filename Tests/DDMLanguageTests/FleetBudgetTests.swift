import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Testing
@testable import DDMLanguage

/// A fleet's targets share one client, and so one pacer: DDM's limit is per user, so a fleet
/// throttles itself no more than one run on one instance does. Counted at the service's gateway.
@Suite(.stopsWhatItStarts) struct FleetBudgetTests {
    static func accounts(_ n: Int) -> [String] { (0..<n).map { String(format: "f%03d", $0) } }

    /// Instances with `accounts` accounts each, a service limited to 600 calls a minute (burst 10),
    /// and a client that paces adaptively from a memory of its own (nothing learned yet).
    static func setUp(instances: [String], accounts: [String]) async throws -> (LocalHarness, DDMClient) {
        let h = try await LocalHarness.start()
        for name in instances {
            let id = try await h.makeInstance(name)
            try await h.makeSchema(id, "orders")
            try await h.client.createAccounts(instance: id, accounts.map {
                CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select])
            })
        }
        var s = FaultSettings(rateLimit: 600)
        s.rateBurst = 10
        h.service.faultSettings = s
        h.service.resetTraffic()
        let config = h.service.configuration
        let memory = EndpointMemory(path: FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString)/pacing.json").path)
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: config.projectId,
                                                                   pacing: .adaptive(), endpointMemory: memory),
                                   authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk, projectId: config.projectId))
        return (h, client)
    }

    static func run(_ script: String, client: DDMClient, instance: String?) async -> Evaluator.Report {
        var o = Compiler.Options()
        o.instanceSelected = true
        let compiled = Compiler.compile(SourceFile(name: "t.ddm", text: script), options: o)
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.message))")
        let evaluator = Evaluator(client: client, sink: Collector(), secrets: DefaultSecretResolver(environment: [:]) { _ in "" },
                                  options: Evaluator.Options(), instance: instance)
        return await evaluator.run(compiled.plan)
    }

    /// The same 48 account changes: on one instance, and as a fleet of four instances with 12 each.
    @Test func aFleetAcrossFourInstancesIsThrottledNoMoreThanOneInstance() async throws {
        func grant(_ names: [String]) -> String { "grant SELECT, INSERT on orders to \(names.joined(separator: ", "));" }

        let (one, oneClient) = try await Self.setUp(instances: ["ddm-b1"], accounts: Self.accounts(48))
        defer { stopAfterTest { await one.stop() } }
        let single = await Self.run(grant(Self.accounts(48)), client: oneClient, instance: "ddm-b1")
        #expect(single.failures.isEmpty, "\(single.failures.map(\.message))")
        let alone = one.service.traffic

        let (four, fourClient) = try await Self.setUp(instances: ["ddm-b1", "ddm-b2", "ddm-b3", "ddm-b4"], accounts: Self.accounts(12))
        defer { stopAfterTest { await four.stop() } }
        let fleet = await Self.run("on instances like 'ddm-b%' concurrency 4 { \(grant(Self.accounts(12))) }", client: fourClient, instance: nil)
        #expect(fleet.failures.isEmpty, "\(fleet.failures.map(\.message))")
        let together = four.service.traffic

        // The same 48 changes were made.
        #expect(together.writes - together.throttledWrites == 48 && alone.writes - alone.throttledWrites == 48, "\(alone) \(together)")
        // Four clients of their own (four ddmsh processes) met 8 throttles here where the fleet and
        // the single instance met 3 each (measured once, 2026-11-26).
        #expect(together.throttled <= alone.throttled, "throttled: fleet \(together.throttled), one instance \(alone.throttled)")
    }
}
