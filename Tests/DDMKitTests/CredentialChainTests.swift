import DDMKit
import DDMLocal
import Foundation
import LocalTestSupport
import Synchronization
import Testing

/// The SDK's credential chain as ddmsh follows it: each source alone, their order, the errors of
/// a broken credentials file, and the metadata service's temporary keys refreshed mid-run.
@Suite(.stopsWhatItStarts) struct CredentialChainTests {
    static let project = LocalServiceConfiguration().projectId

    /// A home of the test's own, with a credentials file when `file` is given.
    static func home(file: String? = nil, mode: Int = 0o600) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/.huaweicloud", withIntermediateDirectories: true)
        if let file {
            let path = dir + "/.huaweicloud/credentials"
            try file.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        }
        return dir
    }

    static let file = """
        # written by hand
        [global]
        ak = GLOBALAK
        sk = GLOBALSK

        [basic]
        AK = FILEAK0000000000001
        sk: FILESK-secret-value
        project_id = 0123456789abcdef0123456789abcdef
        """

    @Test func theEnvironmentAlone() throws {
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let chain = CredentialChain(environment: ["HOME": home, "HUAWEICLOUD_SDK_AK": "ENVAK", "HUAWEICLOUD_SDK_SK": "ENVSK"])
        let found = try #require(try chain.withoutNetwork(projectId: nil).found)
        #expect(found.source == "environment (HUAWEICLOUD_SDK_AK)")
        #expect(found.authenticator.identity == "ak:ENVAK")
    }

    @Test func theCredentialsFileAloneFromItsBasicSection() throws {
        let home = try Self.home(file: Self.file)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let found = try #require(try CredentialChain(environment: ["HOME": home]).withoutNetwork(projectId: nil).found)
        #expect(found.source == "credentials file \(home)/.huaweicloud/credentials [basic]")
        #expect(found.authenticator.identity == "ak:FILEAK0000000000001")
        #expect(found.projectId == Self.project)
    }

    @Test func theFileNamedByTheVariable() throws {
        let home = try Self.home(file: Self.file)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let other = home + "/elsewhere"
        try "[basic]\nak = OTHERAK\nsk = OTHERSK\n".write(toFile: other, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: other)
        let found = try #require(try CredentialChain(environment: ["HOME": home, "HUAWEICLOUD_SDK_CREDENTIALS_FILE": other])
            .withoutNetwork(projectId: nil).found)
        #expect(found.authenticator.identity == "ak:OTHERAK")
        #expect(found.source.contains(other))
    }

    @Test func theEnvironmentComesBeforeTheFile() throws {
        let home = try Self.home(file: Self.file)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let both = CredentialChain(environment: ["HOME": home, "HUAWEICLOUD_SDK_AK": "ENVAK", "HUAWEICLOUD_SDK_SK": "ENVSK"])
        #expect(try both.withoutNetwork(projectId: nil).found?.authenticator.identity == "ak:ENVAK")
        let token = CredentialChain(environment: ["HOME": home, "DDMSH_TOKEN": "t"])
        #expect(try token.withoutNetwork(projectId: nil).found?.source == "environment (DDMSH_TOKEN)")
    }

    @Test func aFileOthersCanReadIsRefused() throws {
        let home = try Self.home(file: Self.file, mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: home) }
        #expect {
            try CredentialChain(environment: ["HOME": home]).withoutNetwork(projectId: nil)
        } throws: { error in
            let text = "\(error)"
            return error is CredentialChain.Unusable && text.contains("mode 644") && text.contains("chmod 600 \(home)/.huaweicloud/credentials")
        }
    }

    @Test func aFileWithoutItsSecretKeyIsAnError() throws {
        let home = try Self.home(file: "[basic]\nak = FILEAK\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        #expect {
            try CredentialChain(environment: ["HOME": home]).withoutNetwork(projectId: nil)
        } throws: { error in
            "\(error)" == "the credentials file \(home)/.huaweicloud/credentials has no sk in its [basic] section"
        }
    }

    @Test func halfAKeyInTheEnvironmentIsAnError() throws {
        #expect {
            try CredentialChain(environment: ["HUAWEICLOUD_SDK_AK": "ENVAK"]).withoutNetwork(projectId: nil)
        } throws: { "\($0)" == "HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not" }
    }

    /// No `[basic]` (a file for global services only): passed over, as the SDK's basic chain does.
    @Test func aFileWithoutBasicIsPassedOverAndSaid() throws {
        let home = try Self.home(file: "[global]\nak = A\nsk = B\n")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let (found, looked) = try CredentialChain(environment: ["HOME": home]).withoutNetwork(projectId: nil)
        #expect(found == nil)
        #expect(looked == ["environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set (nor DDMSH_TOKEN)",
                           "credentials file: \(home)/.huaweicloud/credentials has no [basic] section (or set HUAWEICLOUD_SDK_CREDENTIALS_FILE)"])
    }

    @Test func theExpiryIsReadAsTheSDKWritesIt() {
        #expect(MetadataAuthenticator.parseExpiry("2030-01-01T00:10:00.500000Z") == Date(timeIntervalSince1970: 1_893_456_600.5))
        #expect(MetadataAuthenticator.parseExpiry("2030-01-01T00:10:00Z") == Date(timeIntervalSince1970: 1_893_456_600))
        #expect(MetadataAuthenticator.parseExpiry("tomorrow") == nil)
    }

    // MARK: the metadata service

    /// A clock tests move by hand; the service and the client read the same one.
    final class Clock: Sendable {
        private let now = Mutex(Date(timeIntervalSince1970: 1_893_456_000))
        var date: Date { now.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { now.withLock { $0 += seconds } }
    }

    static func metadataService(lifetime: Double, clock: Clock) async throws -> LocalService {
        var config = LocalServiceConfiguration()
        config.metadataKeyLifetime = lifetime
        config.clock = { clock.date }
        return try await LocalService.start(config)
    }

    @Test func theMetadataServiceAloneWhenNothingElseHasKeys() async throws {
        let clock = Clock()
        let service = try await Self.metadataService(lifetime: 600, clock: clock)
        defer { stopAfterTest { await service.stop() } }
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let chain = CredentialChain(environment: ["HOME": home, "DDMSH_METADATA_ENDPOINT": service.url])
        let (none, looked) = try chain.withoutNetwork(projectId: Self.project)
        #expect(none == nil)
        // A generous transport: the timing of the chain's own is tested on the binary, in a process of its own.
        let found = try await chain.metadata(projectId: Self.project, looked: looked, timeout: .seconds(2),
                                             transport: AsyncHTTPTransport(connectTimeout: .seconds(30), readTimeout: .seconds(30)))
        #expect(found.source == "ECS metadata service \(service.url) (temporary keys, refreshed before they expire)")
        #expect(found.authenticator.identity == "metadata:" + service.url)
        #expect(service.metadataTraffic.sessionTokens == 1 && service.metadataTraffic.keysIssued == 1)
    }

    /// A run longer than a key's life: the key is fetched again before it expires, and no call is
    /// refused on the way (counted at the service).
    @Test func aKeyThatExpiresMidRunIsRefreshedWithoutAFailedCall() async throws {
        let clock = Clock()
        let service = try await Self.metadataService(lifetime: 600, clock: clock)
        defer { stopAfterTest { await service.stop() } }
        let auth = MetadataAuthenticator(endpoint: service.url, transport: AsyncHTTPTransport(connectTimeout: .seconds(30), readTimeout: .seconds(30)),
                                         projectId: Self.project, now: { clock.date })
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url(service.url), projectId: Self.project, pacing: .off),
                                   authenticator: auth)
        for _ in 0..<12 {
            _ = try await client.listInstances(offset: 0, limit: 10)
            clock.advance(100) // twelve calls over 20 minutes: the first key lives 10
        }
        #expect(service.traffic.reads == 12)
        #expect(service.metadataTraffic.expiredKeysPresented == 0)
        // Refreshed at half its life (300 s) each time: at 0, 300, 600, 900 s.
        #expect(service.metadataTraffic.keysIssued == 4)
        #expect(service.metadataTraffic.sessionTokens == 1, "one session token serves every refresh")
        #expect(await auth.fetchCount == 4)

        // Past the six-hour session token: its 401 gets a new one and one more try, as the SDK does.
        clock.advance(6 * 3600)
        _ = try await client.listInstances(offset: 0, limit: 10)
        #expect(service.metadataTraffic.sessionTokens == 2 && service.metadataTraffic.refused == 1)
        #expect(service.metadataTraffic.keysIssued == 5 && service.metadataTraffic.expiredKeysPresented == 0)
    }

    /// The service takes a temporary key only with its security token, signed, and not expired.
    @Test func theServiceAcceptsItsTemporaryKeysOnlyWithTheirTokenUntilTheyExpire() async throws {
        let clock = Clock()
        let service = try await Self.metadataService(lifetime: 600, clock: clock)
        defer { stopAfterTest { await service.stop() } }
        let transport = AsyncHTTPTransport(connectTimeout: .seconds(30), readTimeout: .seconds(30))
        var token = HTTPRequestData(method: "PUT", baseURL: service.url, path: "/meta-data/latest/api/token",
                                    headers: [("X-Metadata-Token-Ttl-Seconds", "21600")])
        let session = String(decoding: try await transport.send(token).body, as: UTF8.self)
        token.headers = []
        #expect(try await transport.send(token).status == 400, "the TTL header is required")
        let noToken = try await transport.send(HTTPRequestData(method: "GET", baseURL: service.url, path: "/openstack/latest/securitykey"))
        #expect(noToken.status == 401)
        let answer = try await transport.send(HTTPRequestData(method: "GET", baseURL: service.url, path: "/openstack/latest/securitykey",
                                                              headers: [("X-Metadata-Token", session)]))
        #expect(answer.status == 200)
        let credential = try #require((try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any])?["credential"] as? [String: String])
        let ak = try #require(credential["access"]), sk = try #require(credential["secret"]), st = try #require(credential["securitytoken"])
        #expect(credential["expires_at"] == "2030-01-01T00:10:00.000000Z")

        func call(_ auth: any Authenticator) async throws -> Int {
            var request = HTTPRequestData(method: "GET", baseURL: service.url, path: "/v1/\(Self.project)/instances")
            try await auth.authorize(&request)
            return try await transport.send(request).status
        }
        #expect(try await call(AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: Self.project, securityToken: st, now: { clock.date })) == 200)
        #expect(try await call(AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: Self.project, now: { clock.date })) == 401)
        #expect(try await call(AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: Self.project, securityToken: st + "x", now: { clock.date })) == 401)
        clock.advance(601)
        #expect(try await call(AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: Self.project, securityToken: st, now: { clock.date })) == 401)
        #expect(service.metadataTraffic.expiredKeysPresented == 1)
    }

    /// The metadata service down (refused, or silent past the timeout): a clear error naming every
    /// place looked at. How soon is measured on the binary (CredentialSourcesTests), outside this
    /// process's busy thread pool.
    @Test func theMetadataServiceDownIsSaidWithinTheTimeout() async throws {
        let silent = try SilentListener()
        defer { silent.close() }
        for endpoint in ["http://127.0.0.1:1", "http://127.0.0.1:\(silent.port)"] {
            let chain = CredentialChain(environment: ["HOME": "/nonexistent-home", "DDMSH_METADATA_ENDPOINT": endpoint])
            let (_, looked) = try chain.withoutNetwork(projectId: Self.project)
            await #expect {
                try await chain.metadata(projectId: Self.project, looked: looked, timeout: .seconds(1))
            } throws: { error in
                let text = "\(error)"
                return error is CredentialChain.NotFound && text.contains("environment: HUAWEICLOUD_SDK_AK")
                    && text.contains("credentials file: /nonexistent-home/.huaweicloud/credentials does not exist")
                    && text.contains("ECS metadata service: the ECS metadata service at \(endpoint) did not answer")
            }
        }
    }
}
