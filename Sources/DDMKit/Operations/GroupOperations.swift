import Foundation

/// An instance's groups of nodes, each with an endpoint of its own (`GroupInfo`): list, create, delete;
/// the load balancer's address and IP access control list; the instance's public IPs. v3 only.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (method, path, query and body from the SDK's `_<op>_http_info` and request models,
/// `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let groups: [DDMOperationID] = [.listGroups, .createGroup, .deleteGroup, .showGroupACL, .switchGroupACL, .modifyGroupAddress, .listPublicIPs]

    public static let listGroups = DDMOperationID("listGroups", sdk: "list_group", v3: nil) { api, at in
        Routes(api.listGroups(instance: at.instance))
    }
    public static let createGroup = DDMOperationID("createGroup", sdk: "create_group", v3: nil) { api, at in
        Routes(api.createGroup(instance: at.instance, NewGroup(name: at.object ?? "", readOnly: false, flavor: "", zones: [], subnet: "")))
    }
    public static let deleteGroup = DDMOperationID("deleteGroup", sdk: "delete_group", v3: nil) { api, at in
        Routes(api.deleteGroup(instance: at.instance, group: at.object ?? "{group_id}"))
    }
    public static let showGroupACL = DDMOperationID("showGroupACL", sdk: "show_ip_group", v3: nil) { api, at in
        Routes(api.showGroupACL(instance: at.instance, group: at.object ?? "{group_id}"))
    }
    public static let switchGroupACL = DDMOperationID("switchGroupACL", sdk: "switch_ip_group", v3: nil) { api, at in
        Routes(api.switchGroupACL(instance: at.instance, group: at.object ?? "{group_id}", GroupACL(enabled: false)))
    }
    public static let modifyGroupAddress = DDMOperationID("modifyGroupAddress", sdk: "modify_eip", v3: nil) { api, at in
        Routes(api.modifyGroupAddress(instance: at.instance, group: at.object ?? "", ip: ""))
    }
    public static let listPublicIPs = DDMOperationID("listPublicIPs", sdk: "show_public_ip", v3: nil) { api, at in
        Routes(api.listPublicIPs(instance: at.instance))
    }
}

extension DDMAPI {
    public func listGroups(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<GroupPage> {
        DDMOperation(name: "list groups", method: "GET", path: v3("instances", instance, "groups"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct CreateBody: Encodable {
        struct Node: Encodable { var available_zone: String; var subnet_id: String }
        var name: String, type: String, flavor_ref: String, nodes: [Node]
    }

    /// `create_group` (`CreateGroupRequestBody`): by flavor code, one entry per node.
    public func createGroup(instance: String, _ g: NewGroup) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "create group", method: "POST", path: v3("instances", instance, "groups"),
                     body: JSONBody.encode(CreateBody(name: g.name, type: g.readOnly ? "r" : "rw", flavor_ref: g.flavor,
                                                      nodes: g.zones.map { .init(available_zone: $0, subnet_id: g.subnet) })),
                     repeatability: .once)
    }

    public func deleteGroup(instance: String, group: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "delete group", method: "DELETE", path: v3("instances", instance, "groups", group), repeatability: .safe)
    }

    public func showGroupACL(instance: String, group: String) -> DDMOperation<GroupACLAnswer> {
        DDMOperation(name: "show group access control", method: "GET", path: v3("instances", instance, "groups", group, "acls"), repeatability: .safe)
    }

    private struct SwitchBody: Encodable {
        struct Item: Encodable { var ip: String; var description: String }
        var enable_ip_group: Bool, type: String?, name: String?, group_id: String?, ip_list: [Item]?
    }

    /// `switch_ip_group` (`ElbIpGroupOpsReq`): the whole list; `group_id` in the body is the
    /// load balancer's IP group, when one exists.
    public func switchGroupACL(instance: String, group: String, _ acl: GroupACL) -> DDMOperation<GroupACLSwitched> {
        let body = acl.enabled
            ? SwitchBody(enable_ip_group: true, type: acl.whitelist ? "white" : "black", name: acl.name, group_id: acl.ipGroupId,
                         ip_list: acl.addresses.map { .init(ip: $0.ip, description: $0.description) })
            : SwitchBody(enable_ip_group: false, type: nil, name: nil, group_id: acl.ipGroupId, ip_list: nil)
        return DDMOperation(name: "switch group access control", method: "POST", path: v3("instances", instance, "groups", group, "acls"),
                            body: JSONBody.encode(body), repeatability: .safe)
    }

    private struct AddressBody: Encodable { var group_id: String; var new_ip: String }

    /// `modify_eip` (`ModifyElbVipOpenReq`): the group's load balancer address.
    public func modifyGroupAddress(instance: String, group: String, ip: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "change load balancer address", method: "PUT", path: v3("instances", instance, "elb", "ip"),
                     body: JSONBody.encode(AddressBody(group_id: group, new_ip: ip)), repeatability: .safe)
    }

