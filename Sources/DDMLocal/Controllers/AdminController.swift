import Foundation
import GRDB

/// Nodes, flavor, network and access, engine versions: v3 calls (and v2 scale-in by count),
/// paths and bodies from the SDK's `_<op>_http_info` and models. Long operations pass the
/// instance through its transient status (ddm-api.md §10.3) for half the create delay.
enum AdminController {
    static func register(_ t: inout RouteTable) {
        let p = "/v3/{project_id}/instances/{instance_id}"
        t.add("POST", "\(p)/nodes", addNodes)
        t.add("POST", "/v2/{project_id}/instances/{instance_id}/action/reduce", reduceNodes)
        // The v2 scale-out, which v3's `…/nodes` replaces.
        t.add("POST", "/v2/{project_id}/instances/{instance_id}/action/enlarge", replacedByV3: true, enlargeNodes)
        t.add("POST", "\(p)/nodes/batch-delete", deleteNodes)
        // The same call as a DELETE with the body (SDK `delete_nodes`).
        t.add("DELETE", "\(p)/nodes", deleteNodes)
        t.add("POST", "\(p)/nodes/{node_id}/restart", restartNode)
        t.add("PUT", "\(p)/flavor", resizeFlavor)
        t.add("PUT", "\(p)/port", port)
        t.add("POST", "\(p)/switch-ssl", switchSSL)
        t.add("PUT", "\(p)/readonly-status", readOnly)
        t.add("POST", "\(p)/eip", bindEIP)
        t.add("DELETE", "\(p)/eip", unbindEIP)
        t.add("PUT", "\(p)/admin-user", resetAdministrator)
        t.add("GET", "\(p)/database-version/available-versions", versions)
        t.add("GET", "\(p)/show-risk-info", risks)
        t.add("POST", "\(p)/database-version/change-version", upgrade)
        t.add("POST", "\(p)/database-version/rollback-version", rollback)
    }

    private static func job(_ id: String) throws -> Reply { Reply(body: try WireJSON.object(["job_id": id])) }

    /// The common shape of a setting: the instance must be RUNNING (and pass `check`), one column
    /// changes, the instance may pass through a transient status, and a job records it.
    private static func update(_ call: Call, _ db: Database, set column: String, to value: (any DatabaseValueConvertible)?,
                               through status: String? = nil, job name: String,
                               check: (InstanceRow) throws -> Void = { _ in }) throws -> Reply {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        try check(instance)
        try db.execute(sql: "UPDATE instance SET \(column) = ? WHERE id = ?", arguments: [value, instance.id])
        if let status { try instance.transition(db, to: status, now: call.now, delay: delay(call)) }
        return try job(try db.recordJob(name: name, instance: instance, now: call.now, delay: delay(call)))
    }
    private static func delay(_ call: Call) -> Double { call.settings.createDelay / 2 }

    // MARK: nodes

    private struct ExpandWire: Decodable {
        struct Node: Decodable { var available_zone: String }
        var nodes: [Node]
        var group_id: String?
        var subnet_id: String?
    }

