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
}
