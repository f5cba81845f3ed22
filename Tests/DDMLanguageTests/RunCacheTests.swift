import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing
@testable import DDMLanguage

/// Lists one run needs several times are read once: an export applied to its own instance reads
/// the account list once (it read it three times), a loop of creates the RDS list once.
@Suite(.stopsWhatItStarts) struct RunCacheTests {
    final class Counter: HTTPTransport {
        let inner = AsyncHTTPTransport()
        let paths = Mutex<[String]>([])
        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            if request.method == "GET" { paths.withLock { $0.append(request.path) } }
            return try await inner.send(request)
        }
        func count(_ suffix: String) -> Int { paths.withLock { $0.filter { $0.hasSuffix(suffix) }.count } }
    }

    func run(_ h: LocalHarness, _ script: String, instance: String, dryRun: Bool = false) async throws -> (Evaluator.Report, Counter) {
        let counter = Counter()
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url(h.service.url), projectId: h.client.configuration.projectId,
                                                                   retry: h.client.configuration.retry, pacing: .off, apiVersion: .v1),
                                   authenticator: AKSKAuthenticator(accessKey: LocalHarness.ak, secretKey: LocalHarness.sk,
                                                                    projectId: h.client.configuration.projectId),
                                   transport: counter)
        var co = Compiler.Options()
        co.instanceSelected = true
        let compiled = Compiler.compile(SourceFile(name: "cache.ddm", text: script), options: co)
        #expect(compiled.diagnostics.isEmpty, "\(compiled.diagnostics.map(\.message))")
        var options = Evaluator.Options()
        options.dryRun = dryRun
        let env = ["DDM_RDS_PASSWORD": LocalHarness.rdsPassword, "DDM_PASSWORD_A1": "App_pass_12!", "DDM_PASSWORD_A2": "App_pass_12!"]
        let report = await Evaluator(client: client, sink: Collector(), secrets: DefaultSecretResolver(environment: env) { _ in "" },
                                     options: options, instance: instance).run(compiled.plan)
        return (report, counter)
    }

    @Test func anExportAppliedToItsOwnInstanceReadsTheAccountsOnce() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        try await h.makeSchema(instance, "orders")
        _ = try await h.client.createAccounts(instance: instance, ["a1", "a2"].map {
            CreateAccountRequest(name: $0, password: "Secret_pass1!", baseAuthority: [.select], databases: ["orders"])
        })
        let accounts = try await h.client.allAccounts(instance: instance, showingExtended: true)
        let script = Exporter.script(Exporter.Header(instance: "ddm-test", time: Date(), version: "t"), scope: .users, passwords: .env,
                                     schemas: [], accounts: accounts)
        for dry in [true, false] {
            let (report, counter) = try await run(h, script, instance: instance, dryRun: dry)
            #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
            #expect(report.wouldChange == 0)
            #expect(counter.count("/users") == 1, "dry run \(dry): \(counter.paths.withLock { $0 })")
        }
    }

    @Test func aLoopOfCreateSchemaReadsTheRDSListOnce() async throws {
        let h = try await LocalHarness.start()
        defer { stopAfterTest { await h.stop() } }
        let instance = try await h.makeInstance()
        let rds = try await h.client.allAvailableRDS(instance: instance)
        let name = try #require(rds.first?.name)
        let script = (1...4).map { "create schema loop\($0) shards 1 mode single on rds \(name) admin user root password env DDM_RDS_PASSWORD;" }
            .joined(separator: "\n")
        let (report, counter) = try await run(h, script, instance: instance)
        #expect(report.failures.isEmpty, "\(report.failures.map(\.message))")
        let listed = counter.paths.withLock { $0 }.filter { $0.contains("rds") }.count
        #expect(listed == 1, "\(counter.paths.withLock { $0 })")
    }
}
