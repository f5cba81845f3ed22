import Foundation
import Testing

/// The command line as psql, git and kubectl users expect it: subcommands among global options,
/// help that only helps, a version.
@Suite struct CommandLineTests {
    @Test func globalOptionsGoBeforeOrAfterASubcommand() throws {
        let home = try Binary.temporaryHome()
        for args in [["--instance", "x", "undo", "--list"], ["--local", "undo", "--list"], ["undo", "--local", "--list"]] {
            let r = try Binary.run(args, home: home)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(r.stdout.contains("run  time  endpoint"), "\(args): \(r.stdout)")
        }
        // A word that is an option's value stays one.
        let c = try Binary.run(["--local", "--state", ":memory:", "-c", "undo"])
        #expect(c.status == 2 && c.stderr.contains("unknown statement 'undo'"), "\(c.stderr)")
        let usage = try Binary.run(["undo", "--bogus"])
        #expect(usage.status == 2)
        #expect(usage.stderr.contains("Usage: ddmsh undo") && usage.stderr.contains("'ddmsh undo --help'"), "\(usage.stderr)")
    }

    @Test func serveAfterGlobalOptionsListens() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Binary.path)
        p.arguments = ["--local", "serve", "--port", "0", "--state", ":memory:"]
        p.environment = Binary.baseEnvironment(home: try Binary.temporaryHome())
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        let output = OutputWatcher(out)
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        try waitUntil("serve to listen", timeout: 30) { output.text.hasPrefix("listening on http://127.0.0.1:") }
    }

    @Test func helpOnlyHelps() throws {
        let home = try Binary.temporaryHome()
        let root = try Binary.run(["help"], home: home)
        #expect(root.status == 0 && root.stdout.contains("OVERVIEW: A shell for Huawei Cloud DDM"), "\(root.stdout)\(root.stderr)")
        let serve = try Binary.run(["help", "serve"], home: home)
        #expect(serve.status == 0 && serve.stdout.contains("OVERVIEW: Run the local DDM service"))
        #expect(!serve.stdout.hasPrefix("listening on"))
        let undo = try Binary.run(["--local", "help", "undo"], home: home)
        #expect(undo.status == 0 && undo.stdout.contains("USAGE: ddmsh undo"), "\(undo.stdout)")
        #expect(!undo.stdout.contains("undo of run") && !undo.stderr.contains("apply"))
        let topic = try Binary.run(["help", "grant"], home: home)
        #expect(topic.status == 0 && topic.stdout.contains("grant <privs> on <schemas> to <accounts>;"))
        // In the language, `help;` lists the topics, one line each; a topic shows syntax and a useful example.
        let overview = try Binary.run(["--local", "--state", ":memory:", "-c", "help"])
        #expect(overview.stdout.hasPrefix("Statements, by topic"))
        #expect(overview.stdout.split(separator: "\n").count < 40)
        let show = try Binary.run(["--local", "--state", ":memory:", "-c", "help show"])
        #expect(!show.stdout.contains("e.g. show instances;"), "an example that repeats the syntax: \(show.stdout)")
        #expect(show.stdout.contains("e.g. show instance ddm-prod;"))
    }

    @Test func versionNamesTheCheckedSDK() throws {
        let r = try Binary.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("ddmsh ") && r.stdout.contains("huaweicloudsdkddm 3.1.219"), "\(r.stdout)")
    }

    /// `--output json` is ready for jq: numbers as numbers, lists as arrays, nothing as null or [],
    /// every document of the shape docs/shell.md gives ("JSON output").
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/jq"))) func jsonOutputIsReadyForJq() throws {
        let script = """
            create schema orders shards 2 on rds rds-orders admin user root password 'Rds_Admin_1!';
            create user app password 'App_pass_12!' with SELECT, INSERT on orders;
            create user idle password 'App_pass_12!';
            revoke ALL from idle;
            show users; show schemas; show instances; show tasks; show grants for app;
            """
        let r = try Binary.run(["--local", "--state", ":memory:", "--local-create-delay", "0", "--output", "json", "-c", script])
        #expect(r.status == 0, "\(r.stderr)")
        let schema = #"if has("message") then (.message | type) == "string" and (keys == ["message"]) else ((.columns | type) == "array" and (.rows | type) == "array" and all(.rows[]; type == "object" and ((keys - $c) == [] ) and all(.[]; type == "string" or type == "number" or type == "array" or type == "null"))) end"#
        func jq(_ filter: String, _ input: String, args: [String] = []) throws -> (status: Int32, out: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/jq")
            p.arguments = args + [filter]
            let stdin = Pipe(), stdout = Pipe()
            p.standardInput = stdin; p.standardOutput = stdout; p.standardError = FileHandle.nullDevice
            try p.run()
            stdin.fileHandleForWriting.write(Data(input.utf8)); try stdin.fileHandleForWriting.close()
            let out = stdout.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: out, as: UTF8.self))
        }
        for line in r.stdout.split(separator: "\n") {
            let ok = try jq("(.columns // []) as $c | " + schema, String(line), args: ["-e"])
            #expect(ok.status == 0, "not of the documented shape: \(line)")
        }
        let users = r.stdout.split(separator: "\n").first { $0.contains("\"privileges\"") && $0.contains("\"comment\"") }.map(String.init) ?? ""
        #expect(try jq(#".rows[] | select(.name == "app") | .privileges == ["INSERT","SELECT"] and .schemas == ["orders"] and .comment == null"#, users, args: ["-e"]).status == 0, "\(users)")
        #expect(try jq(#".rows[] | select(.name == "idle") | .privileges == [] and .schemas == []"#, users, args: ["-e"]).status == 0, "\(users)")
        let schemas = r.stdout.split(separator: "\n").first { $0.contains("\"shards\"") }.map(String.init) ?? ""
        #expect(try jq(".rows[0].shards == 2 and .rows[0].rds == [\"rds-orders\"]", schemas, args: ["-e"]).status == 0, "\(schemas)")
    }

    /// The small things: each mistake is named for what it is, once, where it is.
    @Test func mistakesAreNamedForWhatTheyAre() throws {
        let grant = try Binary.run(["--check", "-c", "grant on orders to u1"])
        #expect(grant.stderr.contains("expected the privileges after 'grant'"), "\(grant.stderr)")
        let accent = try Binary.run(["--check", "-c", "create user jörg password prompt"])
        #expect(accent.stderr.components(separatedBy: "error:").count == 2, "one error, not three: \(accent.stderr)")
        #expect(accent.stderr.contains("invalid account name 'jörg'") && !accent.stderr.contains("secret"))

        let home = try Binary.temporaryHome()
        try FileManager.default.createDirectory(atPath: home + "/.config/ddmsh", withIntermediateDirectories: true)
        try "[p]\nlocal = true\nstate = :memory:\nendpoit = http://x\n".write(toFile: home + "/.config/ddmsh/config", atomically: true, encoding: .utf8)
        let nosuch = try Binary.run(["--profile", "nosuch", "-c", "show users"], home: home)
        #expect(nosuch.status == 2 && nosuch.stderr.contains("no profile 'nosuch'") && !nosuch.stderr.contains("no instance"), "\(nosuch.stderr)")
        let typo = try Binary.run(["--profile", "p", "-c", "show instances"], home: home)
        #expect(typo.status == 0 && typo.stderr.contains("unknown key 'endpoit'; did you mean 'endpoint'?"), "\(typo.stderr)")
        let both = try Binary.run(["--local", "--endpoint", "http://127.0.0.1:9", "-c", "show users"], home: home)
        #expect(both.status == 2 && both.stderr.contains("--local runs the embedded service; --endpoint"), "\(both.stderr)")

        for (path, why) in [(home + "/missing.ddm", "no such file"), (home, "it is a directory"), ("/bin/sh", "it is not a text file")] {
            let r = try Binary.run([path], home: home)
            #expect(r.status == 2 && r.stderr.contains("cannot read '\(path)': \(why)"), "\(r.stderr)")
        }
    }

    /// Tables stay tables; a dry run of an export says nothing about accounts that would not
    /// change; an export applies as one batch.
    @Test func tablesDryRunsAndExportsReadWell() throws {
        let home = try Binary.temporaryHome()
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let setup = try Binary.run(local + ["-c", "create user app password 'App_pass_12!' comment 'two\nlines'; create user bob password 'App_pass_12!'; show users"], home: home)
        #expect(setup.stdout.contains("app   SELECT      (none)   two\\nlines"), "\(setup.stdout)")
        let file = home + "/users.ddm"
        #expect(try Binary.run(local + ["-c", "export users to '\(file)'"], home: home).status == 0)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("--") }
        let firstGrant = try #require(lines.firstIndex { $0.hasPrefix("grant") })
        #expect(lines[..<firstGrant].allSatisfy { $0.hasPrefix("create user") } && lines[firstGrant...].allSatisfy { !$0.hasPrefix("create user") },
                "creates first, then grants: \(lines)")
        let drift = try Binary.run(local + ["--dry-run", file], home: home)
        #expect(!drift.stdout.contains("would change\naccount"), "\(drift.stdout)")
        #expect(drift.stdout.contains("dry run: 0 accounts would change, 2 unchanged"), "one batch for the file: \(drift.stdout)")
    }

    /// What an admin reached for: a filter on users, grants of several accounts, the audit log.
    @Test func showUsersLikeGrantsForSeveralAndTheAuditLog() throws {
        let home = try Binary.temporaryHome()
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let r = try Binary.run(local + ["--output", "csv", "-c", """
            set on_error continue;
            create user app1 password env P; create user app2 password env P; create user bob password env P;
            drop user ghost;
            show users like 'app%';
            show grants for app1, bob;
            show audit limit 2;
            """], environment: ["P": "App_pass_12!"], home: home)
        let tables = r.stdout.components(separatedBy: "name,privileges,schemas,comment").dropFirst().first ?? ""
        #expect(tables.contains("app1") && tables.contains("app2") && !tables.split(separator: "\r\n").prefix(3).contains { $0.hasPrefix("bob") },
                "\(r.stdout)")
        #expect(r.stdout.contains("account,privileges,schemas\r\napp1,SELECT,(none)\r\nbob,SELECT,(none)"), "\(r.stdout)")
        let audit = r.stdout.components(separatedBy: "time,instance,operation,after,outcome,http,error,request\r\n").last ?? ""
        let rows = audit.split(separator: "\r\n")
        #expect(rows.count == 2, "\(audit)")
        #expect(rows.last?.contains("delete account,drop user ghost,failed,404,DBS.300327") == true, "\(audit)")
        let off = try Binary.run(local + ["--audit-log", "off", "-c", "show audit"], home: home)
        #expect(off.status == 1 && off.stderr.contains("the audit log is off"))
    }

    @Test func slowQueriesByWindowUserAndSchema() throws {
        let local = ["--local", "--state", ":memory:", "--local-create-delay", "0", "--rate-limit", "0", "--output", "csv"]
        let all = try Binary.run(local + ["-c", "show slow queries limit 1000"])
        let some = try Binary.run(local + ["-c", "show slow queries since '3d' user app schema orders limit 1000"])
        #expect(some.status == 0, "\(some.stderr)")
        let rows = some.stdout.split(separator: "\r\n").dropFirst()
        #expect(!rows.isEmpty && rows.count < all.stdout.split(separator: "\r\n").count - 1, "\(some.stdout)")
        #expect(rows.allSatisfy { $0.split(separator: ",")[2] == "app" && $0.split(separator: ",")[3] == "orders" }, "\(some.stdout)")
        let far = try Binary.run(local + ["-c", "show slow queries since '9d'"])
        #expect(far.status == 1 && far.stderr.contains("7 days at most"), "\(far.stderr)")
    }

    /// Password lifetime (v3's password_lifetime): set at create and alter, shown, refused where only v1 is used.
    @Test func passwordLifetime() throws {
        let local = ["--local", "--state", ":memory:", "--local-create-delay", "0", "--rate-limit", "0"]
        let r = try Binary.run(local + ["--output", "csv", "-c", "create user a1 password env P lifetime 90; create user a2 password env P; alter user a2 lifetime 0; show users"],
                               environment: ["P": "App_pass_12!"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("name,privileges,schemas,comment,lifetime\r\na1,SELECT,(none),,90\r\na2,SELECT,(none),,0"), "\(r.stdout)")
        let bad = try Binary.run(local + ["-c", "alter user a2 lifetime 70000"])
        #expect(bad.status == 2 && bad.stderr.contains("lifetime is 0 to 65535 days"), "\(bad.stderr)")
        let v1 = try Binary.run(local + ["--api-version", "v1", "-c", "create user a1 password env P lifetime 90"], environment: ["P": "App_pass_12!"])
        #expect(v1.status == 1 && v1.stderr.contains("needs DDM's v3 API"), "\(v1.stderr)")
    }

    /// The committed man page names every option ddmsh has, and completion scripts are generated
    /// for the three shells the README installs them for.
    @Test func manPageAndCompletionScriptsCoverEveryOption() throws {
        let dump = try Binary.run(["--experimental-dump-help"])
        let json = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        let arguments = ((json?["command"] as? [String: Any])?["arguments"] as? [[String: Any]]) ?? []
        let longNames = arguments.filter { $0["shouldDisplay"] as? Bool != false }
            .compactMap { ($0["names"] as? [[String: Any]])?.first { $0["kind"] as? String == "long" }?["name"] as? String }
        #expect(longNames.count > 15, "\(dump.stdout.prefix(300))")
        let page = try String(contentsOf: Binary.packageRoot.appendingPathComponent("docs/ddmsh.1"), encoding: .utf8)
        for name in longNames where name != "experimental-dump-help" {
            #expect(page.contains("Fl -\(name)"), "docs/ddmsh.1 lacks --\(name); run scripts/man")
        }
        for shell in ["bash", "zsh", "fish"] {
            let script = try Binary.run(["--generate-completion-script", shell])
            #expect(script.status == 0 && script.stdout.contains("connect-timeout") && script.stdout.contains("undo"), "\(shell)")
        }
    }

    /// Parameters are part of the export and of the drift check; the file says what it leaves out.
    @Test func parametersInExportAndDrift() throws {
        let home = try Binary.temporaryHome()
        let local = ["--local", "--state", home + "/s.sqlite", "--local-create-delay", "0", "--rate-limit", "0"]
        let file = home + "/params.ddm"
        #expect(try Binary.run(local + ["-c", "export parameters to '\(file)'"], home: home).status == 0)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("set parameter ") && text.contains("max_connections = '20000'"), "\(text)")
        #expect(text.contains("-- Not exported: passwords, the instance's own settings"))
        let inSync = try Binary.run(local + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(inSync.status == 0, "\(inSync.stdout)\n\(inSync.stderr)")
        #expect(try Binary.run(local + ["-c", "set parameter max_connections = 1234"], home: home).status == 0)
        let drift = try Binary.run(local + ["--dry-run", "--detailed-exitcode", file], home: home)
        #expect(drift.status == 3, "\(drift.stdout)\n\(drift.stderr)")
        #expect(drift.stdout.contains("max_connections"), "\(drift.stdout)")
        #expect(try Binary.run(local + [file], home: home).status == 0)
        #expect(try Binary.run(local + ["--dry-run", "--detailed-exitcode", file], home: home).status == 0)
    }
}
