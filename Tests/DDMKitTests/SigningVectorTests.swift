import DDMSigning
import Foundation
import Testing
@testable import DDMKit

/// The reference's test vectors (ddm-api.md §1.3), reproduced byte for byte.
@Suite struct SigningVectorTests {
    static let ak = "AKIDEXAMPLE0000000000"
    static let sk = "SKEXAMPLE0123456789abcdefghijklmnopqrstuv"
    static let project = "0123456789abcdef0123456789abcdef"
    static let base = "https://ddm.ap-southeast-1.myhuaweicloud.com"

    func sign(_ method: String, _ path: String, query: [(String, String)] = [], contentType: String = "application/json",
              extra: [(String, String)] = [], body: String? = nil, token: String? = nil) async throws -> HTTPRequestData {
        var request = HTTPRequestData(method: method, baseURL: Self.base, path: path, query: query,
                                      headers: [("Content-Type", contentType), ("X-Sdk-Date", "20240101T000000Z")] + extra,
                                      body: body.map { Array($0.utf8) })
        let auth = AKSKAuthenticator(accessKey: Self.ak, secretKey: Self.sk, projectId: Self.project, securityToken: token)
        try await auth.authorize(&request)
        return request
    }

    /// The canonical request as signed: the headers before `Authorization` was added.
    func canonical(_ r: HTTPRequestData, body: [UInt8]) -> CanonicalRequest {
        CanonicalRequest(method: r.method, path: r.path, query: r.query,
                         headers: r.headers.filter { $0.0 != "Authorization" }, body: body)
    }

