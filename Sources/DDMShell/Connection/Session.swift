import DDMKit
import DDMLanguage
import DDMLocal
import Foundation
import Logging

/// A connected client, and the in-process local service when `--local` is used.
public final class Session: Sendable {
    public let client: DDMClient
    public let localService: LocalService?
    /// `local`, a profile name, or the region: shown in the prompt.
    public let label: String
    public let instance: String?
    public let pollInterval: Duration
    /// The endpoint as journals name it: the base URL, or `local:<state file>` for the local
    /// service (whose port changes every run), so that undo offers the runs of this endpoint only.
    public let journalEndpoint: String
    /// The region it is connected to, when one was named (flag, profile or environment).
    public let region: String?
    /// Where the credentials came from (a profile, the environment, the credentials file, the
    /// ECS metadata service), never the secret: `\\conninfo` and `--debug` say it.
    public let credentialSource: String

    init(client: DDMClient, localService: LocalService?, label: String, instance: String?, pollInterval: Duration,
         journalEndpoint: String? = nil, region: String? = nil, credentialSource: String) {
        self.client = client; self.localService = localService; self.label = label
        self.instance = instance; self.pollInterval = pollInterval
        self.journalEndpoint = journalEndpoint ?? client.baseURL
        self.region = region
        self.credentialSource = credentialSource
    }

    public func close() async { await localService?.stop() }

    /// - Parameter recorder: a dry run saving its plan (`--plan-out`): every read goes to it.
    public static func connect(_ o: ConnectionOptions, environment: [String: String],
                               warn: @escaping @Sendable (String) -> Void, recorder: PlanRecorder? = nil) async throws -> Session {
        /// The transport DDMClient would make, with the recorder below it when there is one.
        func transport(_ c: DDMConfiguration) -> (any HTTPTransport)? {
            recorder.map { RecordingTransport(AsyncHTTPTransport(connectTimeout: c.connectTimeout, readTimeout: c.readTimeout, verifyTLS: c.verifyTLS), recorder: $0) }
        }
        var logger = Logger(label: "ddmsh") { _ in StreamLogHandler.standardError(label: "ddmsh") }
        logger.logLevel = o.debug ? .debug : .warning
        if let rate = o.rateLimit, rate < 0 || !rate.isFinite {
            throw ShellFailure(message: "--rate-limit takes calls per minute, 0 or more", exitCode: 2)
        }
        let memory = EndpointMemory(path: DataPaths.pacingFile)
        let audit = o.auditSink(environmentDefault: DataPaths.auditLog)

        // A profile chosen by --profile or DDMSH_PROFILE; otherwise the [default] profile, if the
        // config file has one and no endpoint was given (so a `#!/usr/bin/env ddmsh` script connects).
        let explicit = o.local || o.endpoint != nil || o.region != nil
        let profileName = Self.profileName(o, environment: environment)
        let profile = try profileName.map { try Profile.load($0, path: DataPaths.configFile, warn: warn) }

        if o.local || (!explicit && profile?.values["local"] == "true") {
            var config = LocalServiceConfiguration()
            config.statePath = o.state ?? profile?.values["state"] ?? DataPaths.localState
            config.seedDemoInstance = true
            config.createDelay = o.localCreateDelay?.seconds ?? 2
            // Hidden test knob: a slow service, for interrupting batches.
            if let latency = o.localLatency { config.faults.latency = latency.seconds }
            config.api = o.localAPI ?? .both
            let service = try await LocalService.start(config)
            let configuration = DDMConfiguration(endpoint: .url(service.url), projectId: config.projectId, retry: o.retry,
                                                 pacing: o.pacing, apiVersion: try o.apiVersionChoice(profile: profile, environment: environment),
                                                 // A new port each run: nothing learned here would be found again.
                                                 endpointMemory: nil, audit: audit, profile: "local", warn: Self.warnOnStderr)
            let client = try DDMClient(
                configuration: configuration,
                authenticator: AKSKAuthenticator(accessKey: service.accessKey ?? "", secretKey: service.secretKey ?? "",
                                                 projectId: config.projectId),
                transport: transport(configuration), logger: logger)
            logger.debug("credentials: the embedded local service (keys generated for this run)")
            let poll = min(Duration.seconds(2), .milliseconds(Int64(max(0.05, config.createDelay / 4) * 1000)))
            return Session(client: client, localService: service, label: "local",
                           instance: o.instance ?? profile?.instance ?? "ddm-demo", pollInterval: poll,
                           journalEndpoint: "local:" + config.statePath,
                           credentialSource: "the embedded local service (keys generated for this run)")
        }

        let env = EnvironmentCredentials(environment: environment)
        let region = o.region ?? profile?.region ?? env.region
        let endpoint: Endpoint
        if let url = o.endpoint ?? profile?.endpoint {
            endpoint = .url(url)
        } else if let region {
            endpoint = .region(region)
        } else {
            throw ShellFailure(message: "no DDM endpoint: give --local, --endpoint URL, --region, a --profile, or set HUAWEICLOUD_SDK_REGION", exitCode: 2)
        }
        let insecure = o.insecure || profile?.values["insecure"] == "true"
        let connectTimeout: Duration = o.connectTimeout.map { .milliseconds(Int64($0.seconds * 1000)) } ?? .seconds(10)
        let given = o.projectId ?? profile?.projectId ?? env.projectId
        let (auth, source, projectId) = try await credentials(profile: profile, env: env, environment: environment, projectId: given,
                                                              region: region, insecure: insecure, connectTimeout: connectTimeout, logger: logger)
        logger.debug("credentials: \(source)")
        let configuration = DDMConfiguration(endpoint: endpoint, projectId: projectId, retry: o.retry, pacing: o.pacing,
                                             apiVersion: try o.apiVersionChoice(profile: profile, environment: environment),
                                             endpointMemory: memory, audit: audit, profile: profileName,
                                             connectTimeout: connectTimeout, verifyTLS: !insecure, environment: environment, warn: Self.warnOnStderr)
        let client = try DDMClient(configuration: configuration, authenticator: auth, transport: transport(configuration), logger: logger)
        if isatty(2) == 1, let line = Self.slowedStart(client.learnedPace, memory: memory.path) { warn(line) }
        return Session(client: client, localService: nil, label: profileName ?? region ?? "remote",
                       instance: o.instance ?? profile?.instance, pollInterval: .seconds(2), region: region,
                       credentialSource: source)
    }

