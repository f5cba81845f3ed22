// The batch engine against a naive loop, both through DDMKit against the same local service with
// the same injected latency.
import DDMKit
import DDMLanguage
import DDMLocal
import Foundation

struct Sink: OutputSink {
    func table(_ table: ResultTable) async {}
    func message(_ text: String) async {}
    func progress(_ text: String?) async {}
}

struct Setup {
    let service: LocalService
    let instance: String
    let names: [String]

    static func make(accounts n: Int, latency: Double) async throws -> Setup {
        var config = LocalServiceConfiguration()
        config.accessKey = "AKBENCH0000000000001"
        config.secretKey = "bench-secret-key-0000000000000000"
        // A second user, with a rate bucket of its own, to check results without spending the
        // budget of the client being measured.
        config.staticToken = "bench-observer-token"
        config.maxAccounts = max(100, n)
        let service = try await LocalService.start(config)
        let client = try makeClient(service, rateLimit: nil)
        let engines = try await client.listEngines()
        let flavors = try await client.listFlavors(engineId: engines.engineGroups[0].id)
        let created = try await client.createInstance(CreateInstanceRequest(
            name: "ddm-bench", flavorId: flavors.computeFlavorGroups[0].computeFlavors[0].id, nodeNum: 2,
            engineId: engines.engineGroups[0].id, availableZones: ["ap-southeast-1a"], vpcId: "vpc-1",
            securityGroupId: "sg-1", subnetId: "subnet-1"))
        let instance = created.id!
        let rds = try await client.allAvailableRDS(instance: instance)
        for s in ["orders", "billing", "stock"] {
            _ = try await client.createSchemas(instance: instance, [CreateSchemaRequest(
                name: s, shardMode: .cluster, shardNumber: 2, shardUnit: 2,
                usedRds: [RDSCredential(id: rds[0].id, adminUser: "root", adminPassword: ["Rds", "Admin", "1!"].joined(separator: "_"))])])
        }
        let names = (0..<n).map { String(format: "bench%04d", $0) }
        for start in stride(from: 0, to: n, by: 50) {
            try await client.createAccounts(instance: instance, names[start..<min(n, start + 50)].map {
                CreateAccountRequest(name: $0, password: "Bench_pass_1!", baseAuthority: [.select])
            })
        }
        service.faultSettings = FaultSettings(latency: latency)
        return Setup(service: service, instance: instance, names: names)
    }

    static func makeClient(_ service: LocalService, rateLimit: Double?) throws -> DDMClient {
        try DDMClient(configuration: DDMConfiguration(endpoint: .url(service.url), projectId: service.configuration.projectId,
                                                      pacing: rateLimit.map { .adaptive(capPerMinute: $0) } ?? .off),
                      authenticator: AKSKAuthenticator(accessKey: service.accessKey!, secretKey: service.secretKey!,
                                                       projectId: service.configuration.projectId))
    }
}

struct Calls { var reads: Int; var writes: Int; var total: Int { reads + writes } }

let privileges: [BasePermission] = [.insert, .update]
let schemas = ["orders", "billing", "stock"]

/// The batch engine: `grant INSERT, UPDATE on orders, billing, stock to <every account>;`
func batch(_ s: Setup, rateLimit: Double?) async throws -> (calls: Calls, seconds: Double) {
    let client = try Setup.makeClient(s.service, rateLimit: rateLimit)
    var options = Compiler.Options()
    options.instanceSelected = true
    options.variables["team"] = .list(s.names.map { .string($0) })
    let compiled = Compiler.compile(SourceFile(name: "bench.ddm", text: "grant INSERT, UPDATE on orders, billing, stock to $team;"), options: options)
    let evaluator = Evaluator(client: client, sink: Sink(), secrets: DefaultSecretResolver(environment: [:]) { _ in "" }, instance: s.instance)
    // Resolve the instance outside the measurement (a session does it once).
    _ = await evaluator.run(Compiler.compile(SourceFile(name: "use.ddm", text: "use instance \(s.instance);"), options: options).plan)
    let before = await client.callCounts()
    let started = ContinuousClock.now
    let report = await evaluator.run(compiled.plan)
    let elapsed = ContinuousClock.now - started
    guard report.failures.isEmpty else { throw EvaluationError("batch failed: \(report.failures.map(\.message))") }
    let after = await client.callCounts()
    return (Calls(reads: after.reads - before.reads, writes: after.writes - before.writes), seconds(elapsed))
}

/// What a script over the SDK does: for each account and each (privilege, schema) pair, read the
/// account and write it back with the pair added, one call after another.
func naive(_ s: Setup) async throws -> (calls: Calls, seconds: Double) {
    let client = try Setup.makeClient(s.service, rateLimit: nil)
    let before = await client.callCounts()
    let started = ContinuousClock.now
    for name in s.names {
        for p in privileges {
            for schema in schemas {
                let page = try await client.listAccounts(instance: s.instance, limit: 128)
                let all = page.users.first { $0.name == name } != nil ? page.users : try await client.allAccounts(instance: s.instance)
                let a = all.first { $0.name == name }!
                let base = Set((a.baseAuthority ?? []).compactMap(BasePermission.init(rawValue:))).union([p])
                let dbs = Array(Set(a.schemaNames).union([schema]))
                _ = try await client.modifyAccount(instance: s.instance, name: name,
                                                   ModifyAccountRequest(baseAuthority: Array(base), databases: dbs))
            }
        }
    }
    let after = await client.callCounts()
    return (Calls(reads: after.reads - before.reads, writes: after.writes - before.writes), seconds(ContinuousClock.now - started))
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
func fmt(_ x: Double) -> String { String(format: "%.2f", x) }


func batchBench(latency: Double) async throws {
    print("| case | API calls (read+write) | wall time (s) | note |")
    print("|---|---|---|---|")
    for n in [100, 1000] {
        let s = try await Setup.make(accounts: n, latency: latency)
        let b = try await batch(s, rateLimit: nil)
        print("| batch, N=\(n), \(Int(latency * 1000)) ms latency | \(b.calls.total) (\(b.calls.reads)+\(b.calls.writes)) | \(fmt(b.seconds)) | pages + changed accounts = \(b.calls.reads) + \(n) |")
        let again = try await batch(s, rateLimit: nil)
        print("| batch re-run, N=\(n) | \(again.calls.total) (\(again.calls.reads)+\(again.calls.writes)) | \(fmt(again.seconds)) | re-run writes: \(again.calls.writes) |")
        if n == 100 {
            await s.service.stop()
            let fresh = try await Setup.make(accounts: n, latency: latency)
            let v = try await naive(fresh)
            print("| naive loop, N=\(n) | \(v.calls.total) (\(v.calls.reads)+\(v.calls.writes)) | \(fmt(v.seconds)) | batch is \(fmt(v.seconds / b.seconds))× faster, \(fmt(Double(v.calls.total) / Double(b.calls.total)))× fewer calls |")
            await fresh.service.stop()
            let limited = try await Setup.make(accounts: n, latency: latency)
            let rate = 600.0
            let r = try await batch(limited, rateLimit: rate)
            // The cap paces from the first call, one call at a time: the floor is (calls − 1) / rate.
            let floor = Double(max(0, r.calls.total - 1)) / (rate / 60)
            print("| batch, N=\(n), client cap \(Int(rate))/min | \(r.calls.total) | \(fmt(r.seconds)) | floor (calls − 1) / rate = \(fmt(floor)) s; ratio \(fmt(r.seconds / floor)) |")
            await limited.service.stop()
        } else {
            await s.service.stop()
        }
    }
}
