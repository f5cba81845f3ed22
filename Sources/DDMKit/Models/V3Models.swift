/// The v3 answers, field for field from the SDK's models (`huaweicloudsdkddm` 3.1.219,
/// `v1/model/`), and how each maps onto the model the rest of ddmsh uses. A field the v3 answer
/// does not have stays nil; docs/client.md's table says which.

/// `list_ddms`: `CustomerInstanceVO` has the v1 instance's fields except `created`.
struct InstancePageV3: Decodable, Sendable {
    var instances: [Instance]
    var instanceNum: Int?
    var pageSize: Int?
    var total: Int?
    var totalPage: Int?
    var pageNo: Int?

    var common: InstancePage {
        InstancePage(instances: instances, instanceNum: instanceNum, pageNo: pageNo, pageSize: pageSize,
                     totalRecord: total ?? instanceNum, totalPage: totalPage)
    }
}

/// `show_ddm_detail`: `{"instances": [InstanceDetail]}`, nodes grouped.
struct InstanceDetailPageV3: Decodable, Sendable {
    struct Detail: Decodable, Sendable {
        var id: String
        var name: String
        @UnknownIfAbsent var status: String
        var projectId: String?
        var datastoreVersion: String?
        var createAt: String?
        var updateAt: String?
        var port: String?
        var timeZone: String?
        var orderId: String?
        var adminUserName: String?
        /// An integer in v3 (a boolean in v1).
        var enableSsl: Int?
        var publicIp: String?
        var groups: [Group]?
    }
    struct Group: Decodable, Sendable {
        var id: String?
        var endpoint: String?
        var nodeCount: Int?
        var isDefaultGroup: Bool?
        var nodes: [GroupNode]?
    }
    struct GroupNode: Decodable, Sendable {
        var id: String
        var status: String?
        var name: String?
        var azCode: String?
        var subnetId: String?
    }
    var instances: [Detail]

    func common(id: String) throws -> Instance {
        guard let d = instances.first(where: { $0.id == id }) ?? instances.first else {
            throw DDMError(kind: .decoding, message: "the instance detail lists no instance", operation: "show instance")
        }
        let groups = d.groups ?? []
        let nodes = groups.flatMap { g in
            (g.nodes ?? []).map { InstanceNode(status: $0.status, port: d.port, ip: nil, groupId: g.id, nodeId: $0.id) }
        }
        var zones: [String] = []
        for z in groups.flatMap({ $0.nodes ?? [] }).compactMap(\.azCode) where !zones.contains(z) { zones.append(z) }
        let endpoint = (groups.first { $0.isDefaultGroup == true } ?? groups.first)?.endpoint
        return Instance(
            id: d.id, name: d.name, status: d.status, created: d.createAt, updated: d.updateAt,
            availableZone: zones.isEmpty ? nil : zones.joined(separator: ","),
            subnetId: groups.flatMap { $0.nodes ?? [] }.compactMap(\.subnetId).first,
            nodeCount: nodes.count, accessIp: endpoint.map(Self.host), accessPort: d.port,
            projectId: d.projectId, engineVersion: d.datastoreVersion, orderId: d.orderId,
            enableSsl: d.enableSsl.map { $0 != 0 }, nodes: nodes, adminUserName: d.adminUserName, publicIp: d.publicIp)
    }

    /// A group endpoint may carry a port (`ip:port`); the address column shows the host.
    static func host(_ endpoint: String) -> String {
        guard let colon = endpoint.lastIndex(of: ":"), !endpoint.hasPrefix("[") else { return endpoint }
        return String(endpoint[..<colon])
    }
}

/// `create_ddm_instance`, `restart_ddm_instance`, `delete_ddm_database`, `create_ddm_database`:
/// whichever of these fields each answers.
struct JobAnswerV3: Decodable, Sendable {
    var jobId: String?
    var orderId: String?
    var id: String?
    var name: String?
    var databaseName: String?

    init(jobId: String? = nil, id: String? = nil, name: String? = nil) { self.jobId = jobId; self.id = id; self.name = name }

    /// `delete_ddm_instance` answers an untyped `object`: whatever it is, the call succeeded.
    init(from decoder: Decoder) throws {
        enum Key: String, CodingKey { case jobId, orderId, id, name, databaseName }
        guard let c = try? decoder.container(keyedBy: Key.self) else { return }
        jobId = c.text(.jobId)
        orderId = c.text(.orderId)
        id = c.text(.id)
        name = c.text(.name)
        databaseName = c.text(.databaseName)
    }
}

