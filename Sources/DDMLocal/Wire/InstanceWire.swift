/// Instance wire types, written from ddm-api.md §5 (not shared with DDMKit).
struct CreateInstanceWire: Decodable {
    struct Detail: Decodable {
        var name: String
        var flavor_id: String
        var node_num: Int
        var engine_id: String
        var enterprise_project_id: String?
        var available_zones: [String]
        var vpc_id: String
        var security_group_id: String
        var subnet_id: String
        var param_group_id: String?
        var time_zone: String?
        var admin_user_name: String?
        var admin_user_password: String?
    }
    var instance: Detail
}

struct InstanceWire: Encodable {
    var id: String
    var status: String
    var name: String
    var created: String
    var updated: String
    var available_zone: String
    var vpc_id: String
    var subnet_id: String
    var security_group_id: String
    var node_count: Int
    var access_ip: String
    var access_port: String
    var core_count: String
    var ram_capacity: String
    var node_status: String
    var enterprise_project_id: String?
    var project_id: String
    var engine_version: String
    var enable_ssl: Bool
    var flavor_ref: String
    var nodes: [InstanceNodeWire]?
    var admin_user_name: String?
}

struct InstanceNodeWire: Encodable {
    var status: String
    var port: String
    var ip: String
    var group_id: String
    var node_id: String
}

struct InstanceListWire: Encodable {
    var instances: [InstanceWire]
    var instance_num: Int
    var page_no: Int
    var page_size: Int
    var total_record: Int
    var total_page: Int
}

struct CreateInstanceReplyWire: Encodable { var id: String; var job_id: String }
struct RestartWire: Decodable {
    struct Restart: Decodable { var type: String? }
    var restart: Restart?
}
struct RestartReplyWire: Encodable { var instanceId: String; var instanceName: String; var jobId: String }
struct DeleteInstanceReplyWire: Encodable { var id: String; var job_id: String }
struct NameWire: Codable { var name: String }
struct SecurityGroupWire: Codable { var security_group_id: String }
struct EmptyWire: Encodable {}
