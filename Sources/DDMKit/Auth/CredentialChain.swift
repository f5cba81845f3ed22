import Foundation
import Logging

/// Where credentials come from when no option or profile gives them, in the order of the SDK's
/// `CredentialProviderChain.get_basic_credential_provider_chain()` (huaweicloudsdkcore 3.1.219,
/// auth/provider.py) for the sources ddmsh knows: the environment, the credentials file, the ECS
/// metadata service. Each source's absence is noted, so that finding none says where it looked.
public struct CredentialChain: Sendable {
    public struct Found: Sendable {
        public var authenticator: any Authenticator
        /// Where they came from, never the secret: `\conninfo` and `--debug` show it.
        public var source: String
        public var projectId: String?
    }

    /// None of the sources gave credentials; `looked` says what each one lacked.
    public struct NotFound: Error, CustomStringConvertible, Sendable {
        public var looked: [String]
        public var description: String {
            "no credentials found; looked, in this order, at:\n" + looked.map { "  " + $0 }.joined(separator: "\n")
                + "\nset HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK, write the credentials file, use a profile, or run on an ECS with an agency (docs/shell.md, \"Credentials\")"
        }
    }

    /// A source that is there but cannot be used (half a key, a file others can read): an error,
    /// not a reason to fall through to the next source with other permissions.
    public struct Unusable: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public let environment: [String: String]
    public init(environment: [String: String]) { self.environment = environment }

    public var metadataEndpoint: String {
        environment[MetadataAuthenticator.endpointVariable].flatMap { $0.isEmpty ? nil : $0 } ?? MetadataAuthenticator.defaultEndpoint
    }

    /// The environment, then the credentials file: no network. Nil with what was looked at when
    /// neither has keys.
    public func withoutNetwork(projectId: String?) throws -> (found: Found?, looked: [String]) {
        var looked: [String] = []
        let env = EnvironmentCredentials(environment: environment)
        switch (env.accessKey, env.secretKey) {
        case let (ak?, sk?):
            return (Found(authenticator: AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: projectId ?? env.projectId,
                                                           securityToken: env.securityToken),
                          source: "environment (HUAWEICLOUD_SDK_AK\(env.securityToken == nil ? "" : ", with HUAWEICLOUD_SDK_SECURITY_TOKEN"))",
                          projectId: env.projectId), looked)
        case (_?, nil): throw Unusable(description: "HUAWEICLOUD_SDK_AK is set but HUAWEICLOUD_SDK_SK is not")
        case (nil, _?): throw Unusable(description: "HUAWEICLOUD_SDK_SK is set but HUAWEICLOUD_SDK_AK is not")
        case (nil, nil): break
        }
        if let token = env.token {
            return (Found(authenticator: TokenAuthenticator(token: token), source: "environment (\(EnvironmentCredentials.tokenVariable))",
                          projectId: env.projectId), looked)
        }
        looked.append("environment: HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK are not set (nor \(EnvironmentCredentials.tokenVariable))")
        do {
            switch try CredentialsFile.read(environment: environment) {
            case .found(let keys):
                let path = CredentialsFile.path(environment: environment) ?? "?"
                return (Found(authenticator: AKSKAuthenticator(accessKey: keys.accessKey, secretKey: keys.secretKey,
                                                               projectId: projectId ?? keys.projectId, securityToken: keys.securityToken),
                              source: "credentials file \(path) [\(CredentialsFile.section)]", projectId: keys.projectId), looked)
            case .notThere(let why):
                looked.append("credentials file: " + why + (environment[CredentialsFile.pathVariable] == nil ? " (or set \(CredentialsFile.pathVariable))" : ""))
            }
        } catch let e as CredentialsFile.Unusable {
            throw Unusable(description: e.description)
        }
        return (nil, looked)
    }

    /// The ECS metadata service, asked now as the SDK's provider does; its timeouts are the SDK's
    /// three seconds (`MetadataAccessor._DEFAULT_TIME_OUT`), or `timeout` when shorter.
    public func metadata(projectId: String, looked: [String], timeout: Duration, logger: Logger = Logger(label: "ddmsh"),
                         transport: (any HTTPTransport)? = nil) async throws -> Found {
        let limit = min(timeout, .seconds(3))
        let endpoint = metadataEndpoint
        let auth = MetadataAuthenticator(endpoint: endpoint,
                                         transport: transport ?? (AsyncHTTPTransport(connectTimeout: limit, readTimeout: limit) as any HTTPTransport),
                                         projectId: projectId, logger: logger)
        do {
            try await auth.prepare()
        } catch {
            throw NotFound(looked: looked + ["ECS metadata service: \((error as? DDMError)?.message ?? "\(error)")"
                                             + (environment[MetadataAuthenticator.endpointVariable] == nil ? " (or set \(MetadataAuthenticator.endpointVariable))" : "")])
        }
        return Found(authenticator: auth, source: "ECS metadata service \(endpoint) (temporary keys, refreshed before they expire)",
                     projectId: nil)
    }
}
