import DDMKit
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

    init(client: DDMClient, localService: LocalService?, label: String, instance: String?, pollInterval: Duration,
         journalEndpoint: String? = nil, region: String? = nil) {
        self.client = client; self.localService = localService; self.label = label
        self.instance = instance; self.pollInterval = pollInterval
        self.journalEndpoint = journalEndpoint ?? client.baseURL
        self.region = region
    }

    public func close() async { await localService?.stop() }

    public static func connect(_ o: ConnectionOptions, environment: [String: String],
                               warn: @escaping @Sendable (String) -> Void) async throws -> Session {
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
            let client = try DDMClient(
                configuration: DDMConfiguration(endpoint: .url(service.url), projectId: config.projectId, retry: o.retry,
                                                pacing: o.pacing, apiVersion: try o.apiVersionChoice(profile: profile, environment: environment),
                                                // A new port each run: nothing learned here would be found again.
                                                endpointMemory: nil, audit: audit, profile: "local", warn: Self.warnOnStderr),
                authenticator: AKSKAuthenticator(accessKey: service.accessKey ?? "", secretKey: service.secretKey ?? "",
                                                 projectId: config.projectId),
                logger: logger)
            let poll = min(Duration.seconds(2), .milliseconds(Int64(max(0.05, config.createDelay / 4) * 1000)))
            return Session(client: client, localService: service, label: "local",
                           instance: o.instance ?? profile?.instance ?? "ddm-demo", pollInterval: poll,
                           journalEndpoint: "local:" + config.statePath)
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
        guard let projectId = o.projectId ?? profile?.projectId ?? env.projectId else {
            throw ShellFailure(message: "no project id: give --project-id, a profile with project_id, or set HUAWEICLOUD_SDK_PROJECT_ID", exitCode: 2)
        }
        let insecure = o.insecure || profile?.values["insecure"] == "true"
        let auth = try authenticator(profile: profile, env: env, environment: environment, projectId: projectId, region: region,
                                     insecure: insecure)
        let client = try DDMClient(
            configuration: DDMConfiguration(endpoint: endpoint, projectId: projectId, retry: o.retry, pacing: o.pacing,
                                            apiVersion: try o.apiVersionChoice(profile: profile, environment: environment),
                                            endpointMemory: memory, audit: audit, profile: profileName,
                                            connectTimeout: o.connectTimeout.map { .milliseconds(Int64($0.seconds * 1000)) } ?? .seconds(10),
                                            verifyTLS: !insecure, environment: environment, warn: Self.warnOnStderr),
            authenticator: auth, logger: logger)
        return Session(client: client, localService: nil, label: profileName ?? region ?? "remote",
                       instance: o.instance ?? profile?.instance, pollInterval: .seconds(2), region: region)
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

    private static func authenticator(profile: Profile?, env: EnvironmentCredentials, environment: [String: String],
                                      projectId: String, region: String?, insecure: Bool) throws -> any Authenticator {
        switch profile?.auth {
        case "iam":
            guard let user = profile?.values["iam_user"], let domain = profile?.values["domain"] else {
                throw ShellFailure(message: "profile auth = iam needs iam_user and domain", exitCode: 2)
            }
            guard let password = environment["DDMSH_IAM_PASSWORD"] ?? profile?.values["iam_password"] else {
                throw ShellFailure(message: "set DDMSH_IAM_PASSWORD for the IAM login of \(user)", exitCode: 2)
            }
            let iam = profile?.values["iam_endpoint"] ?? environment["HUAWEICLOUD_SDK_IAM_ENDPOINT"] ?? Endpoint.iamURL(region: region)
            return IAMPasswordAuthenticator(
                login: .init(iamEndpoint: iam, user: user, password: password, domain: domain, projectId: projectId),
                transport: AsyncHTTPTransport(verifyTLS: !insecure))
        case "token":
            guard let token = env.token ?? profile?.values["token"] else {
                throw ShellFailure(message: "set \(EnvironmentCredentials.tokenVariable) for token authentication", exitCode: 2)
            }
            return TokenAuthenticator(token: token)
        default:
            if let ak = profile?.values["ak"] ?? env.accessKey, let sk = env.secretKey ?? profile?.values["sk"] {
                return AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: projectId, securityToken: env.securityToken)
            }
            if let auth = env.authenticator(projectId: projectId) { return auth }
            throw ShellFailure(message: "no credentials: set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, or \(EnvironmentCredentials.tokenVariable), or use a profile", exitCode: 2)
        }
    }
}