    public func listPublicIPs(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<PublicIPPage> {
        DDMOperation(name: "list public IPs", method: "GET", path: v3("instances", instance, "public-ips"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }
}

extension DDMClient {
    public func allGroups(instance: String) async throws -> [InstanceGroup] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listGroups(instance: instance, offset: offset, limit: limit))
            return (p.groupList ?? [], p.totalCount)
        }
    }
    public func createGroup(instance: String, _ g: NewGroup) async throws -> JobAnswer {
        guard (1...32).contains(g.zones.count) else { throw DDMError.invalid("a group has 1 to 32 nodes (got \(g.zones.count))") }
        return try await send(api.createGroup(instance: instance, g))
    }
    public func deleteGroup(instance: String, group: String) async throws -> JobAnswer {
        try await send(api.deleteGroup(instance: instance, group: group))
    }
    public func groupACL(instance: String, group: String) async throws -> GroupACL {
        try await send(api.showGroupACL(instance: instance, group: group)).acl
    }
    public func setGroupACL(instance: String, group: String, _ acl: GroupACL) async throws {
        _ = try await send(api.switchGroupACL(instance: instance, group: group, acl))
    }
    public func setGroupAddress(instance: String, group: String, ip: String) async throws -> JobAnswer {
        try await send(api.modifyGroupAddress(instance: instance, group: group, ip: ip))
    }
    public func allPublicIPs(instance: String) async throws -> [PublicIP] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listPublicIPs(instance: instance, offset: offset, limit: limit))
            return (p.publicIpList ?? [], p.totalCount)
        }
    }
}

/// `ListGroupResponse`.
public struct GroupPage: Decodable, Sendable {
    public var groupList: [InstanceGroup]?
    public var totalCount: Int?
}

/// `GroupInfo`: `role` `rw` (read/write) or `r` (read-only); `endpoint` is the load balancer's
/// address and port.
public struct InstanceGroup: Decodable, Sendable, Equatable {
    public struct Node: Decodable, Sendable, Equatable { public var id: String?; public var name: String?; public var az: String? }
    public var id: String
    public var name: String?
    public var role: String?
    public var endpoint: String?
    public var isDefaultGroup: Bool?
    public var cpuNumPerNode: Int?
    public var memNumPerNode: Int?
    public var nodeList: [Node]?

    /// The load balancer's address without its port.
    public var address: String? { endpoint.map { $0.split(separator: ":").first.map(String.init) ?? $0 } }
}

/// A new group: its nodes' zones (one entry per node) and subnet, and their flavor code.
public struct NewGroup: Sendable, Equatable {
    public var name: String, readOnly: Bool, flavor: String, zones: [String], subnet: String
    public init(name: String, readOnly: Bool, flavor: String, zones: [String], subnet: String) {
        self.name = name; self.readOnly = readOnly; self.flavor = flavor; self.zones = zones; self.subnet = subnet
    }
}

/// A group's IP access control list: on or off; a whitelist (only these connect) or a blacklist
/// (these cannot).
public struct GroupACL: Sendable, Equatable {
    public struct Address: Sendable, Equatable, Hashable {
        public var ip: String, description: String
        public init(ip: String, description: String = "") { self.ip = ip; self.description = description }
    }
    public var enabled: Bool
    public var whitelist: Bool
    public var addresses: [Address]
    /// The load balancer's IP group, when there is one: sent back so it is changed, not a second made.
    public var ipGroupId: String?
    public var name: String?
    /// False when the answer did not say whether access control is on (`enable_ipgroup` absent):
    /// `enabled` is then no fact, and must not be shown as one.
    public var enabledReported = true
    /// False when an answer with access control on did not say which kind of list it is.
    public var kindReported = true
    public init(enabled: Bool, whitelist: Bool = true, addresses: [Address] = [], ipGroupId: String? = nil, name: String? = nil) {
        self.enabled = enabled; self.whitelist = whitelist; self.addresses = addresses; self.ipGroupId = ipGroupId; self.name = name
    }
}

/// `ShowIpGroupResponse`. `ipgroup` is an untyped object in the SDK; ddmsh reads `id`, `name`
/// and `ip_list` (`ip`, `description`) from it, the shape of the load balancer's IP groups, and
/// takes an answer without them as an empty list.
public struct GroupACLAnswer: Decodable, Sendable {
    struct IPGroup: Decodable, Sendable {
        struct Item: Decodable, Sendable { var ip: String?; var description: String? }
        var id: String?
        var name: String?
        var ipList: [Item]?
    }
    var enableIpgroup: Bool?
    var type: String?
    var ipgroup: IPGroup?

    public var acl: GroupACL {
        var acl = GroupACL(enabled: enableIpgroup ?? false, whitelist: (type ?? "white") != "black",
                           addresses: (ipgroup?.ipList ?? []).compactMap { i in i.ip.map { GroupACL.Address(ip: $0, description: i.description ?? "") } },
                           ipGroupId: ipgroup?.id, name: ipgroup?.name)
        acl.enabledReported = enableIpgroup != nil
        acl.kindReported = type != nil
        return acl
    }
}

/// `SwitchIpGroupResponse`.
public struct GroupACLSwitched: Decodable, Sendable { public var enableIpgroup: Bool? }

/// `ShowPublicIpResponse`.
public struct PublicIPPage: Decodable, Sendable {
    public var publicIpList: [PublicIP]?
    public var totalCount: Int?
}

/// `PublicIpInfo`: an EIP and what it is bound to (a node).
public struct PublicIP: Decodable, Sendable, Equatable {
    public var id: String?
    public var type: String?
    public var publicIp: String?
    public var privateIp: String?
    public var bindingEntityName: String?
    public var bindingEntityType: String?
    public var groupId: String?
}
