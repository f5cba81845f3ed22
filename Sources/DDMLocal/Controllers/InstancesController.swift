import Foundation
import GRDB

/// `/v1/{project_id}/instances…` (§5).
enum InstancesController {
    static func register(_ t: inout RouteTable) {
        let v1 = "/v1/{project_id}/instances", v3 = "/v3/{project_id}/instances"
        t.add("POST", v1, replacedByV3: true, create)
        t.add("POST", v3, V3Shape.adapt(create, body: V3Shape.createInstance, reply: { $0 }))
        t.add("GET", v1, replacedByV3: true, list)
        t.add("GET", v3, V3Shape.adapt(list, reply: V3Shape.listInstances))
        t.add("GET", "\(v1)/{instance_id}", replacedByV3: true, show)
        t.add("GET", "\(v3)/{instance_id}", V3Shape.showInstance)
        t.add("POST", "\(v1)/{instance_id}/action", replacedByV3: true, restart)
        t.add("POST", "\(v3)/{instance_id}/restart", V3Shape.adapt(restart, body: { _ in [:] }, reply: { ["job_id": $0["jobId"] as Any] }))
        t.add("DELETE", "\(v1)/{instance_id}", replacedByV3: true, delete)
        t.add("DELETE", "\(v3)/{instance_id}", V3Shape.adapt(delete, query: V3Shape.deleteData, reply: { $0 }))
        t.add("PUT", "\(v1)/{instance_id}/modify-name", replacedByV3: true, rename)
        t.add("PUT", "\(v3)/{instance_id}/name", V3Shape.renameInstance)
        t.add("PUT", "\(v1)/{instance_id}/modify-security-group", replacedByV3: true, securityGroup)
        t.add("PUT", "\(v3)/{instance_id}/security-group", V3Shape.adapt(securityGroup, body: { $0 }, reply: V3Shape.empty))
        t.add("POST", "\(v1)/{instance_id}/reload-config", replacedByV3: true, reload)
        t.add("POST", "\(v3)/{instance_id}/reload-config", V3Shape.adapt(reload, reply: V3Shape.empty))

    }

