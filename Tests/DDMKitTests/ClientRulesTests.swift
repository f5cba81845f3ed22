import Foundation
import Synchronization
import Testing
@testable import DDMKit

@Suite struct ModifyAccountRuleTests {
    func rejected(_ change: ModifyAccountRequest) -> String? {
        do { try ModifyAccountRules.check(change); return nil } catch let e as DDMError { return e.message } catch { return "\(error)" }
    }

    @Test func rules() {
        #expect(rejected(ModifyAccountRequest())?.contains("at least one of") == true)
        #expect(rejected(ModifyAccountRequest(baseAuthority: [.select], extendAuthority: [.fulltableDelete]))
            == "extended permission fulltableDelete needs basic permission DELETE")
        #expect(rejected(ModifyAccountRequest(description: String(repeating: "x", count: 257)))?.contains("at most 256") == true)
        #expect(rejected(ModifyAccountRequest(description: String(repeating: "x", count: 256))) == nil)
        #expect(rejected(ModifyAccountRequest(databases: ["orders", ""])) == "every databases entry needs a name")
        #expect(rejected(ModifyAccountRequest(baseAuthority: [.select, .delete], extendAuthority: [.fulltableSelect, .fulltableDelete])) == nil)
    }

    /// A modify that changes nothing is refused before anything reaches the wire, in every API setting.
    @Test(arguments: [APIVersionChoice.auto, .v3, .v1])
    func rejectedModifyIsNeverSent(_ version: APIVersionChoice) async throws {
        final class Wire: HTTPTransport, @unchecked Sendable {
            let sent = Mutex(0)
            func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
                sent.withLock { $0 += 1 }
                return HTTPResponseData(status: 200, headers: [], body: Array("{}".utf8))
            }
        }
        let wire = Wire()
        let project = "0123456789abcdef0123456789abcdef"
        let client = try DDMClient(configuration: DDMConfiguration(endpoint: .url("http://127.0.0.1:9"), projectId: project, pacing: .off,
                                                                   apiVersion: version),
                                   authenticator: AKSKAuthenticator(accessKey: "AK", secretKey: "SK", projectId: project), transport: wire)
        await #expect(throws: DDMError.self) { try await client.modifyAccount(instance: "i", name: "u", ModifyAccountRequest()) }
        #expect(wire.sent.withLock { $0 } == 0)
    }
}

@Suite struct ErrorDecodingTests {
    func decode(_ status: Int, _ body: String) -> DDMError {
        ErrorBody.decode(status: status, body: Array(body.utf8), requestId: "req-1", operation: "list accounts")
    }

    @Test func ddmShape() {
        let e = decode(400, #"{"externalMessage": "Parameter error.", "errCode": "DBS.280001"}"#)
        #expect(e.code == "DBS.280001")
        #expect(e.message == "Parameter error.")
        #expect(e.isClientError)
        #expect(e.description == "Parameter error. (DBS.280001, HTTP 400) [list accounts, request req-1]")
    }

    @Test func gatewayShape() {
        let e = ErrorBody.decode(status: 429, body: Array(#"{"error_code":"APIGW.0308","error_msg":"The throttling threshold has been reached","request_id":"gw-9"}"#.utf8),
                                 requestId: nil, operation: nil)
        #expect(e.code == "APIGW.0308")
        #expect(e.isThrottled)
        #expect(e.requestId == "gw-9")
    }

    @Test func otherShapes() {
        #expect(decode(400, #"{"errorCode":"X.1","errorMsg":"m"}"#).code == "X.1")
        #expect(decode(401, #"{"error":{"code":401,"message":"The username or password is wrong.","title":"Unauthorized"}}"#).message
            == "The username or password is wrong.")
        let raw = decode(502, "<html>Bad Gateway</html>")
        #expect(raw.code == nil)
        #expect(raw.message == "<html>Bad Gateway</html>")
        #expect(raw.isServerError)
        #expect(decode(500, "").message == "HTTP 500")
    }

    @Test func busyAndNotFound() {
        #expect(decode(409, #"{"errCode":"DBS.200019","externalMessage":"busy"}"#).isInstanceBusy)
        #expect(decode(409, #"{"errCode":"DBS.212033","externalMessage":"busy"}"#).isInstanceBusy)
        #expect(decode(404, #"{"errCode":"DBS.300327","externalMessage":"gone"}"#).isNotFound)
    }
}

@Suite struct RetryDecisionTests {
    let policy = RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
    func error(_ status: Int?, _ code: String? = nil, kind: DDMError.Kind = .http, retryAfter: Double? = nil) -> DDMError {
        DDMError(kind: kind, status: status, code: code, message: "m", retryAfter: retryAfter)
    }
    let check: Repeatability = .create(check: { _ in nil })

