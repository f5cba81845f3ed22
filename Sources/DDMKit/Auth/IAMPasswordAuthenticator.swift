import Foundation

/// IAM password login: `POST /v3/auth/tokens`, token from `X-Subject-Token`,
/// cached and fetched again shortly before `expires_at`.
public actor IAMPasswordAuthenticator: Authenticator {
    public struct Login: Sendable {
        public var iamEndpoint: String
        public var user: String
        public var password: String
        public var domain: String
        /// Project scope: the project id, or (if nil) the region name.
        public var projectId: String?
        public var projectName: String?

        public init(iamEndpoint: String, user: String, password: String, domain: String,
                    projectId: String? = nil, projectName: String? = nil) {
            self.iamEndpoint = iamEndpoint; self.user = user; self.password = password
            self.domain = domain; self.projectId = projectId; self.projectName = projectName
        }
    }

    private let login: Login
    private let transport: any HTTPTransport
    private let refreshMargin: TimeInterval
    private let now: @Sendable () -> Date
    private var cached: (token: String, expires: Date)?
    private var inFlight: Task<(String, Date), Error>?
    /// How many tokens were fetched; tests read it to check caching.
    public private(set) var fetchCount = 0

    public init(login: Login, transport: any HTTPTransport, refreshMargin: TimeInterval = 300,
                now: @escaping @Sendable () -> Date = Date.init) {
        self.login = login; self.transport = transport
        self.refreshMargin = refreshMargin; self.now = now
    }

    public nonisolated var identity: String { "iam:\(login.user)@\(login.domain)" }

    public func authorize(_ request: inout HTTPRequestData) async throws {
        request.setHeader("X-Auth-Token", try await token())
    }

    public func invalidate() async { cached = nil }

    public func token() async throws -> String {
        if let cached, cached.expires.timeIntervalSince(now()) > refreshMargin { return cached.token }
        // Concurrent callers share one login instead of each starting their own.
        if let inFlight { return try await inFlight.value.0 }
        let task = Task { try await self.fetch() }
        inFlight = task
        defer { inFlight = nil }
        let (token, expires) = try await task.value
        cached = (token, expires)
        return token
    }

    private func fetch() async throws -> (String, Date) {
        fetchCount += 1
        var request = HTTPRequestData(method: "POST", baseURL: login.iamEndpoint, path: "/v3/auth/tokens",
                                      query: [("nocatalog", "true")],
                                      headers: [("Content-Type", "application/json;charset=utf8")],
                                      body: JSONBody.encode(body()))
        request.setHeader("User-Agent", DDMClient.userAgent)
        let response = try await transport.send(request)
        guard (200..<300).contains(response.status) else {
            throw ErrorBody.decode(status: response.status, body: response.body,
                                   requestId: response.requestId, operation: "IAM login")
        }
        guard let token = response.header("X-Subject-Token"), !token.isEmpty else {
            throw DDMError(kind: .decoding, status: response.status, message: "IAM answered without X-Subject-Token",
                           requestId: response.requestId, operation: "IAM login")
        }
        let expires = (try? JSONDecoder().decode(TokenBody.self, from: Data(response.body)))
            .flatMap { Self.parseExpiry($0.token.expiresAt) } ?? now().addingTimeInterval(3600)
        return (token, expires)
    }

    private struct TokenBody: Decodable {
        struct Token: Decodable {
            var expiresAt: String
            enum CodingKeys: String, CodingKey { case expiresAt = "expires_at" }
        }
        var token: Token
    }

    /// `2019-02-13T06:52:13.855000Z`: fractional digits vary, so only the whole seconds are read.
    static func parseExpiry(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        return f.date(from: String(text.prefix(19)))
    }

    private func body() -> LoginBody {
        LoginBody(auth: .init(
            identity: .init(methods: ["password"],
                            password: .init(user: .init(name: login.user, password: login.password,
                                                        domain: .init(name: login.domain)))),
            scope: .init(project: .init(id: login.projectId, name: login.projectId == nil ? login.projectName : nil))))
    }

    private struct LoginBody: Encodable {
        struct Named: Encodable { var name: String }
        struct User: Encodable { var name: String; var password: String; var domain: Named }
        struct Password: Encodable { var user: User }
        struct Identity: Encodable { var methods: [String]; var password: Password }
        struct Project: Encodable { var id: String?; var name: String? }
        struct Scope: Encodable { var project: Project }
        struct Auth: Encodable { var identity: Identity; var scope: Scope }
        var auth: Auth
    }
}
