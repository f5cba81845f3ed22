import DDMSigning
import Foundation
import GRDB

/// The gateway's credential check: AK/SK signatures (the configured key, or a temporary one the
/// metadata routes issued, with its security token) and `X-Auth-Token`.
struct Authentication: Sendable {
    var accessKey: String?
    var secretKey: String?
    var staticToken: String?
    var temporaryKeys: TemporaryKeys?
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
        let (secret, identity) = try signingSecret(for: auth, p, now: now)
        guard let dateText = p.header("x-sdk-date"), let date = Signer.parseDate(dateText) else {
            throw LocalError.unauthorized("X-Sdk-Date is missing or malformed")
        }
        guard abs(date.timeIntervalSince1970 - now) <= Self.maxClockSkew else {
            throw LocalError.unauthorized("X-Sdk-Date is more than 15 minutes from the server time")
        }
        let canonical = CanonicalRequest(method: p.method, path: p.rawPath, query: Self.queryPairs(p.rawQuery),
                                         headers: p.headers, body: p.body, signedHeaderNames: auth.signedHeaders)
        guard Signer(accessKey: auth.accessKey, secretKey: secret).verify(canonical, date: dateText, signature: auth.signature) else {
            throw LocalError.unauthorized("the signature does not match")
        }
        return identity
    }

    /// The secret to check the signature with, and whose calls these are. A temporary key is
    /// accepted only with its security token, signed (so it cannot be swapped), until it expires;
    /// every key of the agency is one caller, as the budget of one user.
    private func signingSecret(for auth: SignedAuthorization, _ p: Presented, now: Double) throws -> (String, String) {
        if let accessKey, let secretKey, auth.accessKey == accessKey { return (secretKey, "ak:" + accessKey) }
        guard let temporaryKeys, let key = temporaryKeys.key(auth.accessKey) else {
            throw LocalError.unauthorized("unknown access key")
        }
        guard let token = p.header("x-security-token"), Self.constantTimeEqual(token, key.securityToken) else {
            throw LocalError.unauthorized("a temporary access key needs its security token in X-Security-Token")
        }
        guard auth.signedHeaders.contains("x-security-token") else {
            throw LocalError.unauthorized("X-Security-Token is not among the signed headers")
        }
        guard key.expires > now else {
            temporaryKeys.countExpiredPresented()
            throw LocalError.unauthorized("the security token has expired")
        }
        return (key.secretKey, "agency:metadata")
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
