// The everyday statements at 10,000 accounts, each through the evaluator against the local
// service: how many calls and how long (issue 33: at this size an export read the list 3 times).
import DDMKit
import DDMLanguage
import DDMLocal
import Foundation

func scaleBench(accounts n: Int, latency: Double) async throws {
    let s = try await Setup.make(accounts: n, latency: latency)
    defer { Task { await s.service.stop() } }
    let client = try Setup.makeClient(s.service, rateLimit: nil)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scale-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var options = Compiler.Options()
    options.instanceSelected = true
    options.variables["team"] = .list(s.names.map { .string($0) })
    func measure(_ label: String, _ script: String, dryRun: Bool = false) async throws -> String {
        var evaluatorOptions = Evaluator.Options()
        evaluatorOptions.dryRun = dryRun
        let evaluator = Evaluator(client: client, sink: Sink(), secrets: DefaultSecretResolver(environment: [:]) { _ in "" },
                                  options: evaluatorOptions, instance: s.instance)
        _ = await evaluator.run(Compiler.compile(SourceFile(name: "use.ddm", text: "use instance \(s.instance);"), options: options).plan)
        let compiled = Compiler.compile(SourceFile(name: "scale.ddm", text: script), options: options)
        guard compiled.diagnostics.isEmpty else { throw EvaluationError("\(label): \(compiled.diagnostics.map(\.message))") }
        let before = await client.callCounts()
        let started = ContinuousClock.now
        let report = await evaluator.run(compiled.plan)
        let elapsed = seconds(ContinuousClock.now - started)
        guard report.failures.isEmpty else { throw EvaluationError("\(label) failed: \(report.failures.prefix(3).map(\.message))") }
        let after = await client.callCounts()
        let note = dryRun ? "would change \(report.wouldChange)" : ""
        return "| \(label), N=\(n) | \(after.total - before.total) (\(after.reads - before.reads)+\(after.writes - before.writes)) | \(fmt(elapsed)) | \(note) |"
    }
    print("| case | API calls (read+write) | wall time (s) | note |")
    print("|---|---|---|---|")
    print(try await measure("show users", "show users;"))
    print(try await measure("grant to all", "grant INSERT on orders to $team;"))
    print(try await measure("export", "export users passwords env to '\(dir)/export.ddm';"))
    let exported = try String(contentsOfFile: dir + "/export.ddm", encoding: .utf8)
    print(try await measure("drift (dry run of the export)", exported, dryRun: true))
}
