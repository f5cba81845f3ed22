import ArgumentParser
import DDMLocal
import Foundation

/// `on` or `off`.
enum Switch: String, ExpressibleByArgument, CaseIterable { case on, off }

/// `ddmsh serve`: the local DDM service on its own.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the local DDM service (an emulator of the DDM API) until interrupted.",
        discussion: """
            Prints 'listening on http://HOST:PORT' as its first line on stdout once ready. \
            Secrets can come from the environment instead of flags, to keep them out of argv: \
            DDM_LOCAL_AK, DDM_LOCAL_SK, DDM_LOCAL_TOKEN, DDM_LOCAL_IAM_PASSWORD.
            """)

    /// `ddmsh --local serve`: the local service is what serve runs anyway.
    @Flag(name: .customLong("local"), help: .hidden) var local = false
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port; 0 picks a free one.") var port = 0
    @Option(help: "SQLite state file, or :memory:.") var state: String?
    @Option(name: .customLong("project-id"), help: "The project id the service answers for.")
    var projectId = LocalServiceConfiguration().projectId
    @Option(help: "Access key accepted for AK/SK signing (or DDM_LOCAL_AK).") var ak: String?
    @Option(help: "Secret key (prefer DDM_LOCAL_SK).") var sk: String?
    @Option(help: "Static token accepted as X-Auth-Token (prefer DDM_LOCAL_TOKEN).") var token: String?
    @Option(name: .customLong("iam-user"), help: "User for POST /v3/auth/tokens.") var iamUser: String?
    @Option(name: .customLong("iam-password"), help: "Password for that user (prefer DDM_LOCAL_IAM_PASSWORD).") var iamPassword: String?
    @Option(help: "Latency added to every request, e.g. 20ms.") var latency: DurationArgument?
    @Option(name: .customLong("fault-rate"), help: "Share of requests answered 500, 409 busy or dropped (0-1).") var faultRate = 0.0
    @Option(name: .customLong("throttle-rate"), help: "Share of requests answered 429 (0-1).") var throttleRate = 0.0
    @Option(name: .customLong("rate-limit"), help: "Calls per minute per user before 429 (default: none; DDM's documented standard is 60 per user).") var rateLimit: Double?
    @Option(name: .customLong("retry-after"), help: "Whether a rate-limit 429 carries Retry-After: on or off.") var retryAfter: Switch = .on
    @Option(name: .customLong("create-delay"), help: "How long new instances stay CREATING, e.g. 5s.") var createDelay: DurationArgument?
    @Option(name: .customLong("max-accounts"), help: "Accounts allowed per instance (DDM: 100).") var maxAccounts = 100
    @Option(name: .customLong("fail-reshards"), help: "The next N shard configurations fail while moving data (to try retry and rollback).")
    var failReshards = 0
    @Option(name: .customLong("fault-seed"), help: "Seed for the fault dice.") var faultSeed: UInt64 = 0x5EED
    @Option(help: "API generations served: both, v1 (v1/v2 only) or v3 (v3, and the older calls with no v3 twin).")
    var api: ServedAPI = .both
    @Flag(help: "Also serve the ECS metadata service's token and securitykey routes, which issue temporary keys this service accepts (point ddmsh at it with DDMSH_METADATA_ENDPOINT).")
    var metadata = false
    @Option(name: .customLong("metadata-expiry"), help: "How long the temporary keys of --metadata live, e.g. 90s (default 15m; implies --metadata).")
    var metadataExpiry: DurationArgument?
    /// Hidden test knob: the metadata lines on stderr also carry the keys issued, so that a test
    /// can look for them in what a client wrote.
    @Flag(name: .customLong("metadata-show-keys"), help: .hidden) var metadataShowKeys = false

    func validate() throws {
        guard (0...1).contains(faultRate), (0...1).contains(throttleRate) else {
            throw ValidationError("--fault-rate and --throttle-rate take a share from 0 to 1")
        }
        if let rateLimit, rateLimit <= 0 { throw ValidationError("--rate-limit must be positive") }
        if let metadataExpiry, metadataExpiry.seconds < 1 { throw ValidationError("--metadata-expiry must be at least 1s") }
    }

    /// One line per metadata event, for whoever watches the service (and tests counting them).
    static func describe(_ event: MetadataEvent, showKeys: Bool) -> String {
        switch event {
        case .sessionToken(let ttl): "metadata: session token issued for \(ttl) s"
        case let .keysIssued(ak, sk, token, expires):
            "metadata: temporary keys issued, valid until \(expires)" + (showKeys ? " access=\(ak) secret=\(sk) securitytoken=\(token)" : "")
        case let .refused(method, path, status): "metadata: \(method) \(path) refused with \(status)"
        }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var config = LocalServiceConfiguration()
        config.host = host
        config.port = port
        config.statePath = state ?? DataPaths.localState
        config.projectId = projectId
        config.accessKey = ak ?? env["DDM_LOCAL_AK"]
        config.secretKey = sk ?? env["DDM_LOCAL_SK"]
        config.staticToken = token ?? env["DDM_LOCAL_TOKEN"]
        config.iamUser = iamUser
        config.iamPassword = iamPassword ?? env["DDM_LOCAL_IAM_PASSWORD"]
        config.faults = FaultSettings(latency: latency?.seconds ?? 0, faultRate: faultRate, throttleRate: throttleRate,
                                      rateLimit: rateLimit, retryAfter: retryAfter == .on, seed: faultSeed)
        config.createDelay = createDelay?.seconds ?? 2
        config.maxAccounts = maxAccounts
        config.failReshards = failReshards
        config.seedDemoInstance = true
        config.api = api
        if metadata || metadataExpiry != nil {
            config.metadataKeyLifetime = metadataExpiry?.seconds ?? 15 * 60
            let showKeys = metadataShowKeys
            config.metadataObserver = { event in StandardStreams.err(Self.describe(event, showKeys: showKeys) + "\n") }
        }

        let termination = TerminationSignal()
        let service: LocalService
        do {
            service = try await LocalService.start(config)
        } catch {
            throw ShellFailure(message: "cannot start the local service: \(error)", exitCode: 1)
        }
        if service.generatedCredentials {
            // Shown once so the user can connect; never written anywhere else.
            let hint = """
                no credentials were configured; generated for this run:
                  export HUAWEICLOUD_SDK_AK=\(service.accessKey ?? "") HUAWEICLOUD_SDK_SK=\(service.secretKey ?? "") \\
                         HUAWEICLOUD_SDK_PROJECT_ID=\(projectId)
                  ddmsh --endpoint \(service.url)
                or use the token: DDMSH_TOKEN=\(service.staticToken ?? "") ddmsh --endpoint \(service.url) --project-id \(projectId)

                """
            StandardStreams.err(hint)
        }
        if let lifetime = config.metadataKeyLifetime {
            StandardStreams.err("ECS metadata routes served, temporary keys live \(Int(lifetime)) s: export DDMSH_METADATA_ENDPOINT=\(service.url)\n")
        }
        // Last, so that scripts waiting for this line find the service ready and stoppable.
        StandardStreams.out("listening on \(service.url)\n")
        await termination.wait()
        await service.stop()
    }
}
