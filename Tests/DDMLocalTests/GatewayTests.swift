import DDMKit
import DDMLocal
import DDMSigning
import Foundation
import LocalTestSupport
import Testing

/// Authentication, project scoping, rate limits and faults, as the gateway does them.
@Suite(.stopsWhatItStarts) struct GatewayTests {
    static let vectorProject = "0123456789abcdef0123456789abcdef"

    /// A service that knows the reference's AK/SK and whose clock reads 2024-01-01 00:05 UTC.
    func vectorService() async throws -> RawClient {
        try await RawClient.start { c in
            c.accessKey = "AKIDEXAMPLE0000000000"
            c.secretKey = "SKEXAMPLE0123456789abcdefghijklmnopqrstuv"
            c.clock = { Date(timeIntervalSince1970: 1_704_067_500) }
        }
    }

    func vectorV1(_ r: RawClient, query: String = "limit=10&offset=0",
                  signature: String = "5bde3134280c3fb640e50c8ff89a011ecbf7f9dda9d34fa26bc144f91d42ded5") async throws -> RawClient.Answer {
        try await r.send("GET", "/v1/\(Self.vectorProject)/instances",
                         query: Authentication_queryPairs(query), sign: false,
                         extraHeaders: [("Host", "ddm.ap-southeast-1.myhuaweicloud.com"), ("X-Project-Id", Self.vectorProject),
                                        ("X-Sdk-Date", "20240101T000000Z"),
                                        ("Authorization", "SDK-HMAC-SHA256 Access=AKIDEXAMPLE0000000000, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=\(signature)")])
    }

    @Test func referenceVectorIsAcceptedAndOneChangedByteIsNot() async throws {
        let r = try await vectorService()
        defer { stopAfterTest { await r.stop() } }
        let ok = try await vectorV1(r)
        #expect(ok.status == 200, "\(ok.json)")
        let changedQuery = try await vectorV1(r, query: "limit=11&offset=0")
        #expect(changedQuery.status == 401)
        #expect(changedQuery.code == "APIGW.0301")
        #expect(changedQuery.json["request_id"] as? String != nil)
        let changedSignature = try await vectorV1(r, signature: "5bde3134280c3fb640e50c8ff89a011ecbf7f9dda9d34fa26bc144f91d42ded4")
        #expect(changedSignature.status == 401)

        // V6, a PUT with a body: authentication passes (the account does not exist: 404, not 401).
        let body = #"{"user": {"base_authority": ["SELECT", "INSERT"], "databases": [{"name": "orders"}, {"name": "billing"}]}}"#
        let v6 = try await r.send("PUT", "/v1/\(Self.vectorProject)/instances/abcd1234in09/users/app_user", body: body,
                                  contentType: "application/json;charset=utf-8", sign: false,
                                  extraHeaders: [("Host", "ddm.ap-southeast-1.myhuaweicloud.com"), ("X-Project-Id", Self.vectorProject),
                                                 ("X-Sdk-Date", "20240101T000000Z"),
                                                 ("Authorization", "SDK-HMAC-SHA256 Access=AKIDEXAMPLE0000000000, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=42e97826d145a662e6e9387644f1aed3538401b00e6d87abe0eab4df49bee5ea")])
        #expect(v6.status == 404, "\(v6.json)")
        let tampered = try await r.send("PUT", "/v1/\(Self.vectorProject)/instances/abcd1234in09/users/app_user",
                                        body: body.replacingOccurrences(of: "INSERT", with: "INSERt"),
                                        contentType: "application/json;charset=utf-8", sign: false,
                                        extraHeaders: [("Host", "ddm.ap-southeast-1.myhuaweicloud.com"), ("X-Project-Id", Self.vectorProject),
                                                       ("X-Sdk-Date", "20240101T000000Z"),
                                                       ("Authorization", "SDK-HMAC-SHA256 Access=AKIDEXAMPLE0000000000, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=42e97826d145a662e6e9387644f1aed3538401b00e6d87abe0eab4df49bee5ea")])
        #expect(tampered.status == 401)
    }

