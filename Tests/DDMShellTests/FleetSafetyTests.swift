import Foundation
import Synchronization
import Testing

/// What a fleet promises when it is stopped part-way (a signal, a closed pipe), retried or undone
/// across regions: the account names every target's applied change, a retry sends nothing twice,
/// undo reaches every region. Real processes, real signals and pipes, `ddmsh serve` for regions.
@Suite struct FleetSafetyTests {
    static let password = ["P": "App_pass_12!"]

    /// Runs ddmsh with stdout a pipe whose reader reads `lines` lines and then goes away (as
    /// `| head -1`, or `| true` with 0); returns the exit status and stderr.
    static func runClosingStdout(_ arguments: [String], afterLines lines: Int, environment: [String: String] = [:],
                                 home: String) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = arguments
        p.environment = Binary.baseEnvironment(home: home).merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        try p.run()
        DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
        var seen = 0
        var buffer = Data()
        while seen < lines {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            buffer.append(chunk)
            seen = buffer.filter { $0 == UInt8(ascii: "\n") }.count
        }
        try out.fileHandleForReading.close()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: errData, as: UTF8.self))
    }

    /// `ddmsh … -c "create user pp1 …; create user pp2 …" | true`: the reader is gone before
    /// the first line; the first account is made, the second is not, and stderr says so every
    /// time. A race, so it is run many times.
    @Test func aClosedPipeAfterOneWriteAlwaysNamesIt() throws {
        let runs = 50
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: runs) { i in
            do {
                let home = try Binary.temporaryHome()
                defer { try? FileManager.default.removeItem(atPath: home) }
                let r = try Self.runClosingStdout(["--local", "--state", ":memory:", "--rate-limit", "0", "-c",
                                                   "create user pp1 password env P; create user pp2 password env P"],
                                                  afterLines: 0, environment: Self.password, home: home)
                if r.status != 141 || !r.stderr.contains("already applied:\n  created user pp1") || r.stderr.contains("pp2") {
                    failures.withLock { $0.append("run \(i): exit \(r.status), stderr: \(r.stderr)") }
                }
            } catch {
                failures.withLock { $0.append("run \(i): \(error)") }
            }
        }
        let failed = failures.withLock { $0 }
        #expect(failed.isEmpty, "\(failed.count) of \(runs) runs:\n\(failed.prefix(3).joined(separator: "\n"))")
    }

    static func instances(_ names: [String], nodes: Int = 2) -> String {
        names.map {
            "create instance \($0) with flavor=ddm.c6.large.2, nodes=\(nodes), vpc=v, subnet=s, security_group=g, az=[ap-southeast-1a] wait;"
        }.joined(separator: "\n")
    }

    /// `on instances like 'shop-%' concurrency 1 { set parameter … } | head -1`: the reader goes
    /// after the first target's block; exit 141, and stderr names each target that was changed,
    /// as the service has it.
    @Test func aFleetWhoseReaderGoesNamesEveryChangedTarget() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        #expect(try Binary.run(local + ["-c", Self.instances(["shop-a", "shop-b", "shop-c"])], home: home).status == 0)
        // Each call slowed, so the reader is gone before the second target's block is written.
        let r = try Self.runClosingStdout(local + ["--local-latency", "150ms", "-c",
                                                   "on instances like 'shop-%' concurrency 1 { set parameter long_query_time = 4; }"],
                                          afterLines: 1, home: home)
        #expect(r.status == 141, "\(r.stderr)")
        var changed: [String] = []
        for name in ["shop-a", "shop-b", "shop-c"] {
            let value = try Binary.run(local + ["--instance", name, "--output", "csv", "-c", "show parameters like 'long_query_time'"], home: home).stdout
            if value.contains("long_query_time,4,") { changed.append(name) }
        }
        #expect(!changed.isEmpty && changed.count < 3, "the fleet stopped when its reader went: \(changed)")
        for name in ["shop-a", "shop-b", "shop-c"] {
            #expect(r.stderr.contains("\(name): set long_query_time = 4") == changed.contains(name), "\(name): \(changed) vs \(r.stderr)")
        }
    }

    /// Two targets at once, the reader gone before the first line: a target's write cancelled in
    /// flight is read back and named (not dropped from the account), and the retry sends neither
    /// write again (a second create would fail with DBS.300311). Run a few times: a race.
    @Test func aWriteCancelledInFlightIsReadBackAndNotRetried() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        #expect(try Binary.run(local + ["-c", Self.instances(["fp-a", "fp-b"])], home: home).status == 0)
        for round in 1...3 {
            let fleet = "on instances like 'fp-%' concurrency 2 { create user r\(round) password env P; }"
            let r = try Self.runClosingStdout(local + ["-c", fleet], afterLines: 0, environment: Self.password, home: home)
            var made = 0
            for name in ["fp-a", "fp-b"] {
                let here = try Binary.run(local + ["--instance", name, "--output", "csv", "-c", "show users"], home: home).stdout.contains("r\(round),")
                if here { made += 1; #expect(r.stderr.contains("\(name): create user r\(round)"), "round \(round), \(name): \(r.stderr)") }
            }
            #expect(r.status == 141, "\(r.stderr)")
            let retry = try Binary.run(local + ["--retry-failed", "-c", fleet], environment: Self.password, home: home)
            #expect(retry.status == 0 && !retry.stdout.contains("DBS.300311"), "round \(round) (\(made) made): \(retry.stdout)\(retry.stderr)")
        }
    }

    /// A fleet whose body is a grant (a batch, written outside `perform`), the reader gone before
    /// the first line: each target's grant that landed is named on stderr, as the service has it.
    @Test func aGrantBatchInAFleetIsNamedWhenTheReaderGoes() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let made = try Binary.run(local + ["-c", Self.instances(["gb-a", "gb-b"]) + """
            use instance gb-a; create schema s1 shards 2 on rds rds-orders admin user root password env R;
            use instance gb-b; create schema s1 shards 2 on rds rds-billing admin user root password env R;
            on instances like 'gb-%' { create user app password env P; }
            """], environment: Self.password.merging(["R": "Rds_Admin_1!"]) { $1 }, home: home)
        #expect(made.status == 0, "\(made.stderr)")
        for privilege in ["INSERT", "UPDATE", "DELETE"] {
            let r = try Self.runClosingStdout(local + ["-c", "on instances like 'gb-%' concurrency 2 { grant \(privilege) on s1 to app; }"],
                                              afterLines: 0, home: home)
            #expect(r.status == 141, "\(r.stderr)")
            for name in ["gb-a", "gb-b"] {
                let held = try Binary.run(local + ["--instance", name, "--output", "csv", "-c", "show users"], home: home).stdout.contains(privilege)
                #expect(!held || r.stderr.contains("\(name): app: "), "\(privilege) on \(name): \(r.stderr)")
            }
        }
    }

    static func remote(_ server: ServeTests.Server) -> [String] {
        ["--endpoint", server.url, "--project-id", ServeTests.project, "--rate-limit", "0"]
    }

    /// The nodes of each instance, as the service reports them.
    static func nodes(_ r: [String], home: String) throws -> [String: String] {
        let csv = try Binary.run(r + ["--output", "csv", "-c", "show instances"], environment: ["DDMSH_TOKEN": ServeTests.token], home: home).stdout
        var nodes: [String: String] = [:]
        for line in csv.split(whereSeparator: \.isNewline).dropFirst() {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if f.count > 3 { nodes[f[0]] = f[2] + " " + f[3] }
        }
        return nodes
    }

    /// Three instances `<prefix>-a…c` on a `ddmsh serve` whose jobs take 3 s, and a fleet adding a
    /// node to each, two at a time, running until two targets are growing (nil, recorded, if they
    /// never do). The caller signals it and retries; `launch` runs the fleet again.
    final class GrowingFleet {
        let server: ServeTests.Server, home: String, r: [String], fleet: String, names: [String]
        private(set) var process = Process(), errors: OutputWatcher?, output: OutputWatcher?
        let token = ["DDMSH_TOKEN": ServeTests.token]

        init(_ prefix: String) throws {
            server = try ServeTests.Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": ServeTests.token], extra: ["--create-delay", "3s"])
            home = try Binary.temporaryHome()
            r = FleetSafetyTests.remote(server)
            names = ["a", "b", "c"].map { "\(prefix)-\($0)" }
            fleet = "on instances like '\(prefix)-%' concurrency 2 { alter instance $instance add nodes 1 wait; }"
            let made = try Binary.run(r + ["-c", names.map {
                "create instance \($0) with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[ap-southeast-1a];"
            }.joined() + names.map { "wait instance \($0);" }.joined()], environment: token, home: home)
            #expect(made.status == 0, "\(made.stderr)")
        }

        static func start(_ prefix: String) throws -> GrowingFleet? {
            let f = try GrowingFleet(prefix)
            guard try f.launch() else { f.stop(); return nil }
            return f
        }

        /// Runs the fleet until two targets grow; false (recorded) if they never do.
        func launch() throws -> Bool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Binary.path)
            p.arguments = r + ["-c", fleet]
            p.environment = Binary.baseEnvironment(home: home).merging(token) { $1 }
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            p.standardInput = FileHandle.nullDevice
            (process, errors, output) = (p, OutputWatcher(err), OutputWatcher(out))
            try p.run()
            do {
                try waitUntil("two targets growing", timeout: 30) {
                    try FleetSafetyTests.nodes(r, home: home).values.filter { !$0.hasPrefix("RUNNING") }.count == 2
                }
                return true
            } catch {
                p.terminate()
                Issue.record("\(error): \(try FleetSafetyTests.nodes(r, home: home)); \(output?.text ?? "") \(errors?.text ?? "")")
                return false
            }
        }

        func stop() {
            server.stop()
            try? FileManager.default.removeItem(atPath: home)
        }

        /// The retry: no second scale-out to the two that grew, the first to the third. The
        /// service ends with one node more on each instance than `before`, the audit log with
        /// one scale-out more for each.
        func retryRepeatsNothing(before: Int = 2, run: Int = 1) throws {
            let retry = try Binary.run(r + ["--retry-failed", "-c", fleet], environment: token, home: home)
            #expect(retry.status == 0, "\(retry.stdout)\(retry.stderr)")
            #expect(!retry.stdout.contains("no earlier run of this fleet is recorded"), "\(retry.stdout)")
            #expect(retry.stdout.components(separatedBy: "is not sent again").count == 3, "\(retry.stdout)")
            let after = try FleetSafetyTests.nodes(r, home: home)
            for name in names { #expect(after[name] == "RUNNING \(before + 1)", "\(name): \(after)") }
            let audit = try String(contentsOfFile: home + "/.local/state/ddmsh/audit.log", encoding: .utf8)
            #expect(audit.components(separatedBy: "\"operation\":\"add nodes\"").count - 1 == 3 * run, "one scale-out per instance and run")
        }
    }

    /// Ctrl-C while two targets wait for their scale-out: the account names both changes (not
    /// "nothing was applied"); `--retry-failed` then waits for their jobs and sends no second
    /// scale-out to them, only the first to the target that never started. The service ends with
    /// one node more on each instance, and the audit log with one scale-out per instance.
    @Test func anInterruptedScaleOutIsReportedAndItsRetryRepeatsNothing() throws {
        guard let f = try GrowingFleet.start("fl"), let errors = f.errors, let output = f.output else { return }
        defer { f.stop() }
        let (p, r, home) = (f.process, f.r, f.home)
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        try waitUntil("the account on stderr", timeout: 10) { errors.text.contains("interrupted") }
        #expect(p.terminationStatus == 130, "\(errors.text)")
        #expect(!errors.text.contains("nothing was applied"), "\(errors.text)")
        let growing = try Self.nodes(r, home: home).filter { !$0.value.hasPrefix("RUNNING") }.keys.sorted()
        #expect(growing.count == 2, "\(growing)")
        for name in growing { #expect(errors.text.contains("\(name): add 1 node"), "\(name): \(errors.text)\n\(output.text)") }
        try f.retryRepeatsNothing()
    }

    /// SIGKILL while two targets wait for their scale-out, before any target ended: the record
    /// was kept as their writes were answered, so `--retry-failed` sends no second scale-out to
    /// them (it waits for the jobs they left) and the first to the target that never started.
    /// Without it, the retry found no record and ran every target again: a repeated scale-out.
    @Test func aFleetKilledBeforeAnyTargetEndedIsRetriedWithoutRepeats() throws {
        guard let f = try GrowingFleet.start("fk") else { return }
        defer { f.stop() }
        kill(f.process.processIdentifier, SIGKILL)
        f.process.waitUntilExit()
        #expect(f.process.terminationReason == .uncaughtSignal && f.process.terminationStatus == SIGKILL)
        try f.retryRepeatsNothing()
        // The same fleet run anew after that success, killed again before any target ended: the
        // target it never reached is retried, not taken as "ok" from the run before.
        guard try f.launch() else { return }
        kill(f.process.processIdentifier, SIGKILL)
        f.process.waitUntilExit()
        try f.retryRepeatsNothing(before: 3, run: 2)
    }

    /// SIGKILL in the middle of a fleet target's grant batch: the retry runs the batch again (it
    /// sends only what still differs) rather than refusing the target for an unanswered modify.
    @Test func aFleetKilledInABatchIsRetriedByRunningTheBatchAgain() throws {
        let server = try ServeTests.Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": ServeTests.token], extra: ["--latency", "300ms"])
        defer { server.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let r = Self.remote(server), env = Self.password.merging(["DDMSH_TOKEN": ServeTests.token]) { $1 }
        let accounts = (1...40).map { "k\($0)" }
        let made = try Binary.run(r + ["--instance", "ddm-demo", "-c", accounts.map { "create user \($0) password env P;" }.joined()], environment: env, home: home)
        #expect(made.status == 0, "\(made.stderr)")
        // Two rounds, each killed at whatever point the batch has reached by then.
        for (round, privilege) in [(1, "INSERT"), (2, "DELETE")] {
            let fleet = "on instances (ddm-demo) { grant exactly \(privilege), SELECT to \(accounts.joined(separator: ", ")); }"
            let audit = home + "/.local/state/ddmsh/audit.log"
            func modifies() -> Int {
                ((try? String(contentsOfFile: audit, encoding: .utf8)) ?? "").components(separatedBy: "\"operation\":\"modify account\"").count - 1
            }
            let before = modifies()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: Binary.path)
            p.arguments = r + ["-c", fleet]
            p.environment = Binary.baseEnvironment(home: home).merging(env) { $1 }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            // Killed once the batch has changed some accounts and not all.
            try waitUntil("round \(round): a modify answered", timeout: 30) { modifies() - before >= 2 }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let retry = try Binary.run(r + ["--retry-failed", "-c", fleet], environment: env, home: home)
            #expect(retry.status == 0 && !retry.stdout.contains("could not read it back"), "round \(round): \(retry.stdout)\(retry.stderr)")
            let grants = try Binary.run(r + ["--instance", "ddm-demo", "--output", "csv", "-c", "show grants for \(accounts.joined(separator: ", "))"], environment: env, home: home)
            #expect(grants.stdout.components(separatedBy: privilege).count - 1 == accounts.count, "round \(round): \(grants.stdout)")
        }
    }

    /// Each target's batch counts its own calls: targets run side by side share one client, and
    /// each said the calls of both (`API calls: 6 read, 17 write` where it made 2 and 2).
    @Test func aFleetTargetsBatchCountsItsOwnCalls() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let made = try Binary.run(local + ["-c", ["ddm-c1", "ddm-c2"].map {
            "create instance \($0) with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[ap-southeast-1a] wait;"
        }.joined() + "on instances like 'ddm-c%' concurrency 2 { create user g1 password env P; create user g2 password env P; }"],
                                  environment: Self.password, home: home)
        #expect(made.status == 0, "\(made.stderr)")
        let run = try Binary.run(local + ["-c", "on instances like 'ddm-c%' concurrency 2 { for u in (g1, g2) { grant exactly DELETE, SELECT to $u; } }"], home: home)
        #expect(run.status == 0, "\(run.stderr)")
        let counts = run.stdout.split(separator: "\n").filter { $0.hasPrefix("batch:") }.map { $0.components(separatedBy: "(API calls: ").last ?? "" }
        #expect(counts.count == 2 && counts.allSatisfy { $0 == "2 read, 2 write)" }, "\(run.stdout)")
    }

    /// A fleet across two regions (two services, a profile each) is undone in both: each target's
    /// journal names its own endpoint, and undo reaches the other through its profile. Where the
    /// other cannot be reached, nothing is undone anywhere.
    @Test func undoOfAFleetAcrossRegionsReachesBoth() throws {
        let one = try ServeTests.Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": ServeTests.token])
        defer { one.stop() }
        let two = try ServeTests.Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": ServeTests.token])
        defer { two.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try ServeTests.regionProfiles(home: home, ["one": one, "two": two])
        let token = ["DDMSH_TOKEN": ServeTests.token]
        let users = { (profile: String) in
            try Binary.run(["--profile", profile, "--instance", "ddm-demo", "--output", "csv", "-c", "show users"], environment: token, home: home).stdout
        }
        let fleet = try Binary.run(["--profile", "one", "--rate-limit", "0", "-c",
                                    "on instances (ddm-demo) in regions (rg-one, rg-two) { create user app password env P; }"],
                                   environment: token.merging(Self.password) { $1 }, home: home)
        #expect(fleet.status == 0, "\(fleet.stderr)")
        #expect(try users("one").contains("app,") && users("two").contains("app,"))

        let undo = try Binary.run(["--profile", "two", "undo", "--yes"], environment: token, home: home)
        #expect(undo.status == 0, "\(undo.stdout)\(undo.stderr)")
        #expect(try !users("one").contains("app,") && !users("two").contains("app,"), "\(undo.stdout)")

        // Again, with the second region gone: refused, and nothing is taken back in the first.
        let again = try Binary.run(["--profile", "one", "--rate-limit", "0", "-c",
                                    "on instances (ddm-demo) in regions (rg-one, rg-two) { create user app2 password env P; }"],
                                   environment: token.merging(Self.password) { $1 }, home: home)
        #expect(again.status == 0, "\(again.stderr)")
        two.stop()
        let refused = try Binary.run(["--profile", "one", "undo", "--yes"], environment: token, home: home)
        #expect(refused.status == 1 && refused.stderr.contains("nothing was applied") && refused.stderr.contains(two.url), "\(refused.stderr)")
        #expect(try users("one").contains("app2,"))
    }
}

