import Foundation
import LocalTestSupport
import Testing

/// "What ddmsh reports is what happened", off the happy path: closed pipes, signals, endpoints
/// that are not there. Real processes, real pipes, real signals.
@Suite struct SafetyNetTests {
    static let local = ["--local", "--state", ":memory:", "--local-create-delay", "0", "--rate-limit", "0"]

    /// Runs ddmsh with stdout a pipe whose reader is already gone.
    func runWithClosedStdout(_ arguments: [String], state home: String) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = arguments
        p.environment = Binary.baseEnvironment(home: home)
        let out = Pipe(), err = Pipe()
        try out.fileHandleForReading.close()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: errors, as: UTF8.self))
    }

    @Test func aClosedPipeEndsQuietlyWith141() throws {
        let home = try Binary.temporaryHome()
        let r = try runWithClosedStdout(Self.local + ["-c", "show available rds; show instances"], state: home)
        #expect(r.status == 141)
        #expect(r.stderr.isEmpty, "a reader that went away wants silence: \(r.stderr)")
    }

    @Test func aClosedPipeStopsAWritingScriptAndSaysWhatWasApplied() throws {
        let home = try Binary.temporaryHome()
        let state = home + "/state.sqlite"
        let r = try runWithClosedStdout(["--local", "--state", state, "--local-create-delay", "0", "--rate-limit", "0", "-c", """
            create user app1 password 'App_pass_12!';
            create user app2 password 'App_pass_12!';
            """], state: home)
        #expect(r.status == 141)
        #expect(!r.stderr.contains("Fatal error"))
        #expect(r.stderr.contains("already applied:\n  created user app1"), "\(r.stderr)")
        // The run stopped at the first output it could not deliver: app2 was never created.
        let users = try Binary.run(["--local", "--state", state, "--output", "csv", "-c", "show users"])
        #expect(users.stdout.contains("app1") && !users.stdout.contains("app2"), "\(users.stdout)")
    }

    @Test func aRefusedConnectionFailsInSecondsInPlainWords() throws {
        // A port nobody listens on: bind one, note it, close it.
        let port = try LoopbackPort.unused()
        let started = Date()
        let r = try Binary.run(["--endpoint", "http://127.0.0.1:\(port)", "--project-id", String(repeating: "a", count: 32), "-c", "show instances"],
                               environment: ["HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot connect to 127.0.0.1:\(port): connection refused"), "\(r.stderr)")
        #expect(!r.stderr.contains("errno"))
        #expect(Date().timeIntervalSince(started) < 15, "a dead endpoint must fail in seconds")
    }

    @Test func anUnresolvableHostSaysSo() throws {
        let r = try Binary.run(["--endpoint", "https://ddm.invalid", "--project-id", String(repeating: "a", count: 32), "-c", "show instances"],
                               environment: ["HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("cannot connect to ddm.invalid: the host name cannot be resolved"), "\(r.stderr)")
    }

    @Test func sigtermStopsARunWithTheSameAccountAsCtrlC() throws {
        let r = try Binary.runUntil(Binary.slowScript, shows: "creating instance ddm-slow", then: { $0.terminate() }, stderrShows: "interrupted")
        #expect(r.status == 143)
        #expect(r.stderr.contains("interrupted; already applied:"))
        #expect(r.stderr.contains("created user app"))
    }

    /// The undo of an administration run that named its instance explicitly: it knows the
    /// instance, applies, and the service is back where it was. Runs of another endpoint are
    /// not offered, and a damaged newer journal stops undo instead of being skipped.
    @Test func undoOfAnAdministrationRunRunsAndStaysOnItsEndpoint() throws {
        let home = try Binary.temporaryHome()
        let state = home + "/s.sqlite"
        let local = ["--local", "--state", state, "--local-create-delay", "0", "--rate-limit", "0"]
        func run(_ args: [String], _ env: [String: String] = [:]) throws -> Binary.Result {
            try Binary.run(args, environment: env, home: home)
        }
        #expect(try run(local + ["-c", "create user a3 password 'App_pass_12!' with SELECT"]).status == 0)
        let admin = try run(local + ["-c", "alter instance ddm-demo set ssl off wait; set parameter max_connections=1234; drop user a3"])
        #expect(admin.status == 0, "\(admin.stderr)")

        // Another endpoint (another local state) has nothing to undo.
        let elsewhere = try run(["undo", "--local", "--state", home + "/other.sqlite", "--yes"])
        #expect(elsewhere.status == 2)
        #expect(elsewhere.stderr.contains("no journaled run on local:\(home)/other.sqlite"), "\(elsewhere.stderr)")

        let undo = try run(["undo"] + local + ["--yes"], ["DDM_PASSWORD_A3": "Xyz_pass_12!"])
        #expect(undo.status == 0, "\(undo.stdout)\n\(undo.stderr)")
        #expect(undo.stdout.contains("on instance ddm-demo\nuse instance "))
        let after = try run(local + ["--output", "csv", "-c", "show parameters like 'max_connections'; show users"])
        #expect(after.stdout.contains("max_connections,20000"), "\(after.stdout)")
        #expect(after.stdout.contains("a3,SELECT"), "\(after.stdout)")

        let listed = try run(["undo", "--list"])
        #expect(listed.stdout.contains("local:\(state)"))

        // A damaged journal newer than every run: reported, and no older run is undone in its place.
        let journal = home + "/.local/state/ddmsh/journal"
        try "not json\n".write(toFile: journal + "/29991231T000000.000-0001-1.jsonl", atomically: true, encoding: .utf8)
        let damaged = try run(["undo"] + local + ["--yes"])
        #expect(damaged.status == 1)
        #expect(damaged.stderr.contains("cannot be read"), "\(damaged.stderr)")
        #expect(!damaged.stdout.contains("undo of run"))
        #expect(try run(["undo", "--list"]).stdout.contains("(journal cannot be read)"))
    }

    /// Instance lifecycle writes are journaled like the rest: a rename and a security group
    /// change are taken back, a drop is named as what undo cannot bring back.
    @Test func instanceLifecycleWritesAreJournaled() throws {
        let home = try Binary.temporaryHome()
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let before = try Binary.run(local + ["--output", "csv", "-c", "show instance ddm-demo"], home: home)
        let change = try Binary.run(local + ["-c", "rename instance ddm-demo to ddm-renamed; alter instance ddm-renamed set security group sg-new"], home: home)
        #expect(change.status == 0, "\(change.stderr)")
        let undo = try Binary.run(["undo"] + local + ["--instance", "ddm-renamed", "--yes"], home: home)
        #expect(undo.status == 0, "\(undo.stdout)\n\(undo.stderr)")
        #expect(undo.stdout.contains("rename instance "), "\(undo.stdout)")
        let after = try Binary.run(local + ["--output", "csv", "-c", "show instance ddm-demo"], home: home)
        #expect(after.status == 0 && after.stdout == before.stdout, "\(before.stdout)\n---\n\(after.stdout)\n\(after.stderr)")

        let drop = try Binary.run(local + ["-c", "drop instance ddm-demo"], home: home)
        #expect(drop.status == 0, "\(drop.stderr)")
        let dropUndo = try Binary.run(["undo"] + local + ["--yes"], home: home)
        #expect(dropUndo.stdout.contains("not taken back: dropped instance ddm-demo"), "\(dropUndo.stdout)")
    }

    @Test func noSecretInDiagnosticsAndAWarningForLiteralsInDashC() throws {
        let r = try Binary.run(Self.local + ["-c", "create user x1 password 'S3cret_lit!' with SELCT"])
        #expect(r.status == 2)
        #expect(!r.stderr.contains("S3cret_lit!"), "\(r.stderr)")
        #expect(r.stderr.contains("password '***********' with SELCT"), "\(r.stderr)")
        #expect(r.stderr.contains("visible to other users of this machine in the process list"))
        let typo = try Binary.run(Self.local, stdin: "create user x2 passwrd 'S3cret_typo!';\n")
        #expect(typo.status == 2)
        #expect(!typo.stderr.contains("S3cret_typo!"), "\(typo.stderr)")
        #expect(!typo.stderr.contains("process list"), "stdin is not argv: no warning")
    }

    @Test func theStateFileIsPrivateAndAForeignFileIsLeftAlone() throws {
        let home = try Binary.temporaryHome()
        let state = home + "/state.sqlite"
        #expect(try Binary.run(["--local", "--state", state, "-c", "show users"], home: home).status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let foreign = home + "/notes.txt"
        try "my notes\n".write(toFile: foreign, atomically: true, encoding: .utf8)
        let r = try Binary.run(["--local", "--state", foreign, "-c", "show users"], home: home)
        #expect(r.status != 0)
        #expect(r.stderr.contains("is not a state file of the local service"), "\(r.stderr)")
        #expect(try String(contentsOfFile: foreign, encoding: .utf8) == "my notes\n")
        #expect(!FileManager.default.fileExists(atPath: foreign + "-wal"))
    }

    /// The record is part of the promise: a write that could not be recorded is not sent.
    @Test func anUnwritableAuditLogOrJournalStopsTheWriteBeforeItIsSent() throws {
        let home = try Binary.temporaryHome()
        let state = home + "/s.sqlite"
        let local = ["--local", "--state", state, "--local-create-delay", "0", "--rate-limit", "0"]
        let audit = try Binary.run(local + ["-c", "show users; create user a1 password env P"],
                                   environment: ["DDMSH_AUDIT_LOG": "/proc/nope/audit.log", "P": "Abc_pass_12!"], home: home)
        #expect(audit.status == 1)
        #expect(audit.stderr.contains("cannot write the audit log /proc/nope/audit.log"), "\(audit.stderr)")
        #expect(!audit.stderr.contains("NSCocoaErrorDomain"))
        let journal = try Binary.run(local + ["-c", "create user a2 password env P"],
                                     environment: ["DDMSH_JOURNAL_DIR": "/proc/nope", "P": "Abc_pass_12!"], home: home)
        #expect(journal.status == 1)
        #expect(journal.stderr.contains("cannot keep this run's journal in /proc/nope"), "\(journal.stderr)")
        // Neither account was created; with the log turned off on purpose, the write goes ahead.
        let users = try Binary.run(local + ["--output", "csv", "-c", "show users"], home: home)
        #expect(!users.stdout.contains("a1") && !users.stdout.contains("a2"), "\(users.stdout)")
        let off = try Binary.run(local + ["--audit-log", "off", "-c", "create user a3 password env P"],
                                 environment: ["DDMSH_AUDIT_LOG": "/proc/nope/audit.log", "P": "Abc_pass_12!"], home: home)
        #expect(off.status == 0, "\(off.stderr)")
    }

    /// `--check` and the run resolve env and file secrets before anything runs.
    @Test func missingSecretsFailTheCheckNotTheMiddleOfARun() throws {
        let script = "create user s1 password 'App_pass_12!'; create user s2 password env NOT_SET_ANYWHERE; create user s3 password file '/nonexistent/pw';"
        let check = try Binary.run(["--check", "-c", script])
        #expect(check.status == 2)
        #expect(check.stderr.contains("environment variable NOT_SET_ANYWHERE is not set"))
        #expect(check.stderr.contains("the secret file '/nonexistent/pw' does not exist"))
        let empty = try Binary.run(["--check", "-c", "create user s2 password env EMPTY_ONE"], environment: ["EMPTY_ONE": ""])
        #expect(empty.stderr.contains("environment variable EMPTY_ONE is empty"))
        let home = try Binary.temporaryHome()
        let state = home + "/s.sqlite"
        let run = try Binary.run(["--local", "--state", state, "-c", script], home: home)
        #expect(run.status == 2)
        #expect(run.stderr.contains("nothing was run"))
        let users = try Binary.run(["--local", "--state", state, "--output", "csv", "-c", "show users"], home: home)
        #expect(!users.stdout.contains("s1"), "s1 was created before the run stopped: \(users.stdout)")
    }

    @Test func binaryInputAndHugeLinesGiveBoundedDiagnostics() throws {
        var generator = SystemRandomNumberGenerator()
        let binary = String(decoding: (0..<2048).map { _ in UInt8.random(in: 0...255, using: &generator) }, as: UTF8.self)
        let r = try Binary.run(["--check"], stdin: binary)
        #expect(r.status == 2)
        #expect(r.stderr.utf8.count < 16_000, "\(r.stderr.utf8.count) bytes of diagnostics for 2 KB of input")
        let long = "grant SELECT on x to " + String(repeating: "a", count: 200_000) + " zzz;\n"
        let l = try Binary.run(["--check"], stdin: long)
        #expect(l.status == 2)
        #expect(l.stderr.utf8.count < 2_000, "a 200 KB line was echoed: \(l.stderr.utf8.count) bytes")
        #expect(l.stderr.contains("zzz"))
        // Past the limit, errors come before warnings: 25 missing variables (warnings under
        // --check) must not hide the one error at the end.
        let script = (1...25).map { "create user u\($0) if not exists password env NO_SUCH_VAR_\($0);" }.joined(separator: "\n")
            + "\ngrant BOGUS on x to u1;\n"
        let w = try Binary.run(["--check", "--instance", "x"], stdin: script)
        #expect(w.status == 2 && w.stderr.contains("error: unknown privilege 'BOGUS'") && w.stderr.contains("more (only the first 20 are shown)"), "\(w.stderr)")
    }

    /// The README's first script passes as written: check, dry run, run, and a second run that
    /// changes nothing.
    @Test func theReadmesFirstScriptRunsAsWritten() throws {
        let readme = try String(contentsOf: Binary.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## A first script"))
        let rest = readme[section.upperBound...]
        let open = try #require(rest.range(of: "```sql\n"))
        let close = try #require(rest[open.upperBound...].range(of: "```"))
        let script = String(rest[open.upperBound..<close.lowerBound])
        let exports = try #require(rest.firstMatch(of: /export RDS_PASSWORD='([^']+)' INITIAL_PASSWORD='([^']+)'/))
        let env = ["RDS_PASSWORD": String(exports.1), "INITIAL_PASSWORD": String(exports.2)]
        let home = try Binary.temporaryHome()
        let path = home + "/onboard.ddm"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        for mode in [["--check"], ["--dry-run"], [], []] {
            let r = try Binary.run(local + mode + [path], environment: env, home: home)
            #expect(r.status == 0, "\(mode): \(r.stdout)\n\(r.stderr)")
        }
        let again = try Binary.run(local + [path], environment: env, home: home)
        #expect(again.stdout.contains("batch: 0 changed, 3 unchanged"), "\(again.stdout)")
    }

    /// At the default API setting an export keeps extended privileges, and an account left with no
    /// privilege keeps its schemas and comment; the drift check agrees, and a round trip is exact.
    @Test func exportKeepsExtendedPrivilegesAndEmptyAccounts() throws {
        let home = try Binary.temporaryHome()
        func local(_ state: String) -> [String] { ["--local", "--state", home + "/" + state, "--local-create-delay", "0", "--rate-limit", "0"] }
        let env = ["DDM_PASSWORD_A1": "App_pass_12!", "DDM_PASSWORD_A2": "App_pass_12!", "DDM_RDS_PASSWORD": "Rds_Admin_1!", "P": "App_pass_12!"]
        let setup = try Binary.run(local("a.sqlite") + ["-c", """
            create schema orders shards 2 on rds rds-orders admin user root password env DDM_RDS_PASSWORD;
            create user a1 password env P with SELECT, fulltableSelect on orders comment 'reads all';
            create user a2 password env P on orders comment 'parked';
            revoke ALL from a2;
            """], environment: env, home: home)
        #expect(setup.status == 0, "\(setup.stderr)")
        let file = home + "/users.ddm"
        #expect(try Binary.run(local("a.sqlite") + ["-c", "export all passwords env to '\(file)'"], home: home).status == 0)
        let exported = try String(contentsOfFile: file, encoding: .utf8)
        #expect(exported.contains("grant exactly SELECT, fulltableSelect on orders to a1 comment 'reads all';"), "\(exported)")
        #expect(exported.contains("grant exactly none on orders to a2 comment 'parked';"), "\(exported)")
        let drift = try Binary.run(local("a.sqlite") + ["--dry-run", "--detailed-exitcode", file], environment: env, home: home)
        #expect(drift.status == 0, "\(drift.stdout)\n\(drift.stderr)")
        // Applied to an empty instance, the export gives back the same state.
        let apply = try Binary.run(local("b.sqlite") + [file], environment: env, home: home)
        #expect(apply.status == 0, "\(apply.stdout)\n\(apply.stderr)")
        let second = home + "/again.ddm"
        #expect(try Binary.run(local("b.sqlite") + ["-c", "export all passwords env to '\(second)'"], home: home).status == 0)
        let again = try String(contentsOfFile: second, encoding: .utf8)
        #expect(exported.split(separator: "\n").dropFirst() == again.split(separator: "\n").dropFirst())
    }

    /// `--dry-run` prints the routes the client will send, as `explain` does.
    @Test func dryRunPrintsTheRoutesOfTheChosenAPIVersion() throws {
        let v1 = try Binary.run(Self.local + ["--api-version", "v1", "--dry-run", "-c", "drop user nobody if exists"])
        #expect(v1.stdout.contains("DELETE /v1/"), "\(v1.stdout)")
        #expect(!v1.stdout.contains("/v3/"), "\(v1.stdout)")
        let auto = try Binary.run(Self.local + ["--dry-run", "-c", "drop user nobody if exists"])
        #expect(auto.stdout.contains("DELETE /v3/"), "\(auto.stdout)")
        // Under auto, what carries or shows extended privileges goes to v1, and the plan says so.
        let export = try Binary.run(Self.local + ["--dry-run", "-c", "export users to '/dev/null'"])
        #expect(export.stdout.contains("GET    /v1/{project_id}/instances/{instance_id}/users"), "\(export.stdout)")
        let grant = try Binary.run(Self.local + ["--dry-run", "-c", "create user wide password 'App_pass_12!' with SELECT, fulltableSelect"])
        #expect(grant.stdout.contains("POST   /v1/{project_id}/instances/{instance_id}/users"), "\(grant.stdout)")
    }
}
