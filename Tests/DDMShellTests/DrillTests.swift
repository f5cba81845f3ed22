import Foundation
import Testing

/// Fault drills across processes: ddmsh killed mid-batch, and the service restarted mid-script.
@Suite struct DrillTests {
    static let token = ServeTests.token
    static let project = ServeTests.project

    func ddmsh(_ server: ServeTests.Server, _ args: [String], home: String? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["--endpoint", server.url, "--project-id", Self.project, "--instance", "ddm-demo"] + args
        p.environment = Binary.baseEnvironment(home: try home ?? Binary.temporaryHome()).merging(["DDMSH_TOKEN": Self.token]) { $1 }
        p.standardInput = FileHandle.nullDevice
        return p
    }

    func run(_ server: ServeTests.Server, _ args: [String], home: String? = nil) throws -> Binary.Result {
        try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "--instance", "ddm-demo"] + args,
                       environment: ["DDMSH_TOKEN": Self.token], home: home)
    }

    /// Schema `orders` and the accounts, written without pacing.
    func seed(_ server: ServeTests.Server, _ names: [String], comment: String? = nil, home: String? = nil) throws {
        let setup = try run(server, ["--rate-limit", "0", "-c", """
            create schema orders shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            for u in (\(names.joined(separator: ", "))) { create user $u password 'App_pass_12!'\(comment.map { " comment '\($0)'" } ?? ""); }
            """], home: home)
        #expect(setup.status == 0, "\(setup.stderr)")
    }

    /// Runs `script` capped at 120 calls/min (a batch of 20 or 30 writes takes 10 to 15 s) and
    /// SIGKILLs it once `changed` says the service shows the first account changed: mid-batch,
    /// whatever the machine's speed.
    func killMidBatch(_ server: ServeTests.Server, _ script: String, home: String? = nil, changed: () throws -> Bool) throws {
        let victim = try ddmsh(server, ["--rate-limit", "120", script], home: home)
        victim.standardOutput = FileHandle.nullDevice
        victim.standardError = FileHandle.nullDevice
        try victim.run()
        try waitUntil("the first account to change", changed)
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(victim.terminationReason == .uncaughtSignal)
    }

    @Test func sigkillMidBatchThenTheRerunWritesOnlyWhatWasMissing() throws {
        let dir = try Binary.temporaryHome()
        let server = try ServeTests.Server(state: dir + "/state.sqlite", environment: ["DDM_LOCAL_TOKEN": Self.token])
        defer { server.stop() }
        let names = (1...30).map { "k\($0)" }
        try seed(server, names)
        let script = dir + "/grant.ddm"
        try "grant SELECT, INSERT on orders to \(names.joined(separator: ", "));\n".write(toFile: script, atomically: true, encoding: .utf8)

        try killMidBatch(server, script) {
            try run(server, ["--output", "csv", "-c", "show users"]).stdout.contains("INSERT,SELECT")
        }

        let rerun = try run(server, ["--rate-limit", "0", script])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let summary = try #require(rerun.stdout.firstMatch(of: /batch: (\d+) changed, (\d+) unchanged, 0 failed \(API calls: 2 read, (\d+) write\)/))
        let changed = Int(summary.1)!, unchanged = Int(summary.2)!, writes = Int(summary.3)!
        #expect(changed + unchanged == 30)
        #expect(changed == writes)
        #expect(changed > 0 && unchanged > 0, "the kill should land mid-batch: \(changed) changed, \(unchanged) unchanged")

        let users = try run(server, ["--output", "csv", "-c", "show users"])
        let rows = users.stdout.split(separator: "\r\n").dropFirst()
        #expect(rows.count == 30)
        #expect(rows.allSatisfy { $0.contains("\"INSERT,SELECT\",orders") })
    }

    /// The service dies mid-batch: ddmsh stops within seconds (no silent retrying), says what it
    /// applied and what it did not send, and a re-run against the service restarted converges.
    @Test func serviceDeathMidBatchStopsSoonAndTheRerunConverges() throws {
        let dir = try Binary.temporaryHome()
        let state = dir + "/state.sqlite"
        let first = try ServeTests.Server(state: state, environment: ["DDM_LOCAL_TOKEN": Self.token])
        let port = Int(first.url.split(separator: ":").last!)!
        let names = (1...40).map { "d\($0)" }
        try seed(first, names)
        let script = dir + "/grant.ddm"
        try "grant SELECT, INSERT on orders to \(names.joined(separator: ", "));\n".write(toFile: script, atomically: true, encoding: .utf8)
        let p = try ddmsh(first, ["--rate-limit", "120", script])
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let output = OutputWatcher(out), errors = OutputWatcher(err)
        try p.run()
        try waitUntil("the first account to change") {
            try run(first, ["--output", "csv", "-c", "show users"]).stdout.contains("INSERT,SELECT")
        }
        first.stop()
        let stopped = Date()
        p.waitUntilExit()
        #expect(Date().timeIntervalSince(stopped) < 20, "ddmsh kept retrying a dead endpoint")
        #expect(p.terminationStatus == 1)
        try waitUntil("the output to close", timeout: 10) { errors.text.contains("not sent") }
        #expect(errors.text.contains("cannot connect to 127.0.0.1:\(port)"), "\(errors.text)")
        #expect(output.text.contains("batch: "), "\(output.text)")

        var restarted: ServeTests.Server?
        try waitUntil("the port to be free again", timeout: 10) {
            restarted = try? ServeTests.Server(state: state, environment: ["DDM_LOCAL_TOKEN": Self.token], port: port)
            return restarted != nil
        }
        let second = try #require(restarted)
        defer { second.stop() }
        let rerun = try run(second, ["--rate-limit", "0", script])
        #expect(rerun.status == 0, "\(rerun.stderr)")
        let rows = try run(second, ["--output", "csv", "-c", "show users"]).stdout.split(separator: "\r\n").dropFirst()
        #expect(rows.count == 40 && rows.allSatisfy { $0.contains("\"INSERT,SELECT\",orders") })
    }

    @Test func serviceRestartBetweenStatementsLosesNothing() throws {
        let dir = try Binary.temporaryHome()
        let state = dir + "/state.sqlite"
        let first = try ServeTests.Server(state: state, environment: ["DDM_LOCAL_TOKEN": Self.token], extra: ["--create-delay", "4s"])
        let port = Int(first.url.split(separator: ":").last!)!
        let script = dir + "/s.ddm"
        try """
            create user before_restart password 'App_pass_12!';
            create instance ddm-second with flavor=ddm.c6.large.2, nodes=2, vpc=v, subnet=s, security_group=g, az=[ap-southeast-1a] wait;
            create user after_restart password 'App_pass_12!';
            """.write(toFile: script, atomically: true, encoding: .utf8)
        let p = try ddmsh(first, ["--rate-limit", "0", script])
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let output = OutputWatcher(out), errors = OutputWatcher(err)
        try p.run()
        // Once the script is waiting for the new instance, stop the service and start it again.
        try waitUntil("the script to wait for the instance") { output.text.contains("creating instance ddm-second") }
        first.stop()
        var restarted: ServeTests.Server?
        try waitUntil("the port to be free again", timeout: 10) {
            restarted = try? ServeTests.Server(state: state, environment: ["DDM_LOCAL_TOKEN": Self.token], port: port,
                                               extra: ["--create-delay", "4s"])
            return restarted != nil
        }
        let second = try #require(restarted)
        defer { second.stop() }
        p.waitUntilExit()
        try waitUntil("the output to close", timeout: 10) { output.text.contains("after_restart") || p.terminationStatus != 0 }
        let stdout = output.text
        let stderr = errors.text
        #expect(p.terminationStatus == 0, "\(stdout)\n\(stderr)")
        #expect(stdout.contains("instance ddm-second is RUNNING"))
        let users = try run(second, ["-c", "show users"])
        #expect(users.stdout.contains("before_restart") && users.stdout.contains("after_restart"))
    }

    @Test func aRunKilledBetweenTwoWritesIsUndoneFromItsJournal() throws {
        let dir = try Binary.temporaryHome()
        let server = try ServeTests.Server(state: dir + "/state.sqlite", environment: ["DDM_LOCAL_TOKEN": Self.token])
        defer { server.stop() }
        let names = (1...20).map { "j\($0)" }
        try seed(server, names, comment: "before", home: dir)
        func users() throws -> [Substring] {
            try run(server, ["--output", "csv", "-c", "show users"]).stdout.split(separator: "\r\n").dropFirst().sorted()
        }
        let before = try users()
        let script = dir + "/grant.ddm"
        try "grant exactly SELECT, INSERT on orders to \(names.joined(separator: ", ")) comment 'after';\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        try killMidBatch(server, script, home: dir) { try users().contains { $0.contains("after") } }
        let changed = try users().filter { $0.contains("after") }.count
        #expect(changed > 0 && changed < 20, "the kill should land mid-batch: \(changed) changed")

        let listed = try Binary.run(["undo", "--list"], home: dir)
        #expect(listed.stdout.contains("ddm-demo"))
        let undo = try Binary.run(["undo", "--yes", "--endpoint", server.url, "--project-id", Self.project],
                                  environment: ["DDMSH_TOKEN": Self.token], home: dir)
        #expect(undo.status == 0, "\(undo.stdout)\n\(undo.stderr)")
        #expect(try users() == before)
    }
}
