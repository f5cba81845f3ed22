/// Engines, flavors, available RDS, nodes, jobs and API versions.
public struct EngineGroup: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?
    public var version: String?
    public var supportAzs: [AvailabilityZone]?
}

public struct AvailabilityZone: Decodable, Sendable, Equatable {
    public var code: String?
    public var name: String?
    public var favored: Bool?
}

public struct EnginePage: Decodable, Sendable {
    public var engineGroups: [EngineGroup]
    public var offset: Int?
    public var limit: Int?
    public var total: Int?
}

public struct FlavorGroup: Decodable, Sendable, Equatable {
    public var groupType: String?
    public var computeFlavors: [Flavor]
    public var offset: Int?
    public var limit: Int?
    public var total: Int?
}

public struct Flavor: Decodable, Sendable, Equatable {
    public var id: String
    public var typeCode: String?
    public var code: String?
    public var iaasCode: String?
    public var cpu: String?
    public var mem: String?
    public var maxConnections: String?
    public var serverType: String?
    public var architecture: String?
    public var azStatus: [String: String]?
    public var regionStatus: String?
    public var groupType: String?
    public var dbType: String?
    public var extendFields: [String: String]?
}

public struct FlavorPage: Decodable, Sendable {
    public var computeFlavorGroups: [FlavorGroup]
}

public struct AvailableRDS: Decodable, Sendable, Equatable {
    public var id: String
    public var projectId: String?
    public var status: String?
    public var name: String?
    public var engineName: String?
    public var engineSoftwareVersion: String?
    public var privateIp: String?
    public var mode: String?
    public var port: Int?
    public var azCode: String?
    public var timeZone: String?
}

public struct AvailableRDSPage: Decodable, Sendable {
    public var instances: [AvailableRDS]
    public var offset: Int?
    public var limit: Int?
    public var total: Int?
}

public struct Node: Decodable, Sendable, Equatable {
    public var port: String?
    public var status: String?
    public var nodeId: String?
    public var ip: String?
    public var groupId: String?
}

public struct NodePage: Decodable, Sendable {
    public var nodes: [Node]
    public var offset: Int?
    public var limit: Int?
    public var total: Int?
}

public struct NodeDetail: Decodable, Sendable, Equatable {
    public var status: String?
    public var name: String?
    public var nodeId: String?
    public var privateIp: String?
    public var floatingIp: String?
    public var serverId: String?
    public var subnetName: String?
    public var datavolumeId: String?
    public var resSubnetIp: String?
    public var systemvolumeId: String?
    public var groupId: String?
    public var subnetId: String?
}

public struct Job: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String?
    /// Optional in the SDK's `JobInfo`: absent, it is `unknown`, which no wait takes for done.
    @UnknownIfAbsent public var status: String
    public var createdTime: String?
    public var endTime: String?
    public var process: String?
    public var instance: JobInstance?

    public struct JobInstance: Decodable, Sendable, Equatable {
        public var id: String?
        public var name: String?
    }
}

struct JobEnvelope: Decodable, Sendable { var job: Job? }

public struct APIVersion: Decodable, Sendable, Equatable {
    public var id: String
    public var status: String?
    public var version: String?
    public var updated: String?
}

struct APIVersionList: Decodable, Sendable { var versions: [APIVersion] }
/// For calls whose answer carries nothing ddmsh needs (`{}` or an untyped string).
public struct Empty: Decodable, Sendable, Equatable {
    public init() {}
    public init(from decoder: Decoder) throws {}
}

extension Job {
    /// `process` as a number: v3 sends it as a percentage (`"45%"`); nil when absent or unreadable.
    public var percent: Int? {
        guard let p = process?.trimmingCharacters(in: .whitespaces), !p.isEmpty else { return nil }
        return Int(p.hasSuffix("%") ? String(p.dropLast()) : p)
    }
}
