/// How a local DDM service is started: by `ddmsh serve`, `ddmsh --local`, or a test.
import Foundation

public struct LocalServiceConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 0
    /// A SQLite file, or `:memory:`.
    public var statePath = ":memory:"
    public var projectId = "0123456789abcdef0123456789abcdef"
    public var accessKey: String?
    public var secretKey: String?
    /// A token accepted as `X-Auth-Token` besides the ones the IAM endpoint issues.
    public var staticToken: String?
    public var iamUser: String?
    public var iamPassword: String?
    public var faults = FaultSettings()
    /// Seconds an instance stays CREATING (restart and schema operations take half).
    public var createDelay: Double = 0
    /// DDM allows 100 accounts per instance; drills raise it.
    public var maxAccounts = 100
    public var maxBodyBytes = 1 << 20
    /// Basic permissions accepted besides the documented ones: a DDM that has added one, for
    /// testing that clients keep permissions they do not know.
    public var extraBasePermissions: [String] = []
    /// Which generations of the API are served (`serve --api`).
    public var api: ServedAPI = .both
    /// Single calls not served, as `"METHOD /pattern"` (e.g. `"PUT /v3.1/{project_id}/instances/{instance_id}/configurations"`):
    /// a region that has withdrawn one call, for tests of the client's fallback.
    public var withdrawn: [String] = []
    /// Creates a RUNNING instance `ddm-demo` when the state is new (for a first session).
    public var seedDemoInstance = false
    /// The next this many shard configurations fail when their data is moved (DBS.300331), so a
    /// retry and a rollback can be tried (`serve --fail-reshards`).
    public var failReshards = 0

    /// Serve the ECS metadata service's two routes (token and securitykey) on the same port,
    /// issuing temporary keys that live this many seconds; nil serves neither (`serve --metadata`).
    public var metadataKeyLifetime: Double?
    /// Told of every session token, key and refusal of the metadata routes.
    public var metadataObserver: (@Sendable (MetadataEvent) -> Void)?

    /// The service's clock; tests fix it to replay signed requests from the reference.
    public var clock: @Sendable () -> Date = Date.init

    public init() {}

    /// True when no credential of any kind was configured.
    public var hasCredentials: Bool {
        (accessKey != nil && secretKey != nil) || staticToken != nil || (iamUser != nil && iamPassword != nil) || metadataKeyLifetime != nil
    }
}

/// The API generations a local service answers. With one switched off its calls get the
/// gateway's 404 `APIGW.0101`, as in a region that has retired (or not yet gained) them.
public enum ServedAPI: String, Sendable, CaseIterable {
    /// v1/v2 and v3 from one state.
    case both
    /// v1/v2 only (and v3 jobs, which never had an older form).
    case v1
    /// v3, and the older calls that have no v3 twin.
    case v3
}

/// Injected latency, faults and rate limits; all off by default, adjustable while running.
public struct FaultSettings: Sendable, Equatable {
    /// Seconds added to every request.
    public var latency: Double = 0
    /// Share of requests answered with 500, 409 busy or a dropped connection.
    public var faultRate: Double = 0
    /// Share of requests answered with the gateway's 429.
    public var throttleRate: Double = 0
    /// Calls per minute per user before the gateway answers 429; nil = no limit.
    public var rateLimit: Double?
    /// Whether a 429 from the rate limit carries `Retry-After` (seconds until the bucket holds a
    /// call again). Unknown for the real gateway, so both can be had.
    public var retryAfter = true
    /// Calls the bucket holds when full; nil for a sixth of a minute's calls, at least 10.
    public var rateBurst: Double?
    /// Seed for the fault dice, so a drill can be replayed.
    public var seed: UInt64 = 0x5EED

    public init(latency: Double = 0, faultRate: Double = 0, throttleRate: Double = 0, rateLimit: Double? = nil,
                retryAfter: Bool = true, seed: UInt64 = 0x5EED) {
        self.latency = latency; self.faultRate = faultRate; self.throttleRate = throttleRate
        self.rateLimit = rateLimit; self.retryAfter = retryAfter; self.seed = seed
    }
}