    @Test func rejectionsAreRetriedForEveryKind() {
        for kind in [Repeatability.safe, check, .once] {
            #expect(policy.decide(error(429, "APIGW.0308"), attempt: 1, repeatability: kind, random: 1) == .retry(after: .milliseconds(100)))
            #expect(policy.decide(error(409, "DBS.200019"), attempt: 2, repeatability: kind, random: 1) == .retry(after: .milliseconds(200)))
        }
    }

    /// A throttle is retried for as long as the deadline allows, past `maxAttempts`: counted in
    /// time (injected here as `elapsed`), not in tries.
    @Test func throttlesAreBoundedByTimeNotByCount() {
        let short = RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20), throttleDeadline: .seconds(5))
        let throttle = error(429, "APIGW.0308")
        #expect(short.decide(throttle, attempt: 40, elapsed: .seconds(4), repeatability: .safe, random: 1) == .retry(after: .milliseconds(20)))
        #expect(short.decide(throttle, attempt: 3, elapsed: .milliseconds(4_990), repeatability: .safe, random: 1) == .fail)
        // Anything else stops at maxAttempts, whatever the time left.
        #expect(short.decide(error(503), attempt: 2, elapsed: .zero, repeatability: .safe, random: 1) == .fail)
    }

    @Test func ambiguousFailuresDependOnRepeatability() {
        let e500 = error(500, "DBS.200412")
        let dropped = error(nil, kind: .transport)
        #expect(policy.decide(e500, attempt: 1, repeatability: .safe, random: 1) == .retry(after: .milliseconds(100)))
        #expect(policy.decide(dropped, attempt: 1, repeatability: .safe, random: 1) == .retry(after: .milliseconds(100)))
        #expect(policy.decide(e500, attempt: 1, repeatability: check, random: 1) == .verifyThenRetry(after: .milliseconds(100)))
        #expect(policy.decide(e500, attempt: 1, repeatability: .once, random: 1) == .fail)
    }

    @Test func otherClientErrorsAndExhaustionFail() {
        #expect(policy.decide(error(400, "DBS.280001"), attempt: 1, repeatability: .safe) == .fail)
        #expect(policy.decide(error(409, "DBS.300112"), attempt: 1, repeatability: .safe) == .fail)
        #expect(policy.decide(error(404), attempt: 1, repeatability: .safe) == .fail)
        #expect(policy.decide(error(503), attempt: 4, repeatability: .safe) == .fail)
        #expect(RetryPolicy.none.decide(error(429), attempt: 1, repeatability: .safe) == .fail)
    }

    @Test func backoffGrowsIsCappedJitteredAndHonoursRetryAfter() {
        #expect(policy.delay(attempt: 1, retryAfter: nil, random: 1) == .milliseconds(100))
        #expect(policy.delay(attempt: 3, retryAfter: nil, random: 1) == .milliseconds(400))
        #expect(policy.delay(attempt: 10, retryAfter: nil, random: 1) == .seconds(1))
        #expect(policy.delay(attempt: 3, retryAfter: nil, random: 0) == .milliseconds(200))
        #expect(policy.delay(attempt: 1, retryAfter: 3, random: 1) == .seconds(3))
        #expect(RetryPolicy.parseRetryAfter("2") == 2)
        #expect(RetryPolicy.parseRetryAfter("soon") == nil)
    }
}

@Suite struct TokenCacheTests {
    /// Answers IAM logins with a token that expires in one hour, counting them.
    struct FakeIAM: HTTPTransport {
        let counter = Counter()
        func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
            let n = await counter.next()
            #expect(request.path == "/v3/auth/tokens")
            let body = String(decoding: request.body ?? [], as: UTF8.self)
            #expect(body.contains(#""methods":["password"]"#))
            return HTTPResponseData(status: 201, headers: [("X-Subject-Token", "token-\(n)")],
                                    body: Array(#"{"token":{"expires_at":"2030-01-01T01:00:00.000000Z"}}"#.utf8))
        }
    }
    actor Counter { var n = 0; func next() -> Int { n += 1; return n } }
    final class Clock: @unchecked Sendable { var now = Date(timeIntervalSince1970: 1_893_456_000) } // 2030-01-01T00:00Z

