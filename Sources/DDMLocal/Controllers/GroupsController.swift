import Foundation
import GRDB

/// An instance's groups of nodes, each behind its own load balancer: list, create, delete; the
/// load balancer's address and IP access control list; and the instance's public IPs (v3; OTC API
/// reference, "Creating an Instance Group", "Obtaining the Instance Group Information",
/// "Changing the Load Balancer IP Address of an Instance").
enum GroupsController {
    static func register(_ t: inout RouteTable) {
        let p = "/v3/{project_id}/instances/{instance_id}"
        t.add("GET", "\(p)/groups", list)
        t.add("POST", "\(p)/groups", create)
        t.add("DELETE", "\(p)/groups/{group_id}", delete)
        t.add("GET", "\(p)/groups/{group_id}/acls", showACL)
        t.add("POST", "\(p)/groups/{group_id}/acls", switchACL)
        t.add("PUT", "\(p)/elb/ip", modifyAddress)
        t.add("GET", "\(p)/public-ips", publicIPs)
    }

    struct GroupRow {
        var id: String, name: String, role: String, isDefault: Bool, endpointIp: String, flavorRef: String
        var aclEnabled: Bool, aclType: String?, aclId: String?, aclName: String?, aclIps: [[String: String]]
        init(row: Row) {
            id = row["id"]; name = row["name"]; role = row["role"]; isDefault = row["is_default"]; endpointIp = row["endpoint_ip"]
            flavorRef = row["flavor_ref"]; aclEnabled = row["acl_enabled"]; aclType = row["acl_type"]; aclId = row["acl_id"]; aclName = row["acl_name"]
            aclIps = (try? JSONSerialization.jsonObject(with: Data((row["acl_ips"] as String).utf8))) as? [[String: String]] ?? []
        }
    }

    /// The instance's groups, in order; a node group without a row (every instance's first) gets one.
    static func groups(_ db: Database, _ instance: InstanceRow) throws -> [GroupRow] {
        let nodeGroups = try String.fetchAll(db, sql: "SELECT group_id FROM node WHERE instance_id = ? ORDER BY position", arguments: [instance.id])
        for g in nodeGroups where try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instance_group WHERE id = ?", arguments: [g]) == 0 {
            let position = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instance_group WHERE instance_id = ?", arguments: [instance.id]) ?? 0
            try db.execute(sql: """
                INSERT INTO instance_group (id, instance_id, name, role, is_default, endpoint_ip, flavor_ref, position)
                VALUES (?, ?, ?, 'rw', ?, ?, ?, ?)
                """, arguments: [g, instance.id, position == 0 ? "default" : "group-\(position + 1)", position == 0, instance.accessIp, instance.flavorRef, position])
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM instance_group WHERE instance_id = ? ORDER BY position", arguments: [instance.id]).map(GroupRow.init)
    }

    private static func find(_ db: Database, _ instance: InstanceRow, _ id: String) throws -> GroupRow {
        guard let g = try groups(db, instance).first(where: { $0.id == id }) else {
            throw LocalError(status: 404, code: "DBS.300350", message: "The required data is not found.")
        }
        return g
    }

