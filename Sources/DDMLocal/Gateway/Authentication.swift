import DDMSigning
import Foundation
import GRDB

/// The gateway's credential check: AK/SK signatures and `X-Auth-Token`.
struct Authentication: Sendable {
    var accessKey: String?
    var secretKey: String?
    var staticToken: String?
    static let maxClockSkew: Double = 15 * 60

    struct Presented {
        var method: String
        var rawPath: String
        var rawQuery: String
        var headers: [(String, String)]
        var body: [UInt8]
        func header(_ name: String) -> String? { headers.last { $0.0.lowercased() == name }?.1 }
    }

    /// Returns the caller's identity (for rate limiting), or throws the gateway's 401.
    func check(_ p: Presented, now: Double, tokens: any DatabaseWriter) throws -> String {
        if let authorization = p.header("authorization") {
            return try checkSignature(authorization, p, now: now)
        }
        if let token = p.header("x-auth-token") {
            if let staticToken, Self.constantTimeEqual(token, staticToken) { return "token" }
            let user = try tokens.read { db in
                try String.fetchOne(db, sql: "SELECT user FROM token WHERE token = ? AND expires > ?", arguments: [Digest.sha256Hex(Array(token.utf8)), now])
            }
            guard let user else { throw LocalError.unauthorized("the token is invalid or has expired") }
            return "iam:" + user
        }
        throw LocalError.unauthorized("no X-Auth-Token or Authorization header")
    }

    private func checkSignature(_ header: String, _ p: Presented, now: Double) throws -> String {
        guard let auth = SignedAuthorization(header: header) else {
            throw LocalError.unauthorized("the Authorization header is not SDK-HMAC-SHA256")
        }
        guard let accessKey, let secretKey, auth.accessKey == accessKey else {
            throw LocalError.unauthorized("unknown access key")
        }
        guard let dateText = p.header("x-sdk-date"), let date = Signer.parseDate(dateText) else {
            throw LocalError.unauthorized("X-Sdk-Date is missing or malformed")
        }
        guard abs(date.timeIntervalSince1970 - now) <= Self.maxClockSkew else {
            throw LocalError.unauthorized("X-Sdk-Date is more than 15 minutes from the server time")
        }
        let canonical = CanonicalRequest(method: p.method, path: p.rawPath, query: Self.queryPairs(p.rawQuery),
                                         headers: p.headers, body: p.body, signedHeaderNames: auth.signedHeaders)
        guard Signer(accessKey: accessKey, secretKey: secretKey).verify(canonical, date: dateText, signature: auth.signature) else {
            throw LocalError.unauthorized("the signature does not match")
        }
        return "ak:" + accessKey
    }

    static func queryPairs(_ raw: String) -> [(String, String)] {
        raw.split(separator: "&").map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (PercentEncoding.decode(String(kv[0])), kv.count > 1 ? PercentEncoding.decode(String(kv[1])) : "")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
