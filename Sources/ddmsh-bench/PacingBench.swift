// ddmsh at its default settings against a local service with a server-side rate limit: the
// `ddmsh` binary runs as a user would run it, and every figure is counted at the service's
// gateway, outside the client.
import DDMKit
import DDMLocal
import Foundation

struct PacingRun {
    var exitCode: Int32
    var seconds: Double
    var traffic: Traffic
}

struct PacingBench {
    let ddmsh: String
    let latency: Double
    let work: String

    /// Runs one `ddmsh` script against the service as the measured user, with its own cache dir.
    func run(_ s: Setup, script: String, cache: String) throws -> PacingRun {
        let path = work + "/\(UUID().uuidString).ddm"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: ddmsh)
        p.arguments = ["--endpoint", s.service.url, "--project-id", s.service.configuration.projectId,
                       "--instance", "ddm-bench", path]
        p.environment = [
            "HOME": work, "XDG_CACHE_HOME": cache, "XDG_DATA_HOME": work, "NO_COLOR": "1",
            "HUAWEICLOUD_SDK_AK": s.service.accessKey!, "HUAWEICLOUD_SDK_SK": s.service.secretKey!,
        ]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        s.service.resetTraffic()
        let started = ContinuousClock.now
        try p.run()
        p.waitUntilExit()
        return PacingRun(exitCode: p.terminationStatus, seconds: seconds(ContinuousClock.now - started), traffic: s.service.traffic)
    }

    /// Reads every account as the observer (its own bucket) and counts those with `base`.
    func countIn(_ s: Setup, base: [String]) async throws -> Int {
        let observer = try DDMClient(
            configuration: DDMConfiguration(endpoint: .url(s.service.url), projectId: s.service.configuration.projectId, pacing: .off),
            authenticator: TokenAuthenticator(token: s.service.staticToken!))
        return try await observer.allAccounts(instance: s.instance).filter { Set($0.baseAuthority ?? []) == Set(base) }.count
    }

    func grant(_ names: [String]) -> String { "grant INSERT on orders to \(names.joined(separator: ", "));\n" }
    func revoke(_ names: [String]) -> String { "revoke INSERT on orders from \(names.joined(separator: ", "));\n" }

    /// A first run that must learn the limit, then a second right after that starts from it.
    func limited(perMinute: Double, n: Int) async throws {
        let s = try await Setup.make(accounts: n, latency: 0)
        defer { Task { await s.service.stop() } }
        let cache = work + "/cache-\(Int(perMinute))"
        s.service.faultSettings = FaultSettings(latency: latency, rateLimit: perMinute)
        let capacity = max(10, perMinute / 6)
        let perSecond = perMinute / 60

        let first = try run(s, script: grant(s.names), cache: cache)
        let granted = try await countIn(s, base: ["INSERT", "SELECT"])
        let t = first.traffic
        let calls = Double(t.reads - t.throttledReads + t.writes - t.throttledWrites)
        let floor = max(0, calls - capacity) / perSecond
        print("| \(Int(perMinute))/min, N=\(n), first run | \(first.exitCode) | \(granted)/\(n) | \(t.writes) (\(fmt(Double(t.writes) / Double(n)))× N) | \(t.throttled) | \(fmt(first.seconds)) | \(fmt(floor)) | \(fmt(first.seconds / floor)) |")

        // Right after: the bucket is as the first run left it, empty.
        let second = try run(s, script: revoke(s.names), cache: cache)
        let revoked = try await countIn(s, base: ["SELECT"])
        let u = second.traffic
        let calls2 = Double(u.reads - u.throttledReads + u.writes - u.throttledWrites)
        let floor2 = calls2 / perSecond
        print("| \(Int(perMinute))/min, N=\(n), second run right after | \(second.exitCode) | \(revoked)/\(n) | \(u.writes) (\(fmt(Double(u.writes) / Double(n)))× N) | \(u.throttled) | \(fmt(second.seconds)) | \(fmt(floor2)) | \(fmt(second.seconds / floor2)) |")
    }

    /// A loose service: the same batch with a server limit and with none.
    func loose(perMinute: Double, n: Int) async throws {
        var times: [Double] = []
        for limit in [perMinute, nil] as [Double?] {
            let s = try await Setup.make(accounts: n, latency: 0)
            s.service.faultSettings = FaultSettings(latency: latency, rateLimit: limit)
            let r = try run(s, script: grant(s.names), cache: work + "/cache-loose-\(limit.map { Int($0) } ?? 0)")
            let granted = try await countIn(s, base: ["INSERT", "SELECT"])
            times.append(r.seconds)
            let label = limit.map { "\(Int($0))/min" } ?? "no limit"
            print("| \(label), N=\(n) | \(r.exitCode) | \(granted)/\(n) | \(r.traffic.writes) | \(r.traffic.throttled) | \(fmt(r.seconds)) | | |")
            await s.service.stop()
        }
        print("\n\(Int(perMinute))/min against no limit: \(fmt(times[0] / times[1]))× the wall time\n")
    }

    /// The fault drill through ddmsh at its defaults.
    func drill(n: Int) async throws {
        let s = try await Setup.make(accounts: n, latency: 0)
        defer { Task { await s.service.stop() } }
        s.service.faultSettings = FaultSettings(latency: latency, faultRate: 0.10, throttleRate: 0.05, seed: 42)
        let r = try run(s, script: grant(s.names), cache: work + "/cache-drill")
        s.service.faultSettings = FaultSettings()
        let granted = try await countIn(s, base: ["INSERT", "SELECT"])
        print("| drill: 10% faults + 5% 429s, N=\(n) | \(r.exitCode) | \(granted)/\(n) | \(r.traffic.writes) | \(r.traffic.throttled) | \(fmt(r.seconds)) | | |")
    }
}

/// - Parameter only: run just the cases whose label contains it ("20/min", "drill", "1200").
func pacingBench(ddmsh: String, latency: Double, only: String? = nil) async throws {
    func wanted(_ label: String) -> Bool { only.map { label.contains($0) } ?? true }
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("ddmsh-pacing-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: work) }
    let bench = PacingBench(ddmsh: ddmsh, latency: latency, work: work)
    print("| case | exit | accounts in final state | writes | throttled calls | wall time (s) | server floor (s) | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    if wanted("20/min") { try await bench.limited(perMinute: 20, n: 30) }
    if wanted("60/min") { try await bench.limited(perMinute: 60, n: 100) }
    if wanted("300/min") { try await bench.limited(perMinute: 300, n: 100) }
    if wanted("drill") { try await bench.drill(n: 100) }
    guard wanted("1200/min") else { return }
    print()
    print("| case | exit | accounts in final state | writes | throttled calls | wall time (s) | | |")
    print("|---|---|---|---|---|---|---|---|")
    try await bench.loose(perMinute: 1200, n: 100)
}