/// How a fleet finds and runs its targets: by name or id, same-named instances apart, no
/// `use instance` in its body, and canaries that stop the rest when they fail.
@Suite struct FleetTargetTests {
    static func ids(_ local: [String], home: String) throws -> [(name: String, id: String)] {
        let csv = try Binary.run(local + ["--output", "csv", "-c", "show instances"], home: home).stdout
        return csv.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",").map(String.init)
            return (f[0], f[1])
        }
    }

    @Test func targetsByIdAndSameNamedInstancesEachRunOnce() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        #expect(try Binary.run(local + ["-c", FleetSafetyTests.instances(["twin-x", "twin-x", "solo-y"])], home: home).status == 0)
        let all = try Self.ids(local, home: home)
        let twins = all.filter { $0.name == "twin-x" }.map(\.id)
        let solo = try #require(all.first { $0.name == "solo-y" }?.id)
        #expect(twins.count == 2)

        // By id: the one instance, under its name.
        let byId = try Binary.run(local + ["--output", "csv", "-c", "on instances (\(solo)) { set parameter long_query_time = 3; }"], home: home)
        #expect(byId.status == 0 && byId.stdout.contains("solo-y,ok,1"), "\(byId.stdout)\(byId.stderr)")

        // Two instances share a name: both run, each by its id, each shown with it.
        let both = try Binary.run(local + ["--output", "csv", "-c", "on instances like 'twin-%' { set parameter long_query_time = 5; }"], home: home)
        #expect(both.status == 0, "\(both.stdout)\(both.stderr)")
        for id in twins {
            #expect(both.stdout.contains("twin-x (\(id)),ok,1"), "\(both.stdout)")
            let value = try Binary.run(local + ["--instance", id, "--output", "csv", "-c", "show parameters like 'long_query_time'"], home: home).stdout
            #expect(value.contains("long_query_time,5,"), "\(id): \(value)")
        }
        let missing = try Binary.run(local + ["--output", "csv", "-c", "on instances (nosuch-z) { show schemas; }"], home: home)
        #expect(missing.status == 1 && missing.stdout.contains("no instance named nosuch-z"), "\(missing.stdout)")
    }

    @Test func useInstanceInAFleetBodyIsRefusedBeforeAnythingRuns() throws {
        let r = try Binary.run(["--check", "-c", "on instances (ddm-a, ddm-b) { use instance ddm-demo; create user u1 password env P; }"])
        #expect(r.status == 2 && r.stderr.contains("'use instance' cannot choose another"), "\(r.stderr)")
        #expect(r.stderr.contains(":1:31:"), "the error points at the use: \(r.stderr)")
    }

    /// A failed canary stops the fleet without `max failures`; with one, the tolerance decides.
    @Test func aFailedCanaryStopsTheRest() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        #expect(try Binary.run(local + ["-c", FleetSafetyTests.instances(["can-a", "can-b", "can-c"])], home: home).status == 0)
        // can-a already has the account: the canary (the first target) fails.
        #expect(try Binary.run(local + ["--instance", "can-a", "-c", "create user app password env P"],
                               environment: FleetSafetyTests.password, home: home).status == 0)
        let stopped = try Binary.run(local + ["--output", "csv", "-c", "on instances (can-a, can-b, can-c) canary 1 { create user app password env P; }"],
                                     environment: FleetSafetyTests.password, home: home)
        #expect(stopped.status == 1 && stopped.stdout.contains("can-a,failed") && stopped.stdout.contains("can-b,not started")
                && stopped.stdout.contains("can-c,not started"), "\(stopped.stdout)")
        let tolerated = try Binary.run(local + ["--output", "csv", "-c",
                                                "on instances (can-a, can-b, can-c) canary 1 max failures 1 { create user app password env P; }"],
                                       environment: FleetSafetyTests.password, home: home)
        #expect(tolerated.status == 1 && tolerated.stdout.contains("can-b,ok,1") && tolerated.stdout.contains("can-c,ok,1"), "\(tolerated.stdout)")
    }

    @Test func aPercentageOver100IsRefusedAtTheFlag() throws {
        let r = try Binary.run(["--instances", "a%", "--max-failures", "150%", "--check", "-c", "show schemas"])
        #expect(r.status == 2 && r.stderr.contains("--max-failures") && r.stderr.contains("150%"), "\(r.stderr)")
    }
}

