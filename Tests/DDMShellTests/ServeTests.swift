import Foundation
import Testing

/// `ddmsh serve` as a separate process, and `ddmsh --endpoint` talking to it.
@Suite struct ServeTests {
    /// A running `ddmsh serve`; `url` comes from its first stdout line.
    final class Server {
        let process = Process()
        let url: String
        let stderr = Pipe()

        init(state: String, environment: [String: String], port: Int = 0, extra: [String] = []) throws {
            let home = try Binary.temporaryHome()
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments = ["serve", "--port", String(port), "--state", state] + (extra.contains("--create-delay") ? [] : ["--create-delay", "0"]) + extra
            process.environment = Binary.baseEnvironment(home: home).merging(environment) { $1 }
            let out = Pipe()
            process.standardOutput = out
            process.standardError = stderr
            process.standardInput = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line.append(chunk)
            }
            let first = String(decoding: line, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            guard first.hasPrefix("listening on http://127.0.0.1:") else {
                process.terminate()
                throw ServeError(message: "unexpected first line: \(first)")
            }
            url = String(first.dropFirst("listening on ".count))
        }

        /// Stops it; a second call (a test that stopped it early, then its `defer`) does nothing.
        func stop() {
            guard process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
        }
    }

    struct ServeError: Error { var message: String }

    static let token = "local-test-token-0001"
    static let project = "0123456789abcdef0123456789abcdef"

    /// A config file with a profile per server, `[profile <name>]` with region `rg-<name>`: the
    /// servers stand in for the endpoints of two regions.
    static func regionProfiles(home: String, _ servers: [String: Server]) throws {
        try FileManager.default.createDirectory(atPath: home + "/.config/ddmsh", withIntermediateDirectories: true)
        try servers.sorted { $0.key < $1.key }.map { name, server in
            "[profile \(name)]\nregion = rg-\(name)\nendpoint = \(server.url)\nproject_id = \(project)\nauth = token\n"
        }.joined().write(toFile: home + "/.config/ddmsh/config", atomically: true, encoding: .utf8)
    }

