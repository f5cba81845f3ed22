/// An instance as `list instances` and `show instance` return it.
public struct Instance: Decodable, Sendable, Equatable {
    public var id: String
    public var name: String
    @UnknownIfAbsent public var status: String
    public var created: String?
    public var updated: String?
    public var availableZone: String?
    public var vpcId: String?
    public var subnetId: String?
    public var securityGroupId: String?
    public var nodeCount: Int?
    public var accessIp: String?
    public var accessPort: String?
    public var coreCount: String?
    public var ramCapacity: String?
    public var errorMsg: String?
    public var nodeStatus: String?
    public var enterpriseProjectId: String?
    public var projectId: String?
    public var engineVersion: String?
    public var orderId: String?
    public var enableSsl: Bool?
    public var flavorRef: String?
    /// Only in `show instance`.
    public var nodes: [InstanceNode]?
    public var adminUserName: String?
    /// The bound EIP: only v3's detail (`public_ip`) has it.
    public var publicIp: String?
}

public struct InstanceNode: Decodable, Sendable, Equatable {
    public var status: String?
    public var port: String?
    public var ip: String?
    public var groupId: String?
    /// Optional: Huawei's current page for v1 `show instance` leaves it out of `nodes[]`.
    public var nodeId: String?
}

public struct InstancePage: Decodable, Sendable {
    public var instances: [Instance]
    public var instanceNum: Int?
    public var pageNo: Int?
    public var pageSize: Int?
    public var totalRecord: Int?
    public var totalPage: Int?
}

public struct CreateInstanceRequest: Encodable, Sendable, Equatable {
    public var name: String
    public var flavorId: String
    public var nodeNum: Int
    public var engineId: String
    public var availableZones: [String]
    public var vpcId: String
    public var securityGroupId: String
    public var subnetId: String
    public var enterpriseProjectId: String?
    public var paramGroupId: String?
    public var timeZone: String?
    public var adminUserName: String?
    public var adminUserPassword: String?
    /// The engine's version and the flavor's code: v3 names both by these, not by id. Not sent in v1.
    public var engineVersion: String?
    public var flavorCode: String?

    public init(name: String, flavorId: String, nodeNum: Int, engineId: String, availableZones: [String],
                vpcId: String, securityGroupId: String, subnetId: String, enterpriseProjectId: String? = nil,
                paramGroupId: String? = nil, timeZone: String? = nil, adminUserName: String? = nil,
                adminUserPassword: String? = nil, engineVersion: String? = nil, flavorCode: String? = nil) {
        self.name = name; self.flavorId = flavorId; self.nodeNum = nodeNum; self.engineId = engineId
        self.availableZones = availableZones; self.vpcId = vpcId; self.securityGroupId = securityGroupId
        self.subnetId = subnetId; self.enterpriseProjectId = enterpriseProjectId
        self.paramGroupId = paramGroupId; self.timeZone = timeZone
        self.adminUserName = adminUserName; self.adminUserPassword = adminUserPassword
        self.engineVersion = engineVersion; self.flavorCode = flavorCode
    }

    enum CodingKeys: String, CodingKey {
        case name, flavorId = "flavor_id", nodeNum = "node_num", engineId = "engine_id"
        case availableZones = "available_zones", vpcId = "vpc_id", securityGroupId = "security_group_id"
        case subnetId = "subnet_id", enterpriseProjectId = "enterprise_project_id"
        case paramGroupId = "param_group_id", timeZone = "time_zone"
        case adminUserName = "admin_user_name", adminUserPassword = "admin_user_password"
    }
}

public struct CreateInstanceResult: Decodable, Sendable, Equatable {
    public var id: String?
    public var jobId: String?
    public var orderId: String?
}

public enum RestartType: String, Sendable, Codable { case soft, hard }

public struct RestartResult: Decodable, Sendable, Equatable {
    public var instanceId: String?
    public var instanceName: String?
    public var jobId: String?
}

public struct DeleteInstanceResult: Decodable, Sendable, Equatable {
    public var id: String?
    public var jobId: String?
}

extension Instance {
    /// This detail with the fields it lacks taken from `listed` (the same instance as a list
    /// shows it): v3's detail has no flavor, VPC or security group, v3's list has them.
    public func completed(with listed: Instance) -> Instance {
        guard listed.id == id else { return self }
        var i = self
        i.created = i.created ?? listed.created
        i.availableZone = i.availableZone ?? listed.availableZone
        i.vpcId = i.vpcId ?? listed.vpcId
        i.subnetId = i.subnetId ?? listed.subnetId
        i.securityGroupId = i.securityGroupId ?? listed.securityGroupId
        i.accessIp = i.accessIp ?? listed.accessIp
        i.accessPort = i.accessPort ?? listed.accessPort
        i.coreCount = i.coreCount ?? listed.coreCount
        i.ramCapacity = i.ramCapacity ?? listed.ramCapacity
        i.flavorRef = i.flavorRef ?? listed.flavorRef
        i.enterpriseProjectId = i.enterpriseProjectId ?? listed.enterpriseProjectId
        i.engineVersion = i.engineVersion ?? listed.engineVersion
        return i
    }

    /// Node addresses filled in from the node list (v3's detail names nodes without addresses).
    public func withNodeAddresses(_ listed: [Node]) -> Instance {
        var i = self
        i.nodes = nodes?.map { n in
            guard n.ip == nil, let id = n.nodeId, let l = listed.first(where: { $0.nodeId == id }) else { return n }
            var n = n
            n.ip = l.ip
            n.port = n.port ?? l.port
            return n
        }
        return i
    }
}