    static func addNodes(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(ExpandWire.self, call.body)
        guard (1...32).contains(body.nodes.count) else { throw LocalError.parameter("nodes must list 1 to 32 nodes") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        return try job(try grow(db, instance, zones: body.nodes.map(\.available_zone), group: body.group_id, call: call))
    }

    private struct EnlargeWire: Decodable {
        var flavor_id: String
        var node_number: Int
        var group_id: String?
        var is_auto_pay: Bool?
        var available_zones: [String]?
    }

    /// The SDK's v2 scale-out (`expand_instance_nodes`, `EnlargeRequest`): by count, on the
    /// instance's own flavor; zones when given (one per node), else the instance's first.
    static func enlargeNodes(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(EnlargeWire.self, call.body)
        guard (1...32).contains(body.node_number) else { throw LocalError.parameter("node_number must be from 1 to 32") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        guard body.flavor_id == instance.flavorId else {
            throw LocalError.parameter("flavor_id must be the instance's own flavor (\(instance.flavorId))")
        }
        if let zones = body.available_zones, zones.count != body.node_number {
            throw LocalError.parameter("available_zones must list one zone per node (\(body.node_number))")
        }
        let zones = body.available_zones ?? Array(repeating: instance.availableZones.first ?? Catalog.zones[0].code, count: body.node_number)
        let id = try grow(db, instance, zones: zones, group: body.group_id, call: call)
        return Reply(body: try WireJSON.object(["instanceId": instance.id, "instanceName": instance.name, "jobId": id]))
    }

    /// Adds one node per zone to the instance; returns the job's id.
    private static func grow(_ db: Database, _ instance: InstanceRow, zones: [String], group given: String?, call: Call) throws -> String {
        for zone in zones where !Catalog.zones.contains(where: { $0.code == zone }) {
            throw LocalError.parameter("available_zone \(zone) is not a supported AZ: \(Catalog.zones.map(\.code).joined(separator: ", "))")
        }
        let rows = try CatalogController.nodeRows(db, instance.id)
        guard rows.count + zones.count <= Catalog.maxNodes else {
            throw LocalError(status: 400, code: "DBS.280001",
                             message: "An instance can have at most \(Catalog.maxNodes) nodes; it has \(rows.count).")
        }
        let group = try group(of: rows, given)
        let next = (rows.map { $0["position"] as Int }.max() ?? -1) + 1
        for i in 0..<zones.count {
            let position = next + i
            try db.execute(sql: "INSERT INTO node (node_id, instance_id, group_id, name, ip, position) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [WireID.node(), instance.id, group, "\(instance.name)_node_\(String(format: "%02d", position + 1))",
                                       "192.168.1.\(10 + position)", position])
        }
        try db.execute(sql: "UPDATE instance SET node_num = ? WHERE id = ?", arguments: [rows.count + zones.count, instance.id])
        try instance.transition(db, to: "GROWING", now: call.now, delay: delay(call))
        return try db.recordJob(name: "GrowInstance", instance: instance, now: call.now, delay: delay(call))
    }

    private static func group(of rows: [Row], _ given: String?) throws -> String {
        let groups = Set(rows.map { $0["group_id"] as String })
        if let given {
            guard groups.contains(given) else { throw LocalError.parameter("group_id \(given) is not a group of the instance") }
            return given
        }
        return rows.first?["group_id"] ?? WireID.group()
    }

    private struct ReduceWire: Decodable { var node_number: Int; var group_id: String? }

    /// v2, by count: the newest nodes go. At least one node stays (OTC "Deleting Multiple Nodes…").
    static func reduceNodes(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(ReduceWire.self, call.body)
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let rows = try CatalogController.nodeRows(db, instance.id)
        guard body.node_number >= 1, body.node_number < rows.count else {
            throw LocalError(status: 400, code: "DBS.280001",
                             message: "node_number must be from 1 to \(rows.count - 1): at least one node must remain (the instance has \(rows.count)).")
        }
        let gone = rows.suffix(body.node_number).map { $0["node_id"] as String }
        try remove(db, instance, gone, remaining: rows.count - gone.count, call: call)
        let id = try db.recordJob(name: "ReduceInstance", instance: instance, now: call.now, delay: delay(call))
        return Reply(body: try WireJSON.object(["instanceId": instance.id, "instanceName": instance.name, "jobId": id]))
    }

    private struct NodeIdsWire: Decodable { var node_ids: [String] }

    static func deleteNodes(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(NodeIdsWire.self, call.body)
        guard !body.node_ids.isEmpty else { throw LocalError.parameter("node_ids must not be empty") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let rows = try CatalogController.nodeRows(db, instance.id)
        for id in body.node_ids where !rows.contains(where: { ($0["node_id"] as String) == id }) {
            throw LocalError(status: 404, code: "DBS.280001", message: "The node \(id) does not exist.")
        }
        let named = rows.filter { body.node_ids.contains($0["node_id"] as String) }
        guard Set(named.map { $0["group_id"] as String }).count == 1 else {
            throw LocalError.parameter("node_ids must all be in one group")
        }
        guard named.count < rows.count else {
            throw LocalError(status: 400, code: "DBS.280001", message: "At least one node must remain in the group.")
        }
        try remove(db, instance, Array(Set(body.node_ids)), remaining: rows.count - named.count, call: call)
        return try job(try db.recordJob(name: "ReduceInstance", instance: instance, now: call.now, delay: delay(call)))
    }

    private static func remove(_ db: Database, _ instance: InstanceRow, _ ids: [String], remaining: Int, call: Call) throws {
        for id in ids { try db.execute(sql: "DELETE FROM node WHERE node_id = ?", arguments: [id]) }
        try db.execute(sql: "UPDATE instance SET node_num = ? WHERE id = ?", arguments: [remaining, instance.id])
        try instance.transition(db, to: "REDUCING", now: call.now, delay: delay(call))
    }

    static func restartNode(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        guard try CatalogController.nodeRows(db, instance.id).contains(where: { ($0["node_id"] as String) == call.param("node_id") }) else {
            throw LocalError(status: 404, code: "DBS.280001", message: "The node \(call.param("node_id")) does not exist.")
        }
        return try job(try db.recordJob(name: "RestartNode", instance: instance, now: call.now, delay: delay(call)))
    }

    // MARK: flavor

    private struct FlavorWire: Decodable { var spec_code: String; var group_id: String? }

    static func resizeFlavor(_ call: Call, _ db: Database) throws -> Reply {
        let code = try WireJSON.decode(FlavorWire.self, call.body).spec_code
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        guard let flavor = Catalog.flavors.first(where: { $0.code == code }) else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The flavor \(code) does not exist.")
        }
        guard flavor.code != instance.flavorRef else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The instance already has the flavor \(code).")
        }
        try db.execute(sql: "UPDATE instance SET flavor_id = ?, flavor_ref = ?, core_count = ?, ram_capacity = ? WHERE id = ?",
                       arguments: [flavor.id, flavor.code, flavor.cpu, flavor.mem, instance.id])
        try instance.transition(db, to: "RESIZING", now: call.now, delay: delay(call))
        return try job(try db.recordJob(name: "ResizeFlavor", instance: instance, now: call.now, delay: delay(call)))
    }

