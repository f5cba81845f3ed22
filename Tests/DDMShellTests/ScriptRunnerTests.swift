import Foundation
import Testing

/// Every way into the script runner, every exit code, and the output formats,
/// through the real binary against its embedded local service.
@Suite struct ScriptRunnerTests {
    static let local = ["--local", "--state", ":memory:", "--local-create-delay", "0", "--rate-limit", "0"]

    func tempFile(_ name: String, _ text: String, executable: Bool = false) throws -> String {
        let dir = try Binary.temporaryHome()
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        if executable { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path) }
        return path
    }

    @Test func commandString() throws {
        let r = try Binary.run(Self.local + ["-c", "create user app password 'App_pass_12!'; show users"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("created user app with SELECT (no schemas)"))
        #expect(r.stdout.contains("app   SELECT"))
        // The one thing on stderr: a literal password in argv is visible in the process list.
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("process list"), "\(r.stderr)")
    }

    @Test func fileArgumentAndDashF() throws {
        let path = try tempFile("s.ddm", "show available rds;\n")
        for args in [[path], ["-f", path]] {
            let r = try Binary.run(Self.local + args)
            #expect(r.status == 0)
            #expect(r.stdout.contains("rds-orders"))
        }
        let missing = try Binary.run(Self.local + ["/nonexistent/x.ddm"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("cannot read '/nonexistent/x.ddm'"))
    }

    @Test func statementsOnStdin() throws {
        let r = try Binary.run(Self.local, stdin: "create user app password 'App_pass_12!';\nshow grants for app;\n")
        #expect(r.status == 0)
        #expect(r.stdout.contains("app      SELECT      (none)"))
        // No prompts, no escape codes when stdin is not a terminal.
        #expect(!r.stdout.contains("ddm(") && !r.stdout.contains("\u{1B}["))
    }

    @Test func shebangScriptUsesTheDefaultProfile() throws {
        let home = try Binary.temporaryHome()
        try FileManager.default.createDirectory(atPath: home + "/.config/ddmsh", withIntermediateDirectories: true)
        try "[default]\nlocal = true\nstate = :memory:\n".write(toFile: home + "/.config/ddmsh/config", atomically: true, encoding: .utf8)
        let script = try tempFile("onboard.ddm", "#!/usr/bin/env ddmsh\nshow instances;\n", executable: true)
        let binDir = URL(fileURLWithPath: Binary.path).deletingLastPathComponent().path
        let r = try Binary.run([], environment: [
            "PATH": binDir + ":/usr/bin:/bin", "XDG_CONFIG_HOME": home + "/.config",
        ], executable: script)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ddm-demo"))
    }

    @Test func variablesFromTheCommandLine() throws {
        let path = try tempFile("v.ddm", "for u in $team { create user $u password 'App_pass_12!'; }\nshow users;\n")
        let r = try Binary.run(Self.local + [path, "-v", "team=ann,ben"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("created user ann") && r.stdout.contains("created user ben"))
        let bad = try Binary.run(Self.local + [path, "-v", "team"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("-v takes name=value"))
    }

    @Test func exitCodes() throws {
        #expect(try Binary.run(Self.local + ["-c", "show users"]).status == 0)
        let failed = try Binary.run(Self.local + ["-c", "drop user ghost"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("<command>:1:1: error: The account ghost does not exist. (DBS.300327, HTTP 404)"))
        let syntax = try Binary.run(Self.local + ["-c", "grant SELECT on orders"])
        #expect(syntax.status == 2)
        #expect(syntax.stderr.contains("1 error; nothing was run"))
        #expect(try Binary.run(["--output", "yaml", "-c", "show users"]).status == 2)
        #expect(try Binary.run(Self.local + ["-c", "show users", "-f", "x.ddm"]).status == 2)
        // No endpoint at all is a usage error, not a crash.
        let nowhere = try Binary.run(["-c", "show instances"])
        #expect(nowhere.status == 2)
        #expect(nowhere.stderr.contains("no DDM endpoint"))
    }

    @Test func interruptedRunExits130AndSaysWhatWasApplied() throws {
        // Interrupt once the script is waiting for the instance (and the user was created).
        let r = try Binary.runUntil(Binary.slowScript, shows: "creating instance ddm-slow", then: { $0.interrupt() }, stderrShows: "interrupted")
        #expect(r.status == 130)
        #expect(r.stderr.contains("interrupted; already applied:"))
        #expect(r.stderr.contains("created user app"))
    }

    @Test func onErrorFlag() throws {
        let script = "drop user ghost; create user app password 'App_pass_12!';"
        let stop = try Binary.run(Self.local + ["-c", script])
        #expect(stop.status == 1 && !stop.stdout.contains("created user app"))
        let go = try Binary.run(Self.local + ["--on-error", "continue", "-c", script])
        #expect(go.status == 1 && go.stdout.contains("created user app"))
        #expect(try Binary.run(Self.local + ["--on-error", "maybe", "-c", script]).status == 2)
    }

    @Test func jsonOutputIsOneDocumentPerLine() throws {
        let r = try Binary.run(Self.local + ["--output", "json", "-c", "create user app password 'App_pass_12!' comment 'a \"b\", c'; show users; show available rds"])
        #expect(r.status == 0)
        let docs = try r.stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        #expect(docs.count == 3)
        #expect(docs[0]?["message"] as? String == "created user app with SELECT (no schemas)")
        let users = docs[1]?["rows"] as? [[String: Any]]
        #expect(users?.first?["comment"] as? String == "a \"b\", c")
        #expect(users?.first?["privileges"] as? [String] == ["SELECT"])
        #expect((docs[2]?["rows"] as? [[String: Any]])?.count == 3)
    }

    @Test func csvOutputQuotesAndKeepsStdoutClean() throws {
        let r = try Binary.run(Self.local + ["--output", "csv", "-c", "create user app password 'App_pass_12!' comment 'x, \"y\"'; show users"])
        #expect(r.status == 0)
        #expect(r.stdout == "name,privileges,schemas,comment\r\napp,SELECT,(none),\"x, \"\"y\"\"\"\r\n")
        #expect(r.stderr.contains("created user app"))
    }

    @Test func checkParsesWithoutConnecting() throws {
        let path = try tempFile("c.ddm", "grant SELECT on orders to app;\nshow users;\n")
        let ok = try Binary.run(["--check", "--instance", "x", path])
        #expect(ok.status == 0 && ok.stdout.isEmpty)
        let bad = try tempFile("d.ddm", "grant SELEKT on orders to app;\n")
        let r = try Binary.run(["--check", "--instance", "x", bad])
        #expect(r.status == 2)
        #expect(r.stderr.contains("d.ddm:1:7: error: unknown privilege 'SELEKT'; did you mean 'SELECT'?"))
    }

    @Test func secretsNeverReachOutputOrDebugTrace() throws {
        let r = try Binary.run(Self.local + ["--debug", "-c", "create user app password 'Very_secret_99!'; alter user app password env NEWPW; "
                                             + "alter instance ddm-demo set admin password env ADMINPW"],
                               environment: ["NEWPW": "Other_secret_77!", "ADMINPW": "Admin_secret_55!"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("POST") && r.stderr.contains("admin-user"))  // the trace is there…
        for secret in ["Very_secret_99!", "Other_secret_77!", "Admin_secret_55!"] {
            #expect(!r.stdout.contains(secret) && !r.stderr.contains(secret))  // …without the secrets
        }
        #expect(r.stderr.range(of: "Signature=[0-9a-f]{8}", options: .regularExpression) == nil)
    }

    /// `--debug` names each call's API version and the one fallback per operation kind.
    @Test func debugSaysWhichVersionEachCallUsed() throws {
        let script = "show users; show users; show users; show engines; show engines;"
        let both = try Binary.run(Self.local + ["--debug", "-c", script])
        #expect(both.status == 0, "\(both.stderr)")
        #expect(both.stderr.contains("[v3] GET"))
        #expect(!both.stderr.contains("[v1] GET") && !both.stderr.contains("[v2] GET"))

        let older = try Binary.run(Self.local + ["--local-api", "v1", "--debug", "-c", script])
        #expect(older.status == 0, "\(older.stderr)")
        let fallbacks = older.stderr.components(separatedBy: "\n").filter { $0.contains("this endpoint has no v3") }
        // Once each for list instances (resolving the instance), list accounts and list engines.
        #expect(fallbacks.count == 3, "\(fallbacks)")
        #expect(older.stderr.components(separatedBy: "[v3] GET").count - 1 == 3)
        #expect(older.stderr.contains("[v1] GET") && older.stderr.contains("[v2] GET"))

        let pinned = try Binary.run(Self.local + ["--local-api", "v1", "--api-version", "v3", "-c", "show engines;"])
        #expect(pinned.status == 1)
        #expect(pinned.stderr.contains("APIGW.0101"))
    }

    @Test func apiVersionChoicesAreChecked() throws {
        let flag = try Binary.run(Self.local + ["--api-version", "v9", "-c", "show engines;"])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("auto") && flag.stderr.contains("v3") && flag.stderr.contains("v1"))
        let env = try Binary.run(Self.local + ["-c", "show engines;"], environment: ["DDMSH_API_VERSION": "v9"])
        #expect(env.status == 2)
        #expect(env.stderr.contains("DDMSH_API_VERSION is 'v9'; expected one of auto, v3, v1"))
        let v1 = try Binary.run(Self.local + ["--debug", "-c", "show engines;"], environment: ["DDMSH_API_VERSION": "v1"])
        #expect(v1.status == 0)
        #expect(v1.stderr.contains("[v2] GET") && !v1.stderr.contains("[v3] GET"))

        // The profile's api_version, below the flag and the environment.
        let home = try Binary.temporaryHome()
        try FileManager.default.createDirectory(atPath: home + "/.config/ddmsh", withIntermediateDirectories: true)
        try "[profile old]\nlocal = true\nstate = :memory:\napi_version = v1\n"
            .write(toFile: home + "/.config/ddmsh/config", atomically: true, encoding: .utf8)
        let profiled = try Binary.run(["--profile", "old", "--debug", "-c", "show engines;"], home: home)
        #expect(profiled.status == 0, "\(profiled.stderr)")
        #expect(profiled.stderr.contains("[v2] GET") && !profiled.stderr.contains("[v3] GET"))
        let overridden = try Binary.run(["--profile", "old", "--api-version", "v3", "--debug", "-c", "show engines;"], home: home)
        #expect(overridden.stderr.contains("[v3] GET") && !overridden.stderr.contains("[v2] GET"))
    }
}