/// `show_instance_database`.
struct SchemaDetailV3: Decodable, Sendable {
    struct Shard: Decodable, Sendable {
        var dataNodeId: String?
        var physicalDbName: String?
        var status: String?
        var shardIndex: Int?
    }
    struct DataNode: Decodable, Sendable {
        var id: String
        var status: String?
        var name: String?
    }
    var name: String
    var status: String?
    var created: String?
    var updated: String?
    var shardMode: String?
    var shardNumber: Int?
    var shards: [Shard]?
    var dataNodes: [DataNode]?

    var common: SchemaDetail {
        let nodes = dataNodes ?? []
        return SchemaDetail(
            name: name, status: status, shardMode: shardMode, shardNumber: shardNumber,
            databases: (shards ?? []).map { s in
                .init(dbslot: s.shardIndex, name: s.physicalDbName ?? UnknownIfAbsent.unknown, status: s.status, id: s.dataNodeId,
                      idName: nodes.first { $0.id == s.dataNodeId }?.name)
            },
            usedRds: nodes.map { SchemaRDS(id: $0.id, name: $0.name, status: $0.status) })
    }
}

/// `list_ddm_users`: no extended authority; `created` is a string; each schema only by name.
struct AccountPageV3: Decodable, Sendable {
    struct User: Decodable, Sendable {
        var name: String
        var status: String?
        var baseAuthority: [String]?
        var passwordLifetime: Int?
        var description: String?
        var databases: [NameOnly]?
    }
    var users: [User]
    var offset: Int?
    var limit: Int?
    var total: Int?

    var common: AccountPage {
        AccountPage(users: users.map {
            Account(name: $0.name, status: $0.status, baseAuthority: $0.baseAuthority, description: $0.description,
                    databases: $0.databases?.map { AccountSchema(name: $0.name) }, passwordLifetime: $0.passwordLifetime)
        }, totalRecord: total)
    }
}

/// `list_ddm_engines`: no zones per engine.
struct EnginePageV3: Decodable, Sendable {
    struct Group: Decodable, Sendable { var id: String; var name: String?; var version: String? }
    var engineGroups: [Group]
    var offset: Int?
    var limit: Int?
    var total: Int?

    var common: EnginePage {
        EnginePage(engineGroups: engineGroups.map { EngineGroup(id: $0.id, name: $0.name, version: $0.version) },
                   offset: offset, limit: limit, total: total)
    }
}

/// `list_ddm_flavors`: `spec_code`, `vcpus`, `ram` and zones as a list.
struct FlavorPageV3: Decodable, Sendable {
    struct Group: Decodable, Sendable {
        var groupType: String?
        var flavors: [Flavor]
        var offset: Int?
        var limit: Int?
        var total: Int?
    }
    struct Flavor: Decodable, Sendable {
        var id: String
        var specCode: String?
        var vcpus: String?
        var ram: String?
        var azInfos: [Zone]?
    }
    struct Zone: Decodable, Sendable { var code: String; var status: String? }
    var flavorGroups: [Group]

    var common: FlavorPage {
        FlavorPage(computeFlavorGroups: flavorGroups.map { g in
            FlavorGroup(groupType: g.groupType, computeFlavors: g.flavors.map { f in
                DDMKit.Flavor(id: f.id, code: f.specCode, cpu: f.vcpus, mem: f.ram,
                              azStatus: f.azInfos.map { Dictionary($0.map { ($0.code, $0.status ?? "") }, uniquingKeysWith: { a, _ in a }) },
                              groupType: g.groupType)
            }, offset: g.offset, limit: g.limit, total: g.total)
        })
    }
}

/// `list_available_rds`: `data_nodes`, no zone.
struct AvailableRDSPageV3: Decodable, Sendable {
    struct DataNode: Decodable, Sendable {
        var id: String
        var status: String?
        var name: String?
        var engineName: String?
        var engineVersion: String?
        var privateIp: String?
        var port: Int?
        var timeZone: String?
    }
    var dataNodes: [DataNode]
    var offset: Int?
    var limit: Int?
    var total: Int?

    var common: AvailableRDSPage {
        AvailableRDSPage(instances: dataNodes.map {
            AvailableRDS(id: $0.id, status: $0.status, name: $0.name, engineName: $0.engineName,
                         engineSoftwareVersion: $0.engineVersion, privateIp: $0.privateIp, port: $0.port, timeZone: $0.timeZone)
        }, offset: offset, limit: limit, total: total)
    }
}

/// `show_ddm_node_detail`.
struct NodeDetailV3: Decodable, Sendable {
    var id: String
    var privateIp: String?
    var status: String?
    var name: String?
    var subnetId: String?
    var azCode: String?
    var groupId: String?

    var common: NodeDetail {
        NodeDetail(status: status, name: name, nodeId: id, privateIp: privateIp, groupId: groupId, subnetId: subnetId)
    }
}