    /// A start slowed by a rate an earlier run learned, said on a terminal: a run that is paced
    /// from its first call should not leave anyone wondering why. Nil for a start at full speed.
    static func slowedStart(_ learned: (callsPerMinute: Double, age: TimeInterval)?, memory path: String) -> String? {
        guard let learned, learned.callsPerMinute < 600 else { return nil }
        let age = learned.age < 3600 ? "\(max(1, Int(learned.age / 60))) min" : "\(Int(learned.age / 3600)) h"
        let rate = learned.callsPerMinute < 10 ? String(format: "%.1f", learned.callsPerMinute) : "\(Int(learned.callsPerMinute.rounded()))"
        return "pacing: starting at \(rate) calls/min, as this endpoint throttled an earlier run \(age) ago (kept for a day; delete \(path) to start unpaced)"
    }

    /// The client's warnings (a listing the service cut short or claimed more of than it served),
    /// one line each on stderr, where the shell's other warnings go.
    static let warnOnStderr: @Sendable (String) -> Void = { message in
        FileHandle.standardError.write(Data("ddmsh: warning: \(message)\n".utf8))
    }

    /// Why a connection could not be made, as the exit status to end with (said already).
    struct ConnectFailed: Error { var code: Int32 }

    /// Connects, or says why not on stderr (`ddmsh: …`) and gives the exit code to end with.
    static func connect(_ o: ConnectionOptions, environment: [String: String], reportingTo renderer: Renderer) async -> Result<Session, ConnectFailed> {
        do {
            return .success(try await connect(o, environment: environment, warn: { renderer.error($0) }))
        } catch let f as ShellFailure {
            renderer.error("ddmsh: " + f.message)
            return .failure(ConnectFailed(code: f.exitCode))
        } catch {
            renderer.error("ddmsh: \(error)")
            return .failure(ConnectFailed(code: Runner.exitFailed))
        }
    }

