import DDMKit
import DDMLocal
import Foundation

/// A fresh local DDM service on loopback and a client signed in to it.
public struct LocalHarness: Sendable {
    public static let ak = "AKLOCALTEST000000001"
    public static let sk = "SKLOCALTEST0123456789abcdefghijklmnop"
    public let service: LocalService
    public let client: DDMClient

    public static func start(configure: (inout LocalServiceConfiguration) -> Void = { _ in },
                      retry: RetryPolicy = RetryPolicy(maxAttempts: 6, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50)),
                      pacing: Pacing = .off,
                      apiVersion: APIVersionChoice = .auto,
                      endpointMemory: EndpointMemory? = nil,
                      authenticator: ((LocalService) -> any Authenticator)? = nil,
                      transport: (any HTTPTransport)? = nil) async throws -> LocalHarness {
        var config = LocalServiceConfiguration()
        config.accessKey = ak
        config.secretKey = sk
        configure(&config)
        let service = try await LocalService.start(config)
        let auth = authenticator?(service)
            ?? AKSKAuthenticator(accessKey: ak, secretKey: sk, projectId: config.projectId)
        let client = try DDMClient(
            configuration: DDMConfiguration(endpoint: .url(service.url), projectId: config.projectId, retry: retry,
                                            pacing: pacing, apiVersion: apiVersion, endpointMemory: endpointMemory),
            authenticator: auth, transport: transport)
        return LocalHarness(service: service, client: client)
    }

    public func stop() async { await service.stop() }

    /// Creates a RUNNING instance and returns its id.
    public func makeInstance(_ name: String = "ddm-test") async throws -> String {
        let engines = try await client.listEngines()
        let flavors = try await client.listFlavors(engineId: engines.engineGroups[0].id)
        let flavor = flavors.computeFlavorGroups[0].computeFlavors[0]
        let created = try await client.createInstance(CreateInstanceRequest(
            name: name, flavorId: flavor.id, nodeNum: 2,
            engineId: engines.engineGroups[0].id, availableZones: ["ap-southeast-1a"], vpcId: "vpc-1",
            securityGroupId: "sg-1", subnetId: "subnet-1", engineVersion: engines.engineGroups[0].version, flavorCode: flavor.code))
        return try require(created.id)
    }

    public func makeSchema(_ instance: String, _ name: String) async throws {
        let rds = try await client.allAvailableRDS(instance: instance)
        _ = try await client.createSchemas(instance: instance, [CreateSchemaRequest(
            name: name, shardMode: .cluster, shardNumber: 8, shardUnit: 8,
            usedRds: [RDSCredential(id: rds[0].id, adminUser: "root", adminPassword: LocalHarness.rdsPassword)])])
    }

    /// The seeded fake RDS admin password, as documented in docs/local-service.md.
    public static let rdsPassword = ["Rds", "Admin", "1!"].joined(separator: "_")
}

public func require<T>(_ value: T?, _ message: String = "unexpected nil") throws -> T {
    guard let value else { throw HarnessError(message: message) }
    return value
}
public struct HarnessError: Error { public var message: String }