    @Test func cachedUntilShortlyBeforeExpiry() async throws {
        let clock = Clock()
        let auth = IAMPasswordAuthenticator(login: .init(iamEndpoint: "https://iam.example", user: "u", password: "p", domain: "d"),
                                            transport: FakeIAM(), refreshMargin: 300, now: { clock.now })
        #expect(try await auth.token() == "token-1")
        clock.now += 3000
        #expect(try await auth.token() == "token-1")
        clock.now += 400 // 5 min 40 s left of the hour: inside the margin
        #expect(try await auth.token() == "token-2")
        await auth.invalidate()
        #expect(try await auth.token() == "token-3")
        #expect(await auth.fetchCount == 3)
    }

    @Test func expiryParses() {
        #expect(IAMPasswordAuthenticator.parseExpiry("2019-02-13T06:52:13.855000Z") == Date(timeIntervalSince1970: 1_550_040_733))
    }
}

@Suite struct ConfigurationTests {
    @Test func endpoints() throws {
        #expect(try Endpoint.region("ap-southeast-1").baseURL() == "https://ddm.ap-southeast-1.myhuaweicloud.com")
        #expect(try Endpoint.region("eu-west-101").baseURL() == "https://ddm.eu-west-101.myhuaweicloud.eu")
        #expect(try Endpoint.region("ap-southeast-1").baseURL(environment: ["HUAWEICLOUD_SDK_REGION_DDM_AP_SOUTHEAST_1": "https://ddm.internal/,https://b"]) == "https://ddm.internal")
        #expect(throws: DDMError.self) { try Endpoint.region("mars-1").baseURL() }
        #expect(throws: DDMError.self) { try Endpoint.url("ftp://x").baseURL() }
        #expect(Endpoint.iamURL(region: "cn-north-4") == "https://iam.cn-north-4.myhuaweicloud.com")
        #expect(Endpoint.iamURL(region: "eu-west-101") == "https://iam.myhuaweicloud.com")
    }

    @Test func environmentCredentials() {
        let env = EnvironmentCredentials(environment: ["HUAWEICLOUD_SDK_AK": "ak", "HUAWEICLOUD_SDK_SK": "sk",
                                                       "HUAWEICLOUD_SDK_PROJECT_ID": "p", "HUAWEICLOUD_SDK_REGION": "cn-north-4"])
        #expect(env.accessKey == "ak" && env.secretKey == "sk" && env.projectId == "p" && env.region == "cn-north-4")
        #expect(env.authenticator(projectId: nil) is AKSKAuthenticator)
        #expect(EnvironmentCredentials(environment: ["DDMSH_TOKEN": "t"]).authenticator(projectId: nil) is TokenAuthenticator)
        #expect(EnvironmentCredentials(environment: [:]).authenticator(projectId: nil) == nil)
    }

    @Test func badProjectIdIsAConfigurationError() {
        #expect(throws: DDMError.self) {
            _ = try DDMClient(configuration: DDMConfiguration(endpoint: .url("http://127.0.0.1:1"), projectId: "short"),
                              authenticator: TokenAuthenticator(token: "t"))
        }
    }

    @Test func redaction() {
        #expect(Redaction.header("X-Auth-Token", "secret") == "***")
        #expect(Redaction.header("Authorization", "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=abc") ==
            "SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=***")
        let body = Redaction.body(Array(#"{"users":[{"name":"u","password":"Secr3t!"}],"used_rds":[{"adminPassword":"x"}]}"#.utf8))
        #expect(!body.contains("Secr3t") && body.contains(#""password":"***""#) && body.contains(#""adminPassword":"***""#))
    }
}

@Suite struct PermissionTests {
    @Test func unknownPermissionsAreKeptVerbatimAndSortAfterTheDocumentedOnes() throws {
        let read = try JSONDecoder().decode([BasePermission].self, from: Data(#"["SHOW VIEW","SELECT","CREATE"]"#.utf8))
        #expect(read.sorted().map(\.rawValue) == ["CREATE", "SELECT", "SHOW VIEW"])
        #expect(!BasePermission(rawValue: "SHOW VIEW").isKnown && BasePermission.select.isKnown)
        #expect(String(decoding: try JSONEncoder().encode(read), as: UTF8.self) == #"["SHOW VIEW","SELECT","CREATE"]"#)
        #expect(BasePermission.known("SHOW VIEW") == nil && BasePermission.known("SELECT") == .select)
        #expect(ExtendedPermission(rawValue: "fulltableMerge").requiredBase == nil)
        #expect(ExtendedPermission.fulltableDelete.requiredBase == .delete)
    }
}