    static func profileName(_ o: ConnectionOptions, environment: [String: String]) -> String? {
        let explicit = o.local || o.endpoint != nil || o.region != nil
        return o.profile ?? environment["DDMSH_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (explicit ? nil : Profile.defaultProfileName(path: DataPaths.configFile))
    }

    /// Whether an instance is chosen before the script runs (so the compiler accepts `show users;`).
    static func instancePreselected(_ o: ConnectionOptions, environment: [String: String]) -> Bool {
        if o.instance != nil || o.local { return true }
        guard let name = profileName(o, environment: environment),
              let p = Profile.file(at: DataPaths.configFile)?.profiles[name] else { return false }
        return p.instance != nil || (o.endpoint == nil && o.region == nil && p.values["local"] == "true")
    }

    /// The credentials, where they came from (no secret), and the project they are for. A profile's
    /// choice comes first; otherwise the SDK's chain (CredentialChain).
    private static func credentials(profile: Profile?, env: EnvironmentCredentials, environment: [String: String], projectId given: String?,
                                    region: String?, insecure: Bool, connectTimeout: Duration,
                                    logger: Logger) async throws -> (any Authenticator, String, String) {
        func project(_ fallback: String? = nil) throws -> String {
            guard let id = given ?? fallback else {
                throw ShellFailure(message: "no project id: give --project-id, a profile with project_id, set HUAWEICLOUD_SDK_PROJECT_ID, or put project_id in the credentials file's [basic] section", exitCode: 2)
            }
            return id
        }
        let profileName = profile.map { "profile '\($0.name)'" } ?? ""
        switch profile?.auth {
        case "iam":
            let projectId = try project()
            guard let user = profile?.values["iam_user"], let domain = profile?.values["domain"] else {
                throw ShellFailure(message: "profile auth = iam needs iam_user and domain", exitCode: 2)
            }
            guard let password = environment["DDMSH_IAM_PASSWORD"] ?? profile?.values["iam_password"] else {
                throw ShellFailure(message: "set DDMSH_IAM_PASSWORD for the IAM login of \(user)", exitCode: 2)
            }
            let iam = profile?.values["iam_endpoint"] ?? environment["HUAWEICLOUD_SDK_IAM_ENDPOINT"] ?? Endpoint.iamURL(region: region)
            return (IAMPasswordAuthenticator(
                login: .init(iamEndpoint: iam, user: user, password: password, domain: domain, projectId: projectId),
                transport: AsyncHTTPTransport(verifyTLS: !insecure)), "\(profileName) (IAM login of \(user) at \(iam))", projectId)
        case "token":
            let projectId = try project()
            guard let token = env.token ?? profile?.values["token"] else {
                throw ShellFailure(message: "set \(EnvironmentCredentials.tokenVariable) for token authentication", exitCode: 2)
            }
            return (TokenAuthenticator(token: token),
                    env.token != nil ? "environment (\(EnvironmentCredentials.tokenVariable)) for \(profileName)" : "\(profileName) (token)", projectId)
        default:
            if let ak = profile?.values["ak"] {
                let projectId = try project()
                guard let sk = env.secretKey ?? profile?.values["sk"] else {
                    throw ShellFailure(message: "\(profileName) has ak but no secret key: set HUAWEICLOUD_SDK_SK (or sk in the profile)", exitCode: 2)
                }
                return (AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: projectId, securityToken: env.securityToken),
                        "\(profileName) (ak, with the SK from \(env.secretKey != nil ? "HUAWEICLOUD_SDK_SK" : "the profile"))", projectId)
            }
            let chain = CredentialChain(environment: environment)
            do {
                let (found, looked) = try chain.withoutNetwork(projectId: given)
                if let found { return (found.authenticator, found.source, try project(found.projectId)) }
                // Known before the metadata service is asked (it gives no project id): said at once.
                let projectId = try project()
                let fromMetadata = try await chain.metadata(projectId: projectId, looked: looked, timeout: connectTimeout, logger: logger)
                return (fromMetadata.authenticator, fromMetadata.source, projectId)
            } catch let e as CredentialChain.Unusable {
                throw ShellFailure(message: e.description, exitCode: 2)
            } catch let e as CredentialChain.NotFound {
                throw ShellFailure(message: e.description, exitCode: 2)
            }
        }
    }
}
