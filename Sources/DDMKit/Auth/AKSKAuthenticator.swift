import DDMSigning
import Foundation

/// AK/SK request signing (`SDK-HMAC-SHA256`, ddm-api.md §1.2).
public struct AKSKAuthenticator: Authenticator {
    private let signer: Signer
    private let projectId: String?
    private let securityToken: String?
    private let now: @Sendable () -> Date

    public init(accessKey: String, secretKey: String, projectId: String?, securityToken: String? = nil,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.signer = Signer(accessKey: accessKey, secretKey: secretKey)
        self.projectId = projectId
        self.securityToken = securityToken
        self.now = now
    }

    public var identity: String { "ak:" + signer.accessKey }

    public func authorize(_ request: inout HTTPRequestData) async throws {
        let date: String
        if let given = request.header("X-Sdk-Date"), Signer.parseDate(given) != nil {
            date = given
        } else {
            date = Signer.formatDate(now())
            request.setHeader("X-Sdk-Date", date)
        }
        if request.header("Host") == nil { request.setHeader("Host", request.authority) }
        if let projectId, request.header("X-Project-Id") == nil { request.setHeader("X-Project-Id", projectId) }
        if let securityToken { request.setHeader("X-Security-Token", securityToken) }
        let canonical = CanonicalRequest(
            method: request.method, path: request.path, query: request.query,
            headers: request.headers, body: request.body ?? [])
        request.setHeader("Authorization", signer.authorization(canonical, date: date))
    }
}