/// A dry run checks every precondition the run checks after a read, with the same read: where
/// the run is refused, the dry run says it would fail and exits 1.
@Suite struct DryRunPredictsTests {
    @Test func aRefusedRunIsADryRunThatWouldFail() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        for statement in ["drop user ghost4", "set read weights rds-archive = 10", "restart node nosuch", "drop group default",
                          "drop group nosuch", "alter schema nosuch cancel reshard"] {
            let dry = try Binary.run(local + ["--dry-run", "-c", statement], home: home)
            let run = try Binary.run(local + ["-c", statement], home: home)
            #expect(dry.status == 1 && dry.stderr.contains("would fail:"), "\(statement): \(dry.stdout)\(dry.stderr)")
            #expect(!dry.stdout.contains("dry run: would"), "\(statement): \(dry.stdout)")
            #expect(run.status == 1, "\(statement): \(run.stderr)")
        }
        // Said as it is, not as the service's code: the schema, the backup are not there.
        let noSchema = try Binary.run(local + ["-c", "alter schema nosuch cancel reshard"], home: home)
        #expect(noSchema.stderr.contains("schema nosuch does not exist on ddm-demo"), "\(noSchema.stderr)")
        let noBackup = try Binary.run(local + ["-c", "show backup abc"], home: home)
        #expect(noBackup.status == 1 && noBackup.stderr.contains("backup abc is not a backup of instance ddm-demo (see 'show backups;')")
                && !noBackup.stderr.contains("DBS."), "\(noBackup.stderr)")
        let gone = try Binary.run(local + ["--dry-run", "-c", "drop user ghost4 if exists"], home: home)
        #expect(gone.status == 0 && gone.stdout.contains("does not exist; nothing to drop"), "\(gone.stdout)")
        // Created earlier in the same dry run: the drop would work.
        let both = try Binary.run(local + ["--dry-run", "-c", "create user ghost5 password env P; drop user ghost5"],
                                  environment: FleetSafetyTests.password, home: home)
        #expect(both.status == 0 && both.stdout.contains("dry run: would drop user ghost5"), "\(both.stdout)\(both.stderr)")
    }

    /// A schema whose shard configuration is moving: the run is refused, and so is its dry run
    /// (it said "would drop").
    @Test func aDropUnderAReshardIsADryRunThatWouldFail() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let setUp = try Binary.run(local + ["-c", """
            create schema moving shards 2 on rds rds-orders admin user root password env P wait;
            alter schema moving reshard shards 4 admin user root password env P switch manually wait;
            """], environment: ["P": "Rds_Admin_1!"], home: home)
        #expect(setUp.status == 0, "\(setUp.stdout)\(setUp.stderr)")
        let dry = try Binary.run(local + ["--dry-run", "-c", "drop schema moving"], home: home)
        #expect(dry.status == 1 && dry.stderr.contains("would fail: schema moving is being resharded"), "\(dry.stdout)\(dry.stderr)")
        #expect(!dry.stdout.contains("would drop"), "\(dry.stdout)")
        let run = try Binary.run(local + ["-c", "drop schema moving"], home: home)
        #expect(run.status == 1 && run.stderr.contains("DBS.300358"), "\(run.stderr)")
    }

    /// `create schema` without an administrator takes root and DDM_RDS_PASSWORD, as reshard and
    /// import do; without the variable nothing is sent, and the error says where the password comes from.
    @Test func createSchemaTakesTheDataNodesPasswordFromTheEnvironment() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let without = try Binary.run(local + ["-c", "create schema shop shards 2 on rds rds-orders"], environment: [:], home: home)
        #expect(without.status == 2 && without.stderr.contains("DDM_RDS_PASSWORD is not set") && without.stderr.contains(":1:29:"), "\(without.stderr)")
        let with = try Binary.run(local + ["-c", "create schema shop shards 2 on rds rds-orders wait; show schemas"],
                                  environment: ["DDM_RDS_PASSWORD": "Rds_Admin_1!"], home: home)
        #expect(with.status == 0 && with.stdout.contains("created schema shop"), "\(with.stdout)\(with.stderr)")
    }

    /// An object the same script creates first: its dry run does not fail where the run succeeds.
    @Test func aDryRunSeesWhatTheScriptCreatesFirst() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let script = "create parameter template xtpl description 'x'; apply parameter template xtpl; "
            + "create group grp1 nodes 1 wait; alter group grp1 set access whitelist ('10.0.0.1');"
        let dry = try Binary.run(local + ["--dry-run", "--detailed-exitcode", "-c", script], home: home)
        #expect(dry.status == 3 && dry.stdout.components(separatedBy: "which this run creates first").count == 3, "\(dry.stdout)\(dry.stderr)")
        let run = try Binary.run(local + ["-c", script], home: home)
        #expect(run.status == 0, "\(run.stderr)")
    }

    @Test func templateRefusalsArePredicted() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        #expect(try Binary.run(local + ["-c", "create parameter template taken description 'x'"], home: home).status == 0)
        for statement in ["create parameter template taken description 'again'", "alter parameter template Default-DDM-3.0 set long_query_time = 3",
                          "drop parameter template Default-DDM-3.0"] {
            let dry = try Binary.run(local + ["--dry-run", "-c", statement], home: home)
            let run = try Binary.run(local + ["-c", statement], home: home)
            #expect(dry.status == 1 && dry.stderr.contains("would fail:"), "\(statement): \(dry.stdout)\(dry.stderr)")
            #expect(run.status == 1, "\(statement): \(run.stderr)")
        }
    }
}
