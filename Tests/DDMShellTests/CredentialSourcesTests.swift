import DDMLocal
import Foundation
import LocalTestSupport
import Testing

/// ddmsh finding its credentials as the SDK does, run as a user runs it: the environment, the
/// credentials file, the ECS metadata service (a local service standing in on loopback), alone
/// and together, and what is said when they are broken or missing.
@Suite struct CredentialSourcesTests {
    static let ak = "AKCREDSTEST000000001"
    static let sk = "SKCREDSTEST-0123456789abcdefghijklmnop"
    static let project = LocalServiceConfiguration().projectId

    /// A `ddmsh serve` with the demo instance and the metadata routes (a process of its own, so
    /// that nothing this test process blocks on can slow it), and what it says on stderr.
    final class Service {
        let server: ServeTests.Server
        let log: OutputWatcher
        var url: String { server.url }

        init(keys: Bool = true) throws {
            server = try ServeTests.Server(state: ":memory:", environment: keys ? ["DDM_LOCAL_AK": ak, "DDM_LOCAL_SK": sk] : [:],
                                           extra: ["--metadata-expiry", "600s", "--metadata-show-keys"])
            log = OutputWatcher(server.stderr)
        }

        /// Temporary keys the service has issued, counted on its side.
        var keysIssued: Int { log.text.components(separatedBy: "metadata: temporary keys issued").count - 1 }
        var sessionTokens: Int { log.text.components(separatedBy: "metadata: session token issued").count - 1 }

        /// Every access key, secret key and security token it issued.
        var secrets: [String] {
            log.text.split(separator: "\n").flatMap { line in
                line.split(separator: " ").compactMap { word -> String? in
                    for name in ["access=", "secret=", "securitytoken="] where word.hasPrefix(name) { return String(word.dropFirst(name.count)) }
                    return nil
                }
            }
        }

        /// Waits until the log, read as it arrives, shows `keys` issued.
        func settle(keys: Int) throws { try? waitUntil("\(keys) keys in the service's log", timeout: 5) { keysIssued >= keys } }

        func stop() { server.stop() }
    }

    static func writeFile(_ home: String, _ text: String, mode: Int = 0o600) throws {
        try FileManager.default.createDirectory(atPath: home + "/.huaweicloud", withIntermediateDirectories: true)
        let path = home + "/.huaweicloud/credentials"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
    }

    static var fileText: String { "[basic]\nak = \(ak)\nsk = \(sk)\nproject_id = \(project)\n" }

    func run(_ service: Service, _ statements: String, environment: [String: String] = [:], home: String) throws -> Binary.Result {
        try Binary.run(["--endpoint", service.url, "--instance", "ddm-demo", "--rate-limit", "0", "--debug", "-c", statements],
                       environment: ["DDMSH_METADATA_ENDPOINT": service.url].merging(environment) { $1 }, home: home)
    }

    @Test func theEnvironmentAlone() throws {
        let s = try Service()
        defer { s.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let r = try run(s, "show instances", environment: ["HUAWEICLOUD_SDK_AK": Self.ak, "HUAWEICLOUD_SDK_SK": Self.sk,
                                                         "HUAWEICLOUD_SDK_PROJECT_ID": Self.project], home: home)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("credentials: environment (HUAWEICLOUD_SDK_AK)"))
        #expect(s.keysIssued == 0)
    }

