import Foundation
import Logging

/// Temporary AK/SK and security token of the server's cloud service agency, from the ECS
/// metadata service, as `huaweicloudsdkcore.auth.internal.MetadataAccessor` gets them:
/// `PUT /meta-data/latest/api/token` (`X-Metadata-Token-Ttl-Seconds`) for a session token, then
/// `GET /openstack/latest/securitykey` with `X-Metadata-Token`. The keys are held in memory only
/// and fetched again before they expire (`refreshMargin(lifetime:)`), so a long run outlives them.
public actor MetadataAuthenticator: Authenticator {
    public static let defaultEndpoint = "http://169.254.169.254"
    /// Where ddmsh looks instead of `defaultEndpoint` (tests, a proxy).
    public static let endpointVariable = "DDMSH_METADATA_ENDPOINT"
    static let tokenPath = "/meta-data/latest/api/token"
    static let securityKeyPath = "/openstack/latest/securitykey"
    /// The SDK asks for a six-hour session token and, having none, tries again a day later.
    static let tokenTTL = 6 * 3600
    static let tokenRetryAfter: TimeInterval = 24 * 3600
    /// The SDK's `_CONFIG_AGENCY_ERROR`: a 401 that a new session token cannot cure.
    static let noAgencyText = "Please configure Cloud Service Agency first"

    public struct Keys: Sendable {
        var accessKey: String
        var secretKey: String
        var securityToken: String?
        public var expires: Date
        var fetched: Date
    }

    public let endpoint: String
    private let transport: any HTTPTransport
    private let projectId: String?
    private let now: @Sendable () -> Date
    private let logger: Logger
    private var keys: Keys?
    private var sessionToken: String?
    private var lastTokenAttempt: Date?
    private var inFlight: Task<Keys, Error>?
    /// Keys fetched so far; tests read it.
    public private(set) var fetchCount = 0

    public init(endpoint: String = defaultEndpoint, transport: any HTTPTransport, projectId: String?,
                logger: Logger = Logger(label: "ddmsh"), now: @escaping @Sendable () -> Date = Date.init) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.transport = transport; self.projectId = projectId; self.logger = logger; self.now = now
    }

    /// The agency, not the key of the hour: what a learned rate belongs to across refreshes.
    public nonisolated var identity: String { "metadata:" + endpoint }

    /// The SDK refreshes when less than 40 minutes are left (`Credentials._DEFAULT_EXPIRATION_THRESHOLD_SECONDS`).
    /// A key issued for less than 80 minutes (a test service's) is refreshed at half its life
    /// instead, so that it is not fetched again for every call.
    static func refreshMargin(lifetime: TimeInterval) -> TimeInterval { min(40 * 60, max(0, lifetime) / 2) }

    public func authorize(_ request: inout HTTPRequestData) async throws {
        let k = try await current()
        try await AKSKAuthenticator(accessKey: k.accessKey, secretKey: k.secretKey, projectId: projectId,
                                    securityToken: k.securityToken, now: now).authorize(&request)
    }

    /// After a 401 from DDM: the key may have been revoked or expired early; fetch a new one.
    public func invalidate() async { keys = nil }

    /// Fetches now (at connect, as the SDK's provider does, so a missing agency is said at once).
    @discardableResult
    public func prepare() async throws -> Date { try await current().expires }

    private func current() async throws -> Keys {
        let t = now()
        if let keys, keys.expires.timeIntervalSince(t) > Self.refreshMargin(lifetime: keys.expires.timeIntervalSince(keys.fetched)) {
            return keys
        }
        // Callers that come while a refresh is out wait for it, and fall back as the first one does.
        let task: Task<Keys, Error>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { try await self.fetch() }
            inFlight = task
        }
        defer { if inFlight == task { inFlight = nil } }
        do {
            let fresh = try await task.value
            keys = fresh
            return fresh
        } catch {
            // The metadata service missed one refresh: keys that have not expired still sign.
            if let keys, keys.expires > t {
                logger.debug("credentials: could not refresh from the ECS metadata service (\(error)); the current keys are valid until \(Self.iso(keys.expires))")
                return keys
            }
            throw error
        }
    }

    private func fetch() async throws -> Keys {
        if sessionToken == nil, lastTokenAttempt.map({ now().timeIntervalSince($0) > Self.tokenRetryAfter }) ?? true {
            try await updateSessionToken(required: false)
        }
        var response = try await getSecurityKey()
        if response.status == 401, !String(decoding: response.body, as: UTF8.self).contains(Self.noAgencyText) {
            try await updateSessionToken(required: true)
            response = try await getSecurityKey()
        }
        guard (200..<300).contains(response.status) else {
            throw failure("answered HTTP \(response.status) to GET \(Self.securityKeyPath)" + Self.excerpt(response.body))
        }
        let fetched = now()
        guard let parsed = Self.parse(response.body), !parsed.accessKey.isEmpty, !parsed.secretKey.isEmpty else {
            throw failure("answered GET \(Self.securityKeyPath) without access, secret and expires_at in a credential object")
        }
        fetchCount += 1
        let keys = Keys(accessKey: parsed.accessKey, secretKey: parsed.secretKey, securityToken: parsed.securityToken,
                        expires: parsed.expires, fetched: fetched)
        let margin = Self.refreshMargin(lifetime: keys.expires.timeIntervalSince(fetched))
        logger.debug("credentials: temporary keys from the ECS metadata service at \(endpoint), valid until \(Self.iso(keys.expires)); refreshed from \(Self.iso(keys.expires.addingTimeInterval(-margin)))")
        return keys
    }

    /// `required` is the SDK's `raise_on_failure`: at first a service without session tokens
    /// (404, 405, 503) is asked without one.
    private func updateSessionToken(required: Bool) async throws {
        lastTokenAttempt = now()
        let request = HTTPRequestData(method: "PUT", baseURL: endpoint, path: Self.tokenPath,
                                      headers: [("X-Metadata-Token-Ttl-Seconds", String(Self.tokenTTL))])
        let response = try await send(request)
        if response.status == 200 {
            sessionToken = String(decoding: response.body, as: UTF8.self)
        } else if [404, 405, 503].contains(response.status), !required {
            sessionToken = nil
        } else {
            // A 2xx body is the session token: it is never quoted.
            throw failure("answered HTTP \(response.status) to PUT \(Self.tokenPath)" + ((200..<300).contains(response.status) ? "" : Self.excerpt(response.body)))
        }
    }

    private func getSecurityKey() async throws -> HTTPResponseData {
        var headers: [(String, String)] = []
        if let sessionToken { headers.append(("X-Metadata-Token", sessionToken)) }
        return try await send(HTTPRequestData(method: "GET", baseURL: endpoint, path: Self.securityKeyPath, headers: headers))
    }

    /// Never logs a body: the answer to GET securitykey is the secret itself.
    private func send(_ request: HTTPRequestData) async throws -> HTTPResponseData {
        logger.debug("→ \(request.method) \(request.url) (ECS metadata)")
        do {
            let response = try await transport.send(request)
            logger.debug("← \(response.status) (ECS metadata, body not shown)")
            return response
        } catch let error as DDMError {
            var e = error
            e.message = "the ECS metadata service at \(endpoint) did not answer: \(e.message)"
            e.operation = "get temporary credentials"
            throw e
        }
    }

    private func failure(_ what: String) -> DDMError {
        var e = DDMError.configuration("the ECS metadata service at \(endpoint) \(what)")
        e.operation = "get temporary credentials"
        return e
    }

    /// An error answer's first words (no secret is in an error), so that "no agency" is seen.
    static func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "" : ": " + text
    }

    struct Parsed { var accessKey: String; var secretKey: String; var securityToken: String?; var expires: Date }

    /// The shape `StsAccessor._process_credential` reads: the fields under `credential` (or
    /// `credentials`, or at the top), each under any of its spellings.
    static func parse(_ body: [UInt8]) -> Parsed? {
        guard let top = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else { return nil }
        let map = (top["credential"] as? [String: Any]) ?? (top["credentials"] as? [String: Any]) ?? top
        func first(_ names: String...) -> String? {
            names.lazy.compactMap { map[$0] as? String }.first { !$0.isEmpty }
        }
        guard let access = first("access", "accessKeyId", "access_key_id"),
              let secret = first("secret", "secretAccessKey", "secret_access_key"),
              let expiresText = first("expires_at", "expiration"), let expires = parseExpiry(expiresText) else { return nil }
        return Parsed(accessKey: access, secretKey: secret,
                      securityToken: first("securitytoken", "securityToken", "security_token"), expires: expires)
    }

    /// `%Y-%m-%dT%H:%M:%S.%fZ` (the SDK's `_TIME_FORMAT`), in UTC; the fraction is optional here.
    public static func parseExpiry(_ text: String) -> Date? {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
        guard text.count >= 19, let whole = f.date(from: String(text.prefix(19))) else { return nil }
        var rest = text.dropFirst(19)
        if rest.hasSuffix("Z") { rest = rest.dropLast() }
        if rest.hasPrefix("."), let fraction = Double("0" + String(rest)) { return whole.addingTimeInterval(fraction) }
        return rest.isEmpty ? whole : nil
    }

    static func iso(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: date)
    }
}
