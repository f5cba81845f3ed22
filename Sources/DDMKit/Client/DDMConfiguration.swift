/// Everything a `DDMClient` needs to know, with the defaults of a careful CLI.
public struct DDMConfiguration: Sendable {
    public var endpoint: Endpoint
    public var projectId: String
    public var retry: RetryPolicy
    /// How calls are paced: adaptive by default (docs/client.md, "Pacing").
    public var pacing: Pacing
    /// Which generation of the API to call.
    public var apiVersion: APIVersionChoice
    /// Where rates and missing v3 calls learned in one run are kept for the next; nil keeps nothing.
    public var endpointMemory: EndpointMemory?
    /// Where every write call is recorded; nil records nothing.
    public var audit: (any AuditSink)?
    /// The profile name the audit records carry.
    public var profile: String?
    public var connectTimeout: Duration
    public var readTimeout: Duration
    /// TLS certificate verification. Only an explicit user choice turns it off.
    public var verifyTLS: Bool
    public var environment: [String: String]
    /// Where the client's warnings go (a listing cut short, a service that claims more than it
    /// serves); nil logs them.
    public var warn: (@Sendable (String) -> Void)?
    /// The most rows an all-pages read collects (`DDMClient.defaultMaxListedRows`).
    public var maxListedRows: Int = DDMClient.defaultMaxListedRows

    public init(endpoint: Endpoint, projectId: String, retry: RetryPolicy = RetryPolicy(),
                pacing: Pacing = .adaptive(), apiVersion: APIVersionChoice = .auto, endpointMemory: EndpointMemory? = nil, audit: (any AuditSink)? = nil, profile: String? = nil,
                connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(60),
                verifyTLS: Bool = true, environment: [String: String] = [:], warn: (@Sendable (String) -> Void)? = nil) {
        self.warn = warn
        self.endpoint = endpoint; self.projectId = projectId; self.retry = retry
        self.pacing = pacing; self.apiVersion = apiVersion; self.endpointMemory = endpointMemory; self.audit = audit; self.profile = profile
        self.connectTimeout = connectTimeout; self.readTimeout = readTimeout
        self.verifyTLS = verifyTLS; self.environment = environment
    }
}

/// Client-side pacing of calls.
public enum Pacing: Sendable, Equatable {
    /// No pacing: calls go out as the caller makes them; throttles are still retried.
    case off
    /// The adaptive limiter learns the service's rate from its throttles; `capPerMinute` is a
    /// ceiling it never exceeds (and its pace while nothing is known yet).
    case adaptive(capPerMinute: Double? = nil, maxConcurrency: Int = 8)
}

/// Credentials as the official SDK reads them from the environment
/// (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, …), plus a token variable.
public struct EnvironmentCredentials: Sendable, Equatable {
    public var accessKey: String?
    public var secretKey: String?
    public var securityToken: String?
    public var projectId: String?
    public var region: String?
    public var token: String?

    public static let tokenVariable = "DDMSH_TOKEN"

    public init(environment: [String: String]) {
        func value(_ k: String) -> String? { environment[k].flatMap { $0.isEmpty ? nil : $0 } }
        accessKey = value("HUAWEICLOUD_SDK_AK")
        secretKey = value("HUAWEICLOUD_SDK_SK")
        securityToken = value("HUAWEICLOUD_SDK_SECURITY_TOKEN")
        projectId = value("HUAWEICLOUD_SDK_PROJECT_ID")
        region = value("HUAWEICLOUD_SDK_REGION")
        token = value(Self.tokenVariable)
    }

    /// The authenticator these variables describe, AK/SK first.
    public func authenticator(projectId: String?) -> (any Authenticator)? {
        if let accessKey, let secretKey {
            return AKSKAuthenticator(accessKey: accessKey, secretKey: secretKey,
                                     projectId: projectId ?? self.projectId, securityToken: securityToken)
        }
        if let token { return TokenAuthenticator(token: token) }
        return nil
    }
}