    @Test func v1ListInstances() async throws {
        let r = try await sign("GET", "/v1/\(Self.project)/instances", query: [("offset", "0"), ("limit", "10")])
        let canonical = canonical(r, body: [])
        #expect(canonical.text == """
            GET
            /v1/0123456789abcdef0123456789abcdef/instances/
            limit=10&offset=0
            content-type:application/json
            host:ddm.ap-southeast-1.myhuaweicloud.com
            x-project-id:0123456789abcdef0123456789abcdef
            x-sdk-date:20240101T000000Z

            content-type;host;x-project-id;x-sdk-date
            e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
            """)
        let signer = Signer(accessKey: Self.ak, secretKey: Self.sk)
        #expect(signer.stringToSign(canonical, date: "20240101T000000Z") ==
            "SDK-HMAC-SHA256\n20240101T000000Z\n77f8460ae3e9c7e0460ad2a3f902e3c92a1cf9af7bad2ab508037551e6444d40")
        #expect(r.url == "\(Self.base)/v1/0123456789abcdef0123456789abcdef/instances?limit=10&offset=0")
        #expect(r.header("Authorization") == "SDK-HMAC-SHA256 Access=AKIDEXAMPLE0000000000, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=5bde3134280c3fb640e50c8ff89a011ecbf7f9dda9d34fa26bc144f91d42ded5")
    }

    @Test func v2CreateAccounts() async throws {
        let body = #"{"users": [{"name": "app_user", "password": "Passw0rd!x", "base_authority": ["SELECT", "INSERT"], "databases": [{"name": "orders"}]}]}"#
        #expect(body.utf8.count == 134)
        #expect(Digest.sha256Hex(Array(body.utf8)) == "64545de4c352c360cb01d7f9d3aeea5b4d80e4a015a7a1ca4be9927b029bd5c6")
        let r = try await sign("POST", "/v1/\(Self.project)/instances/abcd1234in09/users",
                               contentType: "application/json;charset=UTF-8", body: body)
        let canonical = canonical(r, body: Array(body.utf8))
        #expect(Signer(accessKey: Self.ak, secretKey: Self.sk).stringToSign(canonical, date: "20240101T000000Z")
            .hasSuffix("6a0f98190e9b15e024d4c7a01d753621a2ad5ec9dc820004c087a4f2391b10f9"))
        #expect(r.header("Authorization")!.hasSuffix("Signature=d136fef2da39f95193ecfaf6758c8549933bb4e2fa1cabaeca25e5dacebedd6e"))
    }

    @Test func v3DeleteSchema() async throws {
        let r = try await sign("DELETE", "/v1/\(Self.project)/instances/abcd1234in09/databases/orders",
                               query: [("delete_rds_data", "true")])
        #expect(r.header("Authorization")!.hasSuffix("Signature=e4b05d22be990275e0cbc15a4c8d472b6bbefa5483e09a7855aeadbd2103f9af"))
    }

    @Test func v4QuerySortingAndEncoding() async throws {
        let r = try await sign("GET", "/v1/\(Self.project)/instances", query: [("limit", "10"), ("b", "a b/c"), ("a", "x~y*z")])
        #expect(r.url == "\(Self.base)/v1/0123456789abcdef0123456789abcdef/instances?a=x~y%2Az&b=a%20b%2Fc&limit=10")
        #expect(r.header("Authorization")!.hasSuffix("Signature=5dbf5d78db448decea116f0c4f73f95ac190fd0f0ba583e5e3430996a504c3e8"))
    }

    @Test func v5RootPath() async throws {
        let r = try await sign("GET", "/")
        let canonical = canonical(r, body: [])
        #expect(canonical.canonicalURI == "/")
        #expect(Signer(accessKey: Self.ak, secretKey: Self.sk).stringToSign(canonical, date: "20240101T000000Z")
            .hasSuffix("a37fa909ae737af54b6931616499a543df032e8dc11d41ca90edd957fe7e9ae9"))
        #expect(r.header("Authorization")!.hasSuffix("Signature=fe57390a772b427cb168f9153242e5fb9f556e46f3827d66f7f69cee0eda07ff"))
    }

    @Test func v6ModifyAccount() async throws {
        let body = #"{"user": {"base_authority": ["SELECT", "INSERT"], "databases": [{"name": "orders"}, {"name": "billing"}]}}"#
        let r = try await sign("PUT", "/v1/\(Self.project)/instances/abcd1234in09/users/app_user",
                               contentType: "application/json;charset=utf-8", body: body)
        let canonical = canonical(r, body: Array(body.utf8))
        #expect(canonical.text == "PUT\n/v1/0123456789abcdef0123456789abcdef/instances/abcd1234in09/users/app_user/\n\ncontent-type:application/json;charset=utf-8\nhost:ddm.ap-southeast-1.myhuaweicloud.com\nx-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240101T000000Z\n\ncontent-type;host;x-project-id;x-sdk-date\n35f959b61e15090084b5898fe4fe671eafe09aca151e5f5855212528fb1459da")
        #expect(r.header("Authorization")!.hasSuffix("Signature=42e97826d145a662e6e9387644f1aed3538401b00e6d87abe0eab4df49bee5ea"))
    }

    @Test func v7ExtraHeadersAreSigned() async throws {
        let r = try await sign("GET", "/v1/\(Self.project)/instances/abcd1234in09",
                               extra: [("User-Agent", "ddmsh/0.1")], token: "STSTOKENEXAMPLE")
        #expect(r.header("Authorization") == "SDK-HMAC-SHA256 Access=AKIDEXAMPLE0000000000, SignedHeaders=content-type;host;user-agent;x-project-id;x-sdk-date;x-security-token, Signature=ad86746e8d683e12c2936a7a0cef9b0fca34883f69f7bc39e5949f4378a4c136")
    }

    @Test func v8UnderscoreHeaderIsNotSigned() async throws {
        let r = try await sign("GET", "/v1/\(Self.project)/instances", extra: [("X_Custom", "x")])
        #expect(r.header("Authorization") == "SDK-HMAC-SHA256 Access=AKIDEXAMPLE0000000000, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=4460ef71d01eb36d289416d8f2e1cff04c1d563fed6b5c20d553185b2d29e231")
    }

    @Test func authorizationHeaderParses() throws {
        let parsed = try #require(SignedAuthorization(header: "SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=abc"))
        #expect(parsed.accessKey == "AK1")
        #expect(parsed.signedHeaders == ["host", "x-sdk-date"])
        #expect(parsed.signature == "abc")
        #expect(SignedAuthorization(header: "Bearer x") == nil)
        #expect(SignedAuthorization(header: "SDK-HMAC-SHA256 Access=, SignedHeaders=, Signature=") == nil)
    }
}
