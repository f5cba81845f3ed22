import ArgumentParser
import DDMKit
import DDMLocal

/// Where to connect and how: shared by every way of running ddmsh.
public struct ConnectionOptions: ParsableArguments, Sendable {
    @Flag(help: "Start the embedded local DDM service and connect to it.") public var local = false
    @Option(help: "State of the local service: a SQLite file or :memory: (default: a per-user file).") public var state: String?
    @Option(name: .customLong("local-create-delay"), help: .hidden) public var localCreateDelay: DurationArgument?
    @Option(name: .customLong("local-latency"), help: .hidden) public var localLatency: DurationArgument?
    @Option(name: .customLong("local-api"), help: "API generations the embedded local service serves: both, v1 or v3 (as serve --api).")
    public var localAPI: ServedAPI?
    @Option(name: .customLong("api-version"),
            help: "DDM API generation to call: auto (v3, the older call where the endpoint has no v3), v3 or v1 (default auto, or the profile's api_version).")
    public var apiVersion: APIVersionChoice?
    @Option(help: "DDM endpoint URL (overrides --region).") public var endpoint: String?
    @Option(help: "Region id, e.g. ap-southeast-1.") public var region: String?
    @Option(name: .customLong("project-id"), help: "Project id (32 hex characters).") public var projectId: String?
    @Option(help: "Instance to use from the start (name or id).") public var instance: String?
    @Option(help: "Profile in the config file.") public var profile: String?
    @Flag(help: "Do not verify TLS certificates (only for endpoints you trust).") public var insecure = false
    @Flag(help: "Trace HTTP requests and responses on stderr (secrets masked).") public var debug = false
    @Option(name: .customLong("rate-limit"),
            help: "Most calls per minute; pacing below it adapts to the service's throttling (0 = no client pacing).")
    public var rateLimit: Double?
    @Option(name: .customLong("call-deadline"),
            help: "How long one call may take, retries included, from connecting to the last byte of its answer (default 5m).")
    public var callDeadline: DurationArgument?

    @Option(name: .customLong("connect-timeout"),
            help: "How long to wait for a connection to the endpoint, e.g. 2s (default 10s); with the three quick tries a dead endpoint costs, for scripts in CI that should fail fast.")
    public var connectTimeout: DurationArgument?

    @Option(name: .customLong("audit-log"),
            help: "Where every write call is recorded, one JSON line each (default ~/.local/state/ddmsh/audit.log; off to stop).")
    public var auditLog: String?

    /// The audit log's sink, unless turned off.
    func auditSink(environmentDefault: String) -> AuditFile? {
        let path = auditLog ?? environmentDefault
        return path == "off" ? nil : AuditFile(path: path)
    }

    /// The client's pacing, from `--rate-limit`.
    public var pacing: Pacing {
        guard let rateLimit else { return .adaptive() }
        return rateLimit > 0 ? .adaptive(capPerMinute: rateLimit) : .off
    }

    /// `--api-version`, else `DDMSH_API_VERSION`, else the profile's `api_version`, else auto.
    func apiVersionChoice(profile: Profile?, environment: [String: String]) throws -> APIVersionChoice {
        if let apiVersion { return apiVersion }
        for (source, value) in [("DDMSH_API_VERSION", environment["DDMSH_API_VERSION"]), ("api_version in the profile", profile?.values["api_version"])] {
            guard let value, !value.isEmpty else { continue }
            guard let choice = APIVersionChoice(rawValue: value.lowercased()) else {
                throw ShellFailure(message: "\(source) is '\(value)'; expected one of \(APIVersionChoice.names)", exitCode: 2)
            }
            return choice
        }
        return .auto
    }

    /// Retries, with `--call-deadline`.
    public var retry: RetryPolicy {
        var policy = RetryPolicy()
        if let callDeadline { policy.throttleDeadline = .milliseconds(Int64(callDeadline.seconds * 1000)) }
        return policy
    }

    public init() {}
}

// Both are String enums with every case listed: ArgumentParser reads and lists them as they are.
extension APIVersionChoice: ExpressibleByArgument {}
extension ServedAPI: ExpressibleByArgument {}
