/// Engines, flavors, RDS, nodes, jobs, versions and IAM tokens (§1.1, §8).
struct EngineListWire: Encodable {
    struct AZ: Encodable { var code: String; var name: String; var favored: Bool }
    struct Group: Encodable { var id: String; var name: String; var version: String; var supportAzs: [AZ] }
    var engineGroups: [Group]
    var offset: Int
    var limit: Int
    var total: Int
}

struct FlavorListWire: Encodable {
    struct Flavor: Encodable {
        var id: String; var typeCode: String; var code: String; var iaasCode: String; var cpu: String; var mem: String
        var maxConnections: String?; var serverType: String; var architecture: String
        var azStatus: [String: String]; var regionStatus: String; var groupType: String?; var dbType: String
        var extendFields: [String: String]
    }
    struct Group: Encodable { var groupType: String; var computeFlavors: [Flavor]; var offset: Int; var limit: Int; var total: Int }
    var computeFlavorGroups: [Group]
}

struct RDSListWire: Encodable {
    struct RDS: Encodable {
        var id: String; var projectId: String; var status: String; var name: String; var engineName: String
        var engineSoftwareVersion: String; var privateIp: String; var mode: String; var port: Int
        var azCode: String; var timeZone: String
    }
    var instances: [RDS]
    var offset: Int
    var limit: Int
    var total: Int
}

struct NodeListWire: Encodable {
    struct Node: Encodable { var port: String; var status: String; var node_id: String; var ip: String; var group_id: String }
    var nodes: [Node]
    var offset: Int
    var limit: Int
    var total: Int
}

struct NodeDetailWire: Encodable {
    var status: String; var name: String; var node_id: String; var private_ip: String; var floating_ip: String
    var server_id: String; var subnet_name: String; var datavolume_id: String; var res_subnet_ip: String
    var systemvolume_id: String; var group_id: String; var subnet_id: String
}

struct JobWire: Encodable {
    struct Job: Encodable {
        struct Instance: Encodable { var id: String; var name: String }
        var id: String; var name: String; var status: String; var created_time: String; var end_time: String
        var process: String; var instance: Instance
    }
    var job: Job
}

struct VersionsWire: Encodable {
    struct Version: Encodable { var id: String; var links: [String]; var status: String; var updated: String; var version: String }
    var versions: [Version]
}

struct TokenRequestWire: Decodable {
    struct Named: Decodable { var name: String? ; var id: String? }
    struct User: Decodable { var name: String; var password: String; var domain: Named? }
    struct Password: Decodable { var user: User }
    struct Identity: Decodable { var methods: [String]; var password: Password? }
    struct Scope: Decodable { var project: Named? }
    struct Auth: Decodable { var identity: Identity; var scope: Scope? }
    var auth: Auth
}

struct TokenReplyWire: Encodable {
    struct Token: Encodable {
        struct Project: Encodable { var id: String; var name: String }
        struct User: Encodable { var name: String; var id: String }
        var expires_at: String; var issued_at: String; var methods: [String]; var project: Project; var user: User
    }
    var token: Token
}
