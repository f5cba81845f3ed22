import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Testing

/// `ddmsh --dry-run --plan-out` and `ddmsh apply`: the reviewed writes and nothing else, refused
/// when the state they were computed from changed, and counted where they land, at the service.
@Suite struct SavedPlanTests {
    static let password = "App_pass_12!"

    /// A service of the test's own (so its writes can be counted), with an instance, a schema and an account.
    struct Setup {
        let harness: LocalHarness
        let home: String
        let instance: String

        var connection: [String] {
            ["--endpoint", harness.service.url, "--project-id", "0123456789abcdef0123456789abcdef", "--rate-limit", "0"]
        }
        var env: [String: String] { ["HUAWEICLOUD_SDK_AK": LocalHarness.ak, "HUAWEICLOUD_SDK_SK": LocalHarness.sk] }

        /// Off the test's own threads: the service answering ddmsh runs in this process, on the
        /// same pool, and tests run in parallel; blocking the pool to wait for ddmsh would starve it.
        func run(_ arguments: [String], env more: [String: String] = [:]) async throws -> Binary.Result {
            let arguments = connection + arguments, environment = env.merging(more) { $1 }, home = home
            return try await withCheckedThrowingContinuation { done in
                DispatchQueue.global().async { done.resume(with: Result { try Binary.run(arguments, environment: environment, home: home) }) }
            }
        }

        static func start() async throws -> Setup {
            let harness = try await LocalHarness.start { $0.createDelay = 0 }
            let instance = try await harness.makeInstance("ddm-plan")
            try await harness.makeSchema(instance, "orders")
            let s = Setup(harness: harness, home: try Binary.temporaryHome(), instance: instance)
            let made = try await s.run(["--instance", "ddm-plan", "-c", "create user app password env PW with SELECT on orders"], env: ["PW": password])
            #expect(made.status == 0, "\(made.stderr)")
            return s
        }

        func stop() async {
            await harness.stop()
            try? FileManager.default.removeItem(atPath: home)
        }

        /// The plan of a grant to app and a new account, saved.
        func plan() async throws -> String {
            let script = home + "/change.ddm", plan = home + "/change.plan"
            try "grant INSERT on orders to app;\ncreate user newbie if not exists password env NEWBIE_PW with SELECT on orders;\n"
                .write(toFile: script, atomically: true, encoding: .utf8)
            let dry = try await run(["--instance", "ddm-plan", "--dry-run", "--detailed-exitcode", "--plan-out", plan, script],
                              env: ["NEWBIE_PW": SavedPlanTests.password])
            #expect(dry.status == 3, "\(dry.stdout)\n\(dry.stderr)")
            #expect(dry.stderr.contains("plan saved to \(plan): 2 writes"), "\(dry.stderr)")
            return plan
        }

        func grants(_ account: String) async throws -> [String]? {
            try await harness.client.allAccounts(instance: instance).first { $0.name == account }?.baseAuthority
        }
    }

