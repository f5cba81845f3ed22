/// Everything a `DDMClient` needs to know, with the defaults of a careful CLI.
public struct DDMConfiguration: Sendable {
    public var endpoint: Endpoint
    public var projectId: String
    public var retry: RetryPolicy
    /// Calls per minute for the client-side limiter; nil switches it off.
    public var rateLimit: Double?
    public var rateBurst: Int
    public var connectTimeout: Duration
    public var readTimeout: Duration
    /// TLS certificate verification. Only an explicit user choice turns it off.
    public var verifyTLS: Bool
    public var environment: [String: String]

    public init(endpoint: Endpoint, projectId: String, retry: RetryPolicy = RetryPolicy(),
                rateLimit: Double? = 60, rateBurst: Int = 10,
                connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(60),
                verifyTLS: Bool = true, environment: [String: String] = [:]) {
        self.endpoint = endpoint; self.projectId = projectId; self.retry = retry
        self.rateLimit = rateLimit; self.rateBurst = rateBurst
        self.connectTimeout = connectTimeout; self.readTimeout = readTimeout
        self.verifyTLS = verifyTLS; self.environment = environment
    }
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