    /// The file alone: its keys and its project id (no --project-id, no variable).
    @Test func theCredentialsFileAlone() throws {
        let s = try Service()
        defer { s.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Self.writeFile(home, Self.fileText)
        let r = try run(s, "show instances", home: home)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ddm-demo"))
        #expect(r.stderr.contains("credentials: credentials file \(home)/.huaweicloud/credentials [basic]"))
        #expect(s.keysIssued == 0)
    }

    /// The metadata service alone, for a run that writes: nothing ddmsh writes (audit log,
    /// journal, pacing cache, history) and nothing on its --debug stderr holds a temporary key.
    @Test func theMetadataServiceAloneAndNoSecretLeft() throws {
        let s = try Service(keys: false)
        defer { s.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let r = try run(s, "create user app password 'App_pass_12!'; show users;", environment: ["HUAWEICLOUD_SDK_PROJECT_ID": Self.project], home: home)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("app"))
        #expect(r.stderr.contains("credentials: ECS metadata service \(s.url) (temporary keys, refreshed before they expire)"))
        try s.settle(keys: 1)
        #expect(s.keysIssued == 1 && s.sessionTokens == 1)
        let secrets = s.secrets
        #expect(secrets.count == 3)
        var written: [String] = []
        for file in try FileManager.default.subpathsOfDirectory(atPath: home) {
            var isDirectory: ObjCBool = false
            let path = home + "/" + file
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            written.append(file)
            let text = String(decoding: (FileManager.default.contents(atPath: path) ?? Data()), as: UTF8.self)
            for secret in secrets { #expect(!text.contains(secret), "a temporary secret in \(file)") }
        }
        #expect(written.contains { $0.hasSuffix("audit.log") } && written.contains { $0.contains("journal/") }, "\(written)")
        for secret in secrets { #expect(!r.stderr.contains(secret) && !r.stdout.contains(secret), "a temporary secret on the terminal") }
        #expect(r.stderr.contains("Access=***"), "the temporary access key is masked in the trace")
    }

    /// All three present: the environment wins, then the file; the metadata service is asked only
    /// when neither has keys.
    @Test func theOrderWhenSeveralArePresent() throws {
        let s = try Service()
        defer { s.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try Self.writeFile(home, "[basic]\nak = FILEAKNOTKNOWN\nsk = FILESKNOTKNOWN\n")
        let env = ["HUAWEICLOUD_SDK_AK": Self.ak, "HUAWEICLOUD_SDK_SK": Self.sk, "HUAWEICLOUD_SDK_PROJECT_ID": Self.project]
        let all = try run(s, "show instances", environment: env, home: home)
        #expect(all.status == 0 && all.stderr.contains("credentials: environment (HUAWEICLOUD_SDK_AK)"), "\(all.stderr)")
        #expect(s.keysIssued == 0)

        try Self.writeFile(home, Self.fileText)
        let fileAndMetadata = try run(s, "show instances", home: home)
        #expect(fileAndMetadata.status == 0 && fileAndMetadata.stderr.contains("credentials: credentials file"), "\(fileAndMetadata.stderr)")
        #expect(s.keysIssued == 0)

        try FileManager.default.removeItem(atPath: home + "/.huaweicloud/credentials")
        let metadataOnly = try run(s, "show instances", environment: ["HUAWEICLOUD_SDK_PROJECT_ID": Self.project], home: home)
        #expect(metadataOnly.status == 0 && metadataOnly.stderr.contains("credentials: ECS metadata service"), "\(metadataOnly.stderr)")
        try s.settle(keys: 1)
        #expect(s.keysIssued == 1)
    }

    /// A file with a bad mode or a missing key stops the run with an error naming the file,
    /// before any other source is tried.
    @Test func aBrokenCredentialsFileIsAClearError() throws {
        let s = try Service()
        defer { s.stop() }
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let path = home + "/.huaweicloud/credentials"
        try Self.writeFile(home, Self.fileText, mode: 0o644)
        let open = try run(s, "show instances", environment: ["HUAWEICLOUD_SDK_PROJECT_ID": Self.project], home: home)
        #expect(open.status == 2)
        #expect(open.stderr.contains("ddmsh: the credentials file \(path) can be read or changed by others (mode 644); run: chmod 600 \(path)"), "\(open.stderr)")
        #expect(!open.stderr.contains(Self.sk))

        try Self.writeFile(home, "[basic]\nak = \(Self.ak)\n")
        let half = try run(s, "show instances", environment: ["HUAWEICLOUD_SDK_PROJECT_ID": Self.project], home: home)
        #expect(half.status == 2)
        #expect(half.stderr.contains("ddmsh: the credentials file \(path) has no sk in its [basic] section"), "\(half.stderr)")
        #expect(s.keysIssued == 0, "a broken file is not passed over to the next source")
    }

    /// Nothing anywhere: the error lists the places looked at, in order.
    @Test func noCredentialsListsThePlacesLooked() throws {
        let home = try Binary.temporaryHome()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let r = try Binary.run(["--endpoint", "http://127.0.0.1:1", "--project-id", Self.project, "-c", "show instances"], home: home)
        #expect(r.status == 2)
        #expect(r.stderr.contains("""
            ddmsh: no credentials found; looked, in this order, at:
              environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set (nor DDMSH_TOKEN)
              credentials file: \(home)/.huaweicloud/credentials does not exist (or set HUAWEICLOUD_SDK_CREDENTIALS_FILE)
              ECS metadata service: the ECS metadata service at http://127.0.0.1:1 did not answer: cannot connect to 127.0.0.1:1: connection refused
            """), "\(r.stderr)")
    }

    /// A metadata service that takes the connection and never answers: said within the connect
    /// timeout (one try each for the token and nothing more), not after the SDK's default.
    @Test func aSilentMetadataServiceIsSaidWithinTheConnectTimeout() throws {
        let silent = try SilentListener()
        defer { silent.close() }
        let endpoint = "http://127.0.0.1:\(silent.port)"
        let started = Date()
        let r = try Binary.run(["--endpoint", "http://127.0.0.1:1", "--project-id", Self.project, "--connect-timeout", "1s", "-c", "show instances"],
                               environment: ["DDMSH_METADATA_ENDPOINT": endpoint])
        let elapsed = Date().timeIntervalSince(started)
        #expect(r.status == 2)
        #expect(r.stderr.contains("ECS metadata service: the ECS metadata service at \(endpoint) did not answer"), "\(r.stderr)")
        #expect(elapsed < 5, "took \(elapsed) s")
    }

    /// `ddmsh serve --metadata-expiry`: the stand-in a test or a person points DDMSH_METADATA_ENDPOINT at.
    @Test func serveStandsInForTheMetadataService() throws {
        let server = try ServeTests.Server(state: ":memory:", environment: [:], extra: ["--metadata-expiry", "90s"])
        defer { server.stop() }
        let r = try Binary.run(["--endpoint", server.url, "--project-id", Self.project, "--rate-limit", "0", "-c", "show instances"],
                               environment: ["DDMSH_METADATA_ENDPOINT": server.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("ddm-demo"))
    }

    /// `\conninfo` names the source of the credentials, never a secret.
    @Test(.enabled(if: REPLTests.Terminal.available)) func conninfoNamesTheSource() throws {
        let s = try Service(keys: false)
        defer { s.stop() }
        let url = s.url
        let screen = try Self.conninfo(url: url)
        #expect(screen.contains("project: \(Self.project)"))
        #expect(screen.contains("endpoint: \(url)"))
        try s.settle(keys: 1)
        #expect(s.keysIssued == 1)
        for secret in s.secrets { #expect(!screen.contains(secret)) }
    }

    /// `\conninfo` typed in a REPL on `url`; the screen after it.
    static func conninfo(url: String) throws -> String {
        let t = try REPLTests.Terminal()
        let env = ["HOME=\(t.home)", "XDG_CONFIG_HOME=\(t.home)/.config", "XDG_DATA_HOME=\(t.home)/.local/share",
                   "XDG_STATE_HOME=\(t.home)/.local/state", "XDG_CACHE_HOME=\(t.home)/.cache",
                   "NO_COLOR=1", "TERM=xterm", "LANG=C.UTF-8", "DDMSH_METADATA_ENDPOINT=\(url)"]
        let command = ["env"] + env + [Binary.path, "--endpoint", url, "--project-id", project, "--instance", "ddm-demo"]
        try t.tmux(["new-session", "-d", "-s", "t", "-x", "200", "-y", "50", command.map(REPLTests.Terminal.quote).joined(separator: " ")])
        try t.waitFor("ddm(remote:ddm-demo)>")
        try t.line("\\conninfo")
        try t.waitFor("credentials: ECS metadata service \(url) (temporary keys, refreshed before they expire)")
        let screen = t.screen
        try t.quit()
        return screen
    }
}