    func client(_ server: Server, _ statements: String) throws -> Binary.Result {
        try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "--instance", "ddm-demo", "--rate-limit", "0",
                        "-c", statements], environment: ["DDMSH_TOKEN": Self.token])
    }

    /// A fleet across regions: each region reached through its profile (two services stand in
    /// for two regions' endpoints); a region without a profile is one failed row, not a stop.
    @Test func aFleetAcrossRegionsReachesEachThroughItsProfile() throws {
        let one = try Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": Self.token])
        defer { one.stop() }
        let two = try Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": Self.token])
        defer { two.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Self.regionProfiles(home: home, ["one": one, "two": two])
        let r = try Binary.run(["--profile", "one", "--rate-limit", "0", "--output", "csv", "-c", """
            on instances like 'ddm-%' in regions (rg-one, rg-two, rg-three) concurrency 2 { create user app password 'App_pass_12!'; }
            """], environment: ["DDMSH_TOKEN": Self.token], home: home)
        #expect(r.status == 1, "rg-three has no profile: \(r.stderr)")
        #expect(r.stdout.contains("ddm-demo,rg-one,ok,1") && r.stdout.contains("ddm-demo,rg-two,ok,1"), "\(r.stdout)")
        #expect(r.stdout.contains("rg-three,failed") && r.stdout.contains("no profile for region rg-three"), "\(r.stdout)")
        for server in [one, two] {
            #expect(try client(server, "show users").stdout.contains("app "), "each region's instance has the account")
        }
    }

    @Test func listensAndServesAndKeepsStateAcrossARestart() throws {
        let dir = try Binary.temporaryHome()
        let state = dir + "/state.sqlite"
        let first = try Server(state: state, environment: ["DDM_LOCAL_TOKEN": Self.token])
        let created = try client(first, "create user app password 'App_pass_12!'")
        first.stop()
        #expect(first.process.terminationStatus == 0)
        #expect(created.stdout.contains("created user app"))

        let second = try Server(state: state, environment: ["DDM_LOCAL_TOKEN": Self.token])
        defer { second.stop() }
        let shown = try client(second, "show users")
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("app   SELECT"))
    }

    @Test func rejectsAWrongToken() throws {
        let dir = try Binary.temporaryHome()
        let server = try Server(state: dir + "/s.sqlite", environment: ["DDM_LOCAL_TOKEN": Self.token])
        defer { server.stop() }
        let r = try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "-c", "show instances"],
                               environment: ["DDMSH_TOKEN": "wrong-token"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("HTTP 401"))
        #expect(!r.stderr.contains("wrong-token"))
    }

    @Test func generatedCredentialsAreShownOnStderrOnly() throws {
        let server = try Server(state: ":memory:", environment: [:])
        server.stop()
        let hint = String(decoding: server.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(hint.contains("no credentials were configured"))
    }

    /// `serve --api v1` answers v3 with the gateway's 404; a client in `auto` learns it in its
    /// first run, and its second run at the same endpoint sends no refused call.
    @Test func aV1OnlyServiceIsLearnedOnceAndRemembered() throws {
        let server = try Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": Self.token], extra: ["--api", "v1"])
        defer { server.stop() }
        let home = try Binary.temporaryHome()
        func run() throws -> Binary.Result {
            try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "--instance", "ddm-demo", "--rate-limit", "0", "--debug",
                            "-c", "show users; show engines; show instances"], environment: ["DDMSH_TOKEN": Self.token], home: home)
        }
        let first = try run()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("APIGW.0101"))
        #expect(first.stdout.contains("ddm-demo"))
        let second = try run()
        #expect(second.status == 0)
        #expect(!second.stderr.contains("[v3] GET"))
        #expect(second.stderr.contains("learned in an earlier run"))
        let cache = try String(contentsOfFile: home + "/.cache/ddmsh/pacing.json", encoding: .utf8)
        #expect(cache.contains("olderAPI") && !cache.contains("127.0.0.1"))
    }

    @Test func aV3OnlyServiceRefusesTheRetiredCalls() throws {
        let server = try Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": Self.token], extra: ["--api", "v3"])
        defer { server.stop() }
        let pinned = try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "--api-version", "v1", "-c", "show engines"],
                                    environment: ["DDMSH_TOKEN": Self.token])
        #expect(pinned.status == 1)
        #expect(pinned.stderr.contains("APIGW.0101") && pinned.stderr.contains("HTTP 404"))
        let auto = try client(server, "show engines; show schemas; show users")
        #expect(auto.status == 0, "\(auto.stderr)")
    }

    @Test func aThrottlingServiceIsPacedAndItsRateIsRemembered() throws {
        let server = try Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": Self.token], extra: ["--rate-limit", "20"])
        defer { server.stop() }
        let home = try Binary.temporaryHome()
        // The bucket holds 10 calls: the 11th and 12th statements meet 429s with Retry-After: 3.
        let r = try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "--debug",
                                "-c", Array(repeating: "show instances", count: 12).joined(separator: "; ")],
                               environment: ["DDMSH_TOKEN": Self.token], home: home)
        #expect(r.status == 0)
        #expect(r.stdout.components(separatedBy: "ddm-demo").count - 1 == 12)
        #expect(r.stderr.contains("pacing: unpaced → 20.0 calls/min (throttled; Retry-After 3.0 s)"))
        let cache = try String(contentsOfFile: home + "/.cache/ddmsh/pacing.json", encoding: .utf8)
        #expect(cache.contains("callsPerMinute"))
        #expect(!cache.contains(Self.token) && !cache.contains("127.0.0.1") && !cache.contains(Self.project))
    }

    @Test func everyWriteIsAuditedAndNoSecretReachesTheLog() throws {
        let server = try Server(state: ":memory:", environment: ["DDM_LOCAL_TOKEN": Self.token])
        defer { server.stop() }
        let home = try Binary.temporaryHome()
        let r = try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "--instance", "ddm-demo", "-c", """
            create schema orders shards 2 on rds rds-orders admin user root password env RDS_PW;
            create user app password 'Literal_pass_1!' with SELECT;
            show grants for app;
            grant INSERT on orders to app;
            alter user app password env NEW_PW;
            drop user ghost;
            """], environment: ["DDMSH_TOKEN": Self.token, "RDS_PW": "Rds_Admin_1!", "NEW_PW": "Env_pass_22!"], home: home)
        #expect(r.status == 1, "\(r.stderr)")   // the last statement fails: ghost does not exist
        let path = home + "/.local/state/ddmsh/audit.log"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for secret in [Self.token, "Rds_Admin_1!", "Literal_pass_1!", "Env_pass_22!"] {
            #expect(!text.contains(secret), "the audit log holds a secret")
        }
        let records = try text.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(records.map { $0["operation"] as? String } == ["create schema", "create account", "modify account", "reset account password", "delete account"])
        #expect(records.allSatisfy { $0["endpoint_host"] as? String == "127.0.0.1" && $0["project"] as? String == Self.project && $0["instance"] as? String == "ddm-demo" })
        let grant = records[2]
        #expect(grant["before"] as? String == "SELECT on (none)" && grant["after"] as? String == "INSERT,SELECT on orders")
        #expect(grant["outcome"] as? String == "ok" && grant["http_status"] as? Int == 200 && grant["request_id"] as? String != nil)
        let failed = records[4]
        #expect(failed["outcome"] as? String == "failed" && failed["http_status"] as? Int == 404 && failed["error_code"] as? String == "DBS.300327")
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Reads are not audited.
        #expect(!text.contains("list accounts"))
    }
}