    static func list(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        let nodes = try CatalogController.nodeRows(db, instance.id)
        let flavors = Dictionary(Catalog.flavors.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let all: [[String: Any]] = try groups(db, instance).map { g in
            let members = nodes.filter { ($0["group_id"] as String) == g.id }
            let f = flavors[g.flavorRef]
            return ["id": g.id, "name": g.name, "role": g.role, "endpoint": "\(g.endpointIp):\(instance.port)", "is_load_balance": true,
                    "is_default_group": g.isDefault, "cpu_num_per_node": Int(f?.cpu ?? "") as Any, "mem_num_per_node": Int(f?.mem ?? "") as Any,
                    "architecture": "x86",
                    "node_list": members.enumerated().map { n, row in
                        ["id": row["node_id"] as String, "name": row["name"] as String, "az": instance.availableZones[n % max(1, instance.availableZones.count)]]
                    }]
        }
        return Reply(body: try WireJSON.object(["group_list": page.slice(all), "total_count": all.count]))
    }

    private struct CreateWire: Decodable {
        struct Node: Decodable { var available_zone: String; var subnet_id: String }
        var name: String, type: String, flavor_id: String?, flavor_ref: String?, nodes: [Node]
    }

    static func create(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(CreateWire.self, call.body)
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        // "4 to 64 characters … start with a letter … letters, digits, underscores (_), and hyphens (-)".
        guard Rules.instanceName(body.name) else { throw LocalError.parameter("name must be 4 to 64 letters, digits, _ or -, starting with a letter") }
        guard ["rw", "r"].contains(body.type) else { throw LocalError.parameter("type must be rw or r") }
        guard (1...32).contains(body.nodes.count) else { throw LocalError.parameter("nodes must list 1 to 32 nodes") }
        guard let flavor = Catalog.flavors.first(where: { $0.id == body.flavor_id || $0.code == body.flavor_ref }) else {
            throw LocalError.parameter("flavor_id or flavor_ref must name a flavor")
        }
        for n in body.nodes {
            guard Catalog.zones.contains(where: { $0.code == n.available_zone }) else { throw LocalError.parameter("available_zone \(n.available_zone) does not exist") }
            guard !n.subnet_id.isEmpty else { throw LocalError.parameter("subnet_id must not be empty") }
        }
        let existing = try groups(db, instance)
        guard !existing.contains(where: { $0.name == body.name }) else { throw LocalError.parameter("a group named \(body.name) exists") }
        let id = WireID.group()
        let position = try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position), -1) + 1 FROM node WHERE instance_id = ?", arguments: [instance.id]) ?? 0
        try db.execute(sql: """
            INSERT INTO instance_group (id, instance_id, name, role, is_default, endpoint_ip, flavor_ref, position)
            VALUES (?, ?, ?, ?, 0, ?, ?, ?)
            """, arguments: [id, instance.id, body.name, body.type, "192.168.24.\(10 + existing.count)", flavor.code, existing.count])
        for (k, _) in body.nodes.enumerated() {
            try db.execute(sql: "INSERT INTO node (node_id, instance_id, group_id, name, ip, position) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [WireID.node(), instance.id, id, "\(instance.name)_\(body.name)_node_\(String(format: "%02d", k + 1))",
                                       "192.168.24.\(100 + position + k)", position + k])
        }
        try db.execute(sql: "UPDATE instance SET node_num = node_num + ? WHERE id = ?", arguments: [body.nodes.count, instance.id])
        let delay = call.settings.createDelay / 2
        try instance.transition(db, to: "GROWING", now: call.now, delay: delay)
        let job = try db.recordJob(name: "CreateGroup", instance: instance, now: call.now, delay: delay)
        return Reply(body: try WireJSON.object(["instance_id": instance.id, "job_id": job, "group_id": id]))
    }

    /// The default group stays: it holds the instance's own address.
    static func delete(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let g = try find(db, instance, call.param("group_id"))
        guard !g.isDefault else { throw LocalError(status: 400, code: "DBS.280001", message: "The default group cannot be deleted.") }
        try db.execute(sql: "DELETE FROM node WHERE instance_id = ? AND group_id = ?", arguments: [instance.id, g.id])
        try db.execute(sql: "DELETE FROM instance_group WHERE id = ?", arguments: [g.id])
        try db.execute(sql: "UPDATE instance SET node_num = (SELECT COUNT(*) FROM node WHERE instance_id = ?) WHERE id = ?", arguments: [instance.id, instance.id])
        let delay = call.settings.createDelay / 2
        try instance.transition(db, to: "REDUCING", now: call.now, delay: delay)
        let job = try db.recordJob(name: "DeleteGroup", instance: instance, now: call.now, delay: delay)
        return Reply(body: try WireJSON.object(["job_id": job]))
    }

    // MARK: access control

    static func showACL(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let g = try find(db, instance, call.param("group_id"))
        let ipgroup: [String: Any]? = g.aclId.map { ["id": $0, "name": g.aclName ?? "", "ip_list": g.aclIps] }
        return Reply(body: try WireJSON.object(["instance_id": instance.id, "group_id": g.id, "enable_ipgroup": g.aclEnabled,
                                                "type": g.aclType as Any, "ipgroup": ipgroup as Any]))
    }

    private struct SwitchWire: Decodable {
        struct Item: Decodable { var ip: String; var description: String? }
        var name: String?, type: String?, enable_ip_group: Bool, group_id: String?, ip_list: [Item]?
    }

    /// Turning it on needs a type (`white`: only the list connects; `black`: the list cannot) and at
    /// least one address; turning it off keeps the list for the next time.
    static func switchACL(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(SwitchWire.self, call.body)
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let g = try find(db, instance, call.param("group_id"))
        guard body.enable_ip_group else {
            try db.execute(sql: "UPDATE instance_group SET acl_enabled = 0 WHERE id = ?", arguments: [g.id])
            return Reply(body: try WireJSON.object(["enable_ipgroup": false]))
        }
        guard let type = body.type, ["white", "black"].contains(type) else { throw LocalError.parameter("type must be white or black") }
        let items = body.ip_list ?? []
        guard !items.isEmpty else { throw LocalError.parameter("ip_list must not be empty when access control is enabled") }
        for item in items where !Rules.ipv4(item.ip, block: true) { throw LocalError.parameter("\(item.ip) is not an IPv4 address or CIDR block") }
        let ips = items.map { ["ip": $0.ip, "description": $0.description ?? ""] }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: ips, options: [.sortedKeys]), as: UTF8.self)
        let aclId = g.aclId ?? UUID().uuidString.lowercased()
        try db.execute(sql: "UPDATE instance_group SET acl_enabled = 1, acl_type = ?, acl_id = ?, acl_name = ?, acl_ips = ? WHERE id = ?",
                       arguments: [type, aclId, body.name ?? g.aclName ?? "\(g.name)-acl", text, g.id])
        return Reply(body: try WireJSON.object(["enable_ipgroup": true]))
    }

    // MARK: addresses

    private struct AddressWire: Decodable { var group_id: String; var new_ip: String }

    /// The group's load balancer moves to `new_ip`; the default group's is the instance's address.
    static func modifyAddress(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(AddressWire.self, call.body)
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let g = try find(db, instance, body.group_id)
        guard Rules.ipv4(body.new_ip) else { throw LocalError.parameter("new_ip must be an IPv4 address") }
        let taken = try groups(db, instance).contains { $0.endpointIp == body.new_ip && $0.id != g.id }
        guard !taken, body.new_ip != g.endpointIp else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The IP address \(body.new_ip) is in use.")
        }
        try db.execute(sql: "UPDATE instance_group SET endpoint_ip = ? WHERE id = ?", arguments: [body.new_ip, g.id])
        if g.isDefault { try db.execute(sql: "UPDATE instance SET access_ip = ? WHERE id = ?", arguments: [body.new_ip, instance.id]) }
        let job = try db.recordJob(name: "ModifyElbVip", instance: instance, now: call.now, delay: call.settings.createDelay / 2)
        return Reply(body: try WireJSON.object(["job_id": job]))
    }

    /// The EIP bound to the instance (`bind_eip`), on its first node.
    static func publicIPs(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        var all: [[String: Any]] = []
        if let eip = instance.eip, let node = try CatalogController.nodeRows(db, instance.id).first {
            let id = try String.fetchOne(db, sql: "SELECT eip_id FROM instance WHERE id = ?", arguments: [instance.id]) ?? ""
            all.append(["id": id, "type": "5_bgp", "public_ip": eip, "private_ip": node["ip"] as String,
                        "binding_entity_id": node["node_id"] as String, "binding_entity_name": node["name"] as String,
                        "binding_entity_type": "node", "group_id": node["group_id"] as String])
        }
        return Reply(body: try WireJSON.object(["public_ip_list": page.slice(all), "total_count": all.count]))
    }
}
