import Foundation
import Testing

/// The behaviours issue 21 took from Huawei's own sources, end to end through the binary.
@Suite struct SourcesFactsTests {
    static let local = ["--local", "--state", ":memory:", "--local-create-delay", "0", "--rate-limit", "0"]

    /// Extended privileges at the default setting go to v1 and work; a run that uses v3 alone
    /// refuses them before anything runs (flag, environment or profile).
    @Test func extendedPrivilegesAtEachAPISetting() throws {
        let script = """
            create schema orders shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            create user wide password 'App_pass_12!' with SELECT, fulltableSelect on orders;
            show grants for wide;
            """
        let auto = try Binary.run(Self.local + ["-c", script])
        #expect(auto.status == 0, "\(auto.stderr)")
        #expect(auto.stdout.contains("wide     SELECT,fulltableSelect  orders"), "\(auto.stdout)")
        for (args, env) in [(["--api-version", "v3"], [String: String]()), ([], ["DDMSH_API_VERSION": "v3"])] {
            let v3 = try Binary.run(Self.local + args + ["-c", script], environment: env)
            #expect(v3.status == 2, "\(v3.stdout)\n\(v3.stderr)")
            #expect(v3.stderr.contains("fulltableSelect: extended privileges exist only in DDM's v1 API"), "\(v3.stderr)")
            #expect(!v3.stdout.contains("created schema"), "something ran before the refusal")
        }
        let home = try Binary.temporaryHome()
        try FileManager.default.createDirectory(atPath: home + "/.config/ddmsh", withIntermediateDirectories: true)
        try "[p3]\nlocal = true\nstate = :memory:\napi_version = v3\n".write(toFile: home + "/.config/ddmsh/config", atomically: true, encoding: .utf8)
        let profile = try Binary.run(["--profile", "p3", "-c", script], home: home)
        #expect(profile.status == 2, "\(profile.stderr)")
    }

    /// A moment `n` days before now, as `since` takes it: relative to the clock, so the test
    /// means the same on any day.
    static func daysAgo(_ n: Int) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date().addingTimeInterval(-Double(n) * 86_400))
    }

    @Test func showTasksTakesAWindowOfAtMost30Days() throws {
        let ok = try Binary.run(Self.local + ["-c", "create schema orders shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!'; show tasks; show tasks since '2d'; show tasks since '\(Self.daysAgo(40))'"])
        #expect(ok.stdout.contains("CreateDatabase"), "\(ok.stdout)\n\(ok.stderr)")
        #expect(ok.stderr.contains("DDM lists tasks of the last 30 days at most"), "\(ok.stderr)")
        let far = try Binary.run(Self.local + ["-c", "show tasks since '40d'"])
        #expect(far.status == 1 && far.stderr.contains("last 30 days at most"), "\(far.stderr)")
        let bad = try Binary.run(Self.local + ["-c", "show tasks since 'last week'"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("<command>:1:18: error: since takes a time such as"), "\(bad.stderr)")
    }
}
