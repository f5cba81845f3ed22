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
}