    @Test func clockSkewBeyondFifteenMinutesIsRejected() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        #expect(try await r.send("GET", r.v1("instances"), date: Date().addingTimeInterval(-14 * 60)).status == 200)
        let old = try await r.send("GET", r.v1("instances"), date: Date().addingTimeInterval(-16 * 60))
        #expect(old.status == 401)
        #expect(old.message.contains("15 minutes"))
    }

    @Test func missingOrUnknownCredentialsAreRejected() async throws {
        let r = try await RawClient.start { $0.staticToken = "tok-123" }
        defer { stopAfterTest { await r.stop() } }
        let none = try await r.send("GET", r.v1("instances"), sign: false)
        #expect(none.status == 401)
        #expect(none.code == "APIGW.0301")
        #expect(try await r.send("GET", r.v1("instances"), sign: false, extraHeaders: [("X-Auth-Token", "tok-999")]).status == 401)
        #expect(try await r.send("GET", r.v1("instances"), sign: false, extraHeaders: [("X-Auth-Token", "tok-123")]).status == 200)
        // API versions need no credentials.
        #expect(try await r.send("GET", "/", sign: false).status == 200)
    }

    @Test func otherProjectIsForbidden() async throws {
        let r = try await RawClient.start()
        defer { stopAfterTest { await r.stop() } }
        let other = try await r.send("GET", "/v1/ffffffffffffffffffffffffffffffff/instances")
        #expect(other.status == 403)
        #expect(other.code == "APIGW.0302")
    }

    @Test func iamIssuesTokensThatTheGatewayAccepts() async throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("iam-\(UUID().uuidString).sqlite").path
        let r = try await RawClient.start { $0.iamUser = "admin"; $0.iamPassword = "Iam_passw0rd"; $0.statePath = state }
        defer { stopAfterTest { await r.stop() } }
        let login = #"{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"Iam_passw0rd","domain":{"name":"d"}}}},"scope":{"project":{"id":"\#(RawClient.project)"}}}}"#
        let answer = try await r.send("POST", "/v3/auth/tokens", body: login, sign: false)
        #expect(answer.status == 201)
        let token = try #require(answer.headers.first { $0.0.lowercased() == "x-subject-token" }?.1)
        #expect((answer.json["token"] as? [String: Any])?["expires_at"] as? String != nil)
        #expect(try await r.send("GET", r.v1("instances"), sign: false, extraHeaders: [("X-Auth-Token", token)]).status == 200)
        // The service keeps the token's digest only: a copy of its state presents nothing.
        let stored = ["", "-wal"].compactMap { FileManager.default.contents(atPath: state + $0) }.reduce(Data(), +)
        #expect(!stored.isEmpty && stored.range(of: Data(token.utf8)) == nil)
        let wrong = try await r.send("POST", "/v3/auth/tokens", body: login.replacingOccurrences(of: "Iam_passw0rd", with: "nope"), sign: false)
        #expect(wrong.status == 401)
        #expect((wrong.json["error"] as? [String: Any])?["title"] as? String == "Unauthorized")
    }

    @Test func perUserRateLimitAnswers429() async throws {
        // The service's clock stands still: the bucket does not refill however slow the machine.
        let now = Date()
        let r = try await RawClient.start { $0.faults.rateLimit = 6; $0.clock = { now } }
        defer { stopAfterTest { await r.stop() } }
        var statuses: [Int] = []
        for _ in 0..<12 { statuses.append(try await r.send("GET", r.v1("instances")).status) }
        #expect(statuses.prefix(10).allSatisfy { $0 == 200 })
        let limited = try await r.send("GET", r.v1("instances"))
        #expect(limited.status == 429)
        #expect(limited.code == "APIGW.0308")
        #expect(limited.headers.contains { $0.0.lowercased() == "retry-after" })
    }

    @Test func injectedFaultsTakeEveryForm() async throws {
        let r = try await RawClient.start { $0.faults = FaultSettings(faultRate: 0.5, throttleRate: 0.1, seed: 7) }
        defer { stopAfterTest { await r.stop() } }
        var seen: Set<String> = []
        for _ in 0..<80 {
            do {
                let a = try await r.send("GET", r.v1("instances"))
                seen.insert(a.status == 200 ? "ok" : "\(a.status) \(a.code ?? "")")
            } catch let e as DDMError where e.kind == .transport {
                seen.insert("dropped")
            }
        }
        #expect(seen.isSuperset(of: ["ok", "500 DBS.200412", "409 DBS.200019", "429 APIGW.0308", "dropped"]), "\(seen)")
        r.service.faultSettings = FaultSettings()
        for _ in 0..<10 { #expect(try await r.send("GET", r.v1("instances")).status == 200) }
    }

    @Test func latencyIsAdded() async throws {
        let r = try await RawClient.start { $0.faults.latency = 0.1 }
        defer { stopAfterTest { await r.stop() } }
        let start = ContinuousClock.now
        _ = try await r.send("GET", r.v1("instances"))
        #expect(ContinuousClock.now - start >= .milliseconds(100))
    }
}

func Authentication_queryPairs(_ raw: String) -> [(String, String)] {
    raw.split(separator: "&").map { part in
        let kv = part.split(separator: "=", maxSplits: 1)
        return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
    }
}