    static func create(_ call: Call, _ db: Database) throws -> Reply {
        let d = try WireJSON.decode(CreateInstanceWire.self, call.body).instance
        guard Rules.instanceName(d.name) else {
            throw LocalError.parameter("instance name must be 4 to 64 characters, start with a letter, and hold only letters, digits, - and _")
        }
        guard let flavor = Catalog.flavors.first(where: { $0.id == d.flavor_id }) else {
            throw LocalError.parameter("flavor_id \(d.flavor_id) does not exist")
        }
        guard let engine = Catalog.engines.first(where: { $0.id == d.engine_id }) else {
            throw LocalError.parameter("engine_id \(d.engine_id) does not exist")
        }
        guard (1...Catalog.maxNodes).contains(d.node_num) else {
            throw LocalError.parameter("node_num must be from 1 to \(Catalog.maxNodes)")
        }
        guard !d.available_zones.isEmpty,
              d.available_zones.allSatisfy({ az in Catalog.zones.contains { $0.code == az } }) else {
            throw LocalError.parameter("available_zones must list supported AZ codes: \(Catalog.zones.map(\.code).joined(separator: ", "))")
        }
        for (field, value) in [("vpc_id", d.vpc_id), ("subnet_id", d.subnet_id), ("security_group_id", d.security_group_id)]
        where value.isEmpty {
            throw LocalError.parameter("\(field) must not be empty")
        }
        let timeZone = d.time_zone ?? "UTC"
        guard Rules.timeZones.contains(timeZone) else {
            throw LocalError(status: 400, code: "DBS.300376", message: "The time zone \(timeZone) is invalid.")
        }
        if let admin = d.admin_user_name, !Rules.adminName(admin) {
            throw LocalError.parameter("admin_user_name must be 1 to 32 characters, start with a letter, and hold only letters, digits and _")
        }
        if let password = d.admin_user_password, !Rules.adminPasswordOK(password) {
            throw LocalError.parameter("admin_user_password must be 8 to 32 characters and combine upper case, lower case, digits and ~!@#%^*-_=+?")
        }
        let id = WireID.instance()
        let delay = call.settings.createDelay
        let status = delay > 0 ? "CREATING" : "RUNNING"
        // Addresses are handed out in order (not at random) so transcripts are reproducible.
        let created = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM instance") ?? 0
        let accessIp = "192.168.0.\(10 + created % 240)"
        try db.execute(sql: """
            INSERT INTO instance (id, name, status, settle_at, settle_status, flavor_id, flavor_ref, core_count, ram_capacity,
              engine_id, engine_version, node_num, available_zones, vpc_id, subnet_id, security_group_id,
              enterprise_project_id, time_zone, admin_user_name, access_ip, created, updated)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, d.name, status, delay > 0 ? call.now + delay : nil, delay > 0 ? "RUNNING" : nil,
                             flavor.id, flavor.code, flavor.cpu, flavor.mem, engine.id, engine.version, d.node_num,
                             JSONColumn.encode(d.available_zones), d.vpc_id, d.subnet_id, d.security_group_id,
                             d.enterprise_project_id, timeZone, d.admin_user_name, accessIp,
                             call.now, call.now])
        let group = WireID.group()
        for i in 0..<d.node_num {
            try db.execute(sql: "INSERT INTO node (node_id, instance_id, group_id, name, ip, position) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [WireID.node(), id, group, "\(d.name)_node_\(String(format: "%02d", i + 1))",
                                       "192.168.1.\(10 + i)", i])
        }
        let job = try db.recordJob(name: "CreateInstance", instanceId: id, instanceName: d.name, now: call.now, delay: delay)
        return .json(CreateInstanceReplyWire(id: id, job_id: job))
    }

    static func list(_ call: Call, _ db: Database) throws -> Reply {
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 10, range: 1...128))
        let all = try InstanceRow.fetchAll(db, sql: "SELECT * FROM instance ORDER BY created, id")
        return .json(InstanceListWire(
            instances: page.slice(all).map { $0.wire(projectId: call.settings.projectId) },
            instance_num: all.count, page_no: page.pageNo, page_size: page.limit,
            total_record: all.count, total_page: page.totalPages(all.count)))
    }

    static func show(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let nodes = try Row.fetchAll(db, sql: "SELECT * FROM node WHERE instance_id = ? ORDER BY position", arguments: [instance.id])
            .map { InstanceNodeWire(status: instance.status == "RUNNING" ? "RUNNING" : instance.status, port: String(instance.port),
                                    ip: $0["ip"], group_id: $0["group_id"], node_id: $0["node_id"]) }
        return .json(instance.wire(projectId: call.settings.projectId, nodes: nodes, detail: true))
    }

    static func restart(_ call: Call, _ db: Database) throws -> Reply {
        let body = call.body.isEmpty ? RestartWire(restart: nil) : try WireJSON.decode(RestartWire.self, call.body)
        let type = body.restart?.type ?? "soft"
        guard type == "soft" || type == "hard" else { throw LocalError.parameter("restart.type must be soft or hard") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let delay = call.settings.createDelay / 2
        if delay > 0 {
            try db.execute(sql: "UPDATE instance SET status = 'RESTARTING', settle_at = ?, settle_status = 'RUNNING', updated = ? WHERE id = ?",
                           arguments: [call.now + delay, call.now, instance.id])
        }
        let job = try db.recordJob(name: "RestartInstance", instance: instance, now: call.now, delay: delay)
        return .json(RestartReplyWire(instanceId: instance.id, instanceName: instance.name, jobId: job))
    }

    static func delete(_ call: Call, _ db: Database) throws -> Reply {
        _ = try call.deleteRDSData()
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        try BackupsController.record(db, instance: instance, "metadata backup before the instance was deleted", now: call.now)
        // Schemas, accounts and nodes go with it (ON DELETE CASCADE).
        try db.execute(sql: "DELETE FROM instance WHERE id = ?", arguments: [instance.id])
        let job = try db.recordJob(name: "DeleteInstance", instance: instance, now: call.now, delay: call.settings.createDelay / 2)
        return .json(DeleteInstanceReplyWire(id: instance.id, job_id: job))
    }

    static func rename(_ call: Call, _ db: Database) throws -> Reply {
        let name = try WireJSON.decode(NameWire.self, call.body).name
        guard Rules.instanceName(name) else {
            throw LocalError.parameter("instance name must be 4 to 64 characters, start with a letter, and hold only letters, digits, - and _")
        }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        try db.execute(sql: "UPDATE instance SET name = ?, updated = ? WHERE id = ?", arguments: [name, call.now, instance.id])
        return .json(NameWire(name: name))
    }

    static func securityGroup(_ call: Call, _ db: Database) throws -> Reply {
        let sg = try WireJSON.decode(SecurityGroupWire.self, call.body).security_group_id
        guard !sg.isEmpty else { throw LocalError.parameter("security_group_id must not be empty") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        try db.execute(sql: "UPDATE instance SET security_group_id = ?, updated = ? WHERE id = ?", arguments: [sg, call.now, instance.id])
        return .json(SecurityGroupWire(security_group_id: sg))
    }

    static func reload(_ call: Call, _ db: Database) throws -> Reply {
        _ = try InstanceRow.findRunning(db, call.param("instance_id"))
        return .json(EmptyWire())
    }
}