    // MARK: network and access

    private struct PortWire: Decodable { var port: Int }

    /// The range is the emulator's choice (no source gives DDM's): unprivileged ports, as 1025–65534.
    static let ports = 1025...65534

    static func port(_ call: Call, _ db: Database) throws -> Reply {
        let port = try WireJSON.decode(PortWire.self, call.body).port
        guard ports.contains(port) else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The port must be from \(ports.lowerBound) to \(ports.upperBound).")
        }
        return try update(call, db, set: "port", to: port, job: "ModifyPort")
    }

    private struct SSLWire: Decodable { var ssl_enabled: Bool }

    static func switchSSL(_ call: Call, _ db: Database) throws -> Reply {
        let on = try WireJSON.decode(SSLWire.self, call.body).ssl_enabled
        return try update(call, db, set: "ssl", to: on, through: "SWITCH_SSL", job: "SwitchSSL")
    }

    private struct ReadOnlyWire: Decodable { var readonly: Bool }

    static func readOnly(_ call: Call, _ db: Database) throws -> Reply {
        let on = try WireJSON.decode(ReadOnlyWire.self, call.body).readonly
        return try update(call, db, set: "read_only", to: on, job: on ? "SetReadOnly" : "SetReadWrite")
    }

    private struct EIPWire: Decodable { var public_ip: String; var public_ip_id: String }

    static func bindEIP(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(EIPWire.self, call.body)
        guard Rules.ipv4(body.public_ip) else {
            throw LocalError.parameter("public_ip must be an IPv4 address")
        }
        guard !body.public_ip_id.isEmpty else { throw LocalError.parameter("public_ip_id must not be empty") }
        let reply = try update(call, db, set: "eip", to: body.public_ip, job: "BindEIP") { instance in
            guard instance.eip == nil else {
                throw LocalError(status: 400, code: "DBS.280001", message: "The instance already has the EIP \(instance.eip ?? ""); unbind it first.")
            }
        }
        // Kept for the public IP list (`show_public_ip`).
        try db.execute(sql: "UPDATE instance SET eip_id = ? WHERE id = ?", arguments: [body.public_ip_id, call.param("instance_id")])
        return reply
    }

    static func unbindEIP(_ call: Call, _ db: Database) throws -> Reply {
        try update(call, db, set: "eip", to: nil, job: "UnbindEIP") { instance in
            guard instance.eip != nil else { throw LocalError(status: 400, code: "DBS.280001", message: "The instance has no EIP.") }
        }
    }

    private struct AdminWire: Decodable { var name: String; var password: String }

    static func resetAdministrator(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(AdminWire.self, call.body)
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let admin = instance.adminUserName ?? "root"
        guard body.name == admin else { throw LocalError.parameter("name must be the instance's administrator, \(admin)") }
        guard Rules.adminPasswordOK(body.password) else {
            throw LocalError.parameter("password must be 8 to 32 characters and combine upper case, lower case, digits and ~!@#%^*-_=+?")
        }
        return Reply(body: Array("{}".utf8))
    }

    // MARK: engine versions

    static func versions(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let newer = Catalog.engineVersions.filter { $0.compare(instance.engineVersion, options: .numeric) == .orderedDescending }
        return Reply(body: try WireJSON.object([
            "versions": newer, "current_version": instance.engineVersion, "latest_version": Catalog.engineVersions.last as Any,
            "current_favored_version": Catalog.engineVersions.last as Any, "previous_version": instance.previousEngineVersion as Any,
        ]))
    }

    /// `show_risk_info`: here an engine older than the newest carries one risk, whose advice is
    /// the newest version (the emulator knows no real defects; the shape is the SDK's `Risks`).
    static func risks(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        guard let latest = Catalog.engineVersions.last, latest.compare(instance.engineVersion, options: .numeric) == .orderedDescending else {
            return Reply(body: try WireJSON.object(["risks": [Any]()]))
        }
        let risk: [String: Any] = [
            "instance_id": instance.id, "engine_name": "DDM", "engine_version": instance.engineVersion, "level": 1,
            "suggest": "\(instance.engineVersion) is older than \(latest); upgrade to \(latest)",
            "influence": "nodes restart one by one during the upgrade", "guidance": "alter instance <i> upgrade engine to '\(latest)'",
            "service_impact_duration": "about 30 s per node", "upgrade_duration": "about 10 min",
        ]
        return Reply(body: try WireJSON.object(["risks": [risk]]))
    }

    private struct VersionWire: Decodable { var target_version: String }

    static func upgrade(_ call: Call, _ db: Database) throws -> Reply {
        let target = try WireJSON.decode(VersionWire.self, call.body).target_version
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        guard Catalog.engineVersions.contains(target), target.compare(instance.engineVersion, options: .numeric) == .orderedDescending else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The instance on \(instance.engineVersion) cannot be upgraded to \(target).")
        }
        try db.execute(sql: "UPDATE instance SET engine_version = ?, previous_engine_version = ? WHERE id = ?",
                       arguments: [target, instance.engineVersion, instance.id])
        try instance.transition(db, to: "UPGRADE_VERSION_INSTANCE", now: call.now, delay: delay(call))
        let id = try db.recordJob(name: "UpgradeVersion", instance: instance, now: call.now, delay: delay(call))
        return Reply(body: try WireJSON.object(["instance_id": instance.id, "job_id": id]))
    }

    static func rollback(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        guard let previous = instance.previousEngineVersion else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The instance has no earlier version to roll back to.")
        }
        try db.execute(sql: "UPDATE instance SET engine_version = ?, previous_engine_version = NULL WHERE id = ?", arguments: [previous, instance.id])
        try instance.transition(db, to: "ROLL_BACK_DB_VERSION", now: call.now, delay: delay(call))
        let id = try db.recordJob(name: "RollbackVersion", instance: instance, now: call.now, delay: delay(call))
        return Reply(body: try WireJSON.object(["instance_id": instance.id, "job_id": id]))
    }
}
