import DDMSigning
import Foundation
import GRDB

/// `POST /v3/auth/tokens`: the IAM password login (§1.1), for the token flow.
enum IAMController {
    static func register(_ t: inout RouteTable, user: String?, password: String?) {
        t.add("POST", "/v3/auth/tokens", isPublic: true) { call, db in
            try issue(call, db, user: user, password: password)
        }
    }

    static func issue(_ call: Call, _ db: Database, user: String?, password: String?) throws -> Reply {
        let auth = try WireJSON.decode(TokenRequestWire.self, call.body).auth
        guard auth.identity.methods.contains("password"), let given = auth.identity.password?.user else {
            throw LocalError(status: 400, code: "400", message: "The request body is invalid: identity.methods must include password.", shape: .iam)
        }
        guard let user, let password, given.name == user,
              Authentication.constantTimeEqual(given.password, password) else {
            throw LocalError(status: 401, code: "401", message: "The username or password is wrong.", shape: .iam)
        }
        if let projectId = auth.scope?.project?.id, projectId != call.settings.projectId {
            throw LocalError(status: 401, code: "401", message: "The project \(projectId) is not accessible.", shape: .iam)
        }
        var random = SystemRandomNumberGenerator()
        let token = "MIIT" + (0..<24).map { _ in String(format: "%016llx", random.next() as UInt64) }.joined()
        let expires = call.now + 24 * 3600
        // Only the token's digest is kept: the state file then holds nothing a reader could present.
        try db.execute(sql: "INSERT INTO token (token, user, expires) VALUES (?, ?, ?)", arguments: [Digest.sha256Hex(Array(token.utf8)), user, expires])
        var reply = Reply.json(TokenReplyWire(token: .init(
            expires_at: iso(expires), issued_at: iso(call.now), methods: ["password"],
            project: .init(id: call.settings.projectId, name: "ap-southeast-1"),
            user: .init(name: user, id: WireID.hex32()))), status: 201)
        reply.headers.append(("X-Subject-Token", token))
        return reply
    }

    static func iso(_ epoch: Double) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS000'Z'"
        return f.string(from: Date(timeIntervalSince1970: epoch))
    }
}