    /// A password literal is never saved: the plan says `password prompt`, and saving it warns
    /// that an unattended apply cannot answer (it was silent until the apply failed).
    @Test func aPasswordLiteralIsNotSavedAndSavingSaysSo() async throws {
        let s = try await Setup.start()
        defer { Task { await s.stop() } }
        let script = s.home + "/lit.ddm", plan = s.home + "/lit.plan"
        try "create user lit password 'Lit_pass_12!';\n".write(toFile: script, atomically: true, encoding: .utf8)
        let dry = try await s.run(["--instance", "ddm-plan", "--dry-run", "--plan-out", plan, script])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stderr.contains("passwords written in the script are not kept in the plan") && dry.stderr.contains("lit.ddm:1:1"), "\(dry.stderr)")
        let saved = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(!saved.contains("Lit_pass_12!") && saved.contains("password prompt"))
        // From the environment: nothing to warn about.
        try "create user lit2 password env PW;\n".write(toFile: script, atomically: true, encoding: .utf8)
        let quiet = try await s.run(["--instance", "ddm-plan", "--dry-run", "--plan-out", plan, script], env: ["PW": SavedPlanTests.password])
        #expect(quiet.status == 0 && !quiet.stderr.contains("not kept in the plan"), "\(quiet.stderr)")
    }

    @Test func aPlanIsAppliedAsIsAndUndone() async throws {
        let s = try await Setup.start()
        defer { Task { await s.stop() } }
        let plan = try await s.plan()
        // The file: versioned JSON, its owner's alone, and no secret in it.
        let attributes = try FileManager.default.attributesOfItem(atPath: plan)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(!text.contains(Self.password) && !text.contains(LocalHarness.sk), "a secret in the plan")
        #expect(text.contains("password env NEWBIE_PW"), "\(text)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["format"] as? String == "ddmsh plan" && json["version"] as? Int == 1)
        #expect((json["instance"] as? [String: Any])?["id"] as? String == s.instance)

        s.harness.service.resetTraffic()
        let apply = try await s.run(["apply", plan], env: ["NEWBIE_PW": Self.password])
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        // The two writes, and DDM's weak-password check of the new password (a POST that changes nothing).
        #expect(s.harness.service.traffic.writes == 3, "\(s.harness.service.traffic)")
        #expect(try await s.grants("app")?.contains("INSERT") == true)
        #expect(try await s.grants("newbie") != nil)

        // Journaled like any run: undo takes both writes back.
        let undo = try await s.run(["undo", "--yes"])
        #expect(undo.status == 0, "\(undo.stdout)\n\(undo.stderr)")
        #expect(try await s.grants("app") == ["SELECT"])
        #expect(try await s.grants("newbie") == nil)
    }

    @Test func aStalePlanIsRefusedAndSendsNothing() async throws {
        let s = try await Setup.start()
        defer { Task { await s.stop() } }
        let plan = try await s.plan()
        // Someone changes app outside the plan.
        #expect(try await s.run(["--instance", "ddm-plan", "-c", "grant DELETE on orders to app"]).status == 0)
        s.harness.service.resetTraffic()
        let apply = try await s.run(["apply", plan], env: ["NEWBIE_PW": Self.password])
        #expect(apply.status == 1, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stderr.contains("the plan is stale") && apply.stderr.contains("name=app") && apply.stderr.contains("nothing was sent"), "\(apply.stderr)")
        #expect(s.harness.service.traffic.writes == 0, "\(s.harness.service.traffic)")
        #expect(try await s.grants("newbie") == nil)
    }

    /// What the kept reads do not cover, and a plan file edited by hand: the apply is rehearsed
    /// as a dry run first, so a write the plan does not hold (here: the same account on another
    /// instance) refuses the whole plan before its first write.
    @Test func aPlanEditedToWriteElsewhereSendsNothing() async throws {
        let s = try await Setup.start()
        defer { Task { await s.stop() } }
        _ = try await s.harness.makeInstance("ddm-other")
        let plan = try await s.plan()
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        let edited = text.replacingOccurrences(of: "create user newbie", with: "use instance ddm-other;\\ncreate user newbie")
        #expect(edited != text)
        try edited.write(toFile: plan, atomically: true, encoding: .utf8)
        s.harness.service.resetTraffic()
        let apply = try await s.run(["apply", plan], env: ["NEWBIE_PW": Self.password])
        #expect(apply.status == 1 && apply.stderr.contains("no longer matches") && apply.stderr.contains("nothing was sent"), "\(apply.stdout)\n\(apply.stderr)")
        #expect(s.harness.service.traffic.writes == 0, "\(s.harness.service.traffic)")
        #expect(try await s.grants("app") == ["SELECT"])
    }

    @Test func aPlanIsRefusedOnAnotherInstanceOrEndpoint() async throws {
        let s = try await Setup.start()
        defer { Task { await s.stop() } }
        _ = try await s.harness.makeInstance("ddm-other")
        let plan = try await s.plan()
        s.harness.service.resetTraffic()
        let other = try await s.run(["--instance", "ddm-other", "apply", plan], env: ["NEWBIE_PW": Self.password])
        #expect(other.status == 1, "\(other.stdout)\n\(other.stderr)")
        #expect(other.stderr.contains("this plan is for instance ddm-plan") && other.stderr.contains("not ddm-other"), "\(other.stderr)")
        #expect(s.harness.service.traffic.writes == 0)
        // Another endpoint (the embedded service) is refused before anything is read there.
        let home = s.home
        let elsewhere = try await withCheckedThrowingContinuation { done in
            DispatchQueue.global().async { done.resume(with: Result { try Binary.run(["--local", "--state", ":memory:", "apply", plan], home: home) }) }
        }
        #expect(elsewhere.status == 1 && elsewhere.stderr.contains("this plan was made on http://127.0.0.1:"), "\(elsewhere.stderr)")
        // A fleet is not one instance's plan: none is written.
        let fleet = try await s.run(["--instance", "ddm-plan", "--dry-run", "--plan-out", s.home + "/fleet.plan", "-c", "on instances like 'ddm-%' { show users; }"])
        #expect(fleet.status == 1 && fleet.stderr.contains("a fleet ('on instances …') cannot be saved"), "\(fleet.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.home + "/fleet.plan"))
        // The plan's own instance, named, is accepted.
        let same = try await s.run(["--instance", "ddm-plan", "apply", plan], env: ["NEWBIE_PW": Self.password])
        #expect(same.status == 0, "\(same.stdout)\n\(same.stderr)")
    }
}
