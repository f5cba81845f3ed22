import GRDB

/// One row of `instance`, with the lookups every controller needs.
struct InstanceRow: FetchableRecord, Sendable {
    var id: String
    var name: String
    var status: String
    var flavorRef: String
    var coreCount: String
    var ramCapacity: String
    var engineVersion: String
    var nodeNum: Int
    var availableZones: [String]
    var vpcId: String
    var subnetId: String
    var securityGroupId: String
    var enterpriseProjectId: String?
    var adminUserName: String?
    var accessIp: String
    var created: Double
    var updated: Double
    var flavorId: String
    var port: Int
    var ssl: Bool
    var readOnly: Bool
    var eip: String?
    /// Parameters changed from their defaults, by name.
    var parameters: [String: String]
    var previousEngineVersion: String?
    var timeZone: String

    init(row: Row) {
        id = row["id"]; name = row["name"]; status = row["status"]
        flavorRef = row["flavor_ref"]; coreCount = row["core_count"]; ramCapacity = row["ram_capacity"]
        engineVersion = row["engine_version"]; nodeNum = row["node_num"]
        availableZones = JSONColumn.decode(row["available_zones"])
        vpcId = row["vpc_id"]; subnetId = row["subnet_id"]; securityGroupId = row["security_group_id"]
        enterpriseProjectId = row["enterprise_project_id"]; adminUserName = row["admin_user_name"]
        accessIp = row["access_ip"]; created = row["created"]; updated = row["updated"]
        flavorId = row["flavor_id"]; port = row["port"]; ssl = row["ssl"]; readOnly = row["read_only"]; eip = row["eip"]
        parameters = JSONColumn.decodeMap(row["parameters"]); previousEngineVersion = row["previous_engine_version"]
        timeZone = row["time_zone"]
    }

    static func find(_ db: Database, _ id: String) throws -> InstanceRow {
        guard let row = try InstanceRow.fetchOne(db, sql: "SELECT * FROM instance WHERE id = ?", arguments: [id]) else {
            throw LocalError.instanceNotFound(id)
        }
        return row
    }

    /// The instance, which must be RUNNING: DDM allows one operation at a time (§9).
    static func findRunning(_ db: Database, _ id: String) throws -> InstanceRow {
        let row = try find(db, id)
        guard row.status == "RUNNING" else {
            throw LocalError.busy("The instance is \(row.status); the operation is not allowed now.")
        }
        return row
    }

    /// Puts the instance into a transient status that ends after `delay` seconds (none when 0).
    func transition(_ db: Database, to status: String, now: Double, delay: Double) throws {
        guard delay > 0 else { return }
        try db.execute(sql: "UPDATE instance SET status = ?, settle_at = ?, settle_status = 'RUNNING', updated = ? WHERE id = ?",
                       arguments: [status, now + delay, now, id])
    }

    func wire(projectId: String, nodes: [InstanceNodeWire]? = nil, detail: Bool = false) -> InstanceWire {
        InstanceWire(
            id: id, status: status, name: name, created: WireTime.instance(created), updated: WireTime.instance(updated),
            available_zone: availableZones.joined(separator: ","), vpc_id: vpcId, subnet_id: subnetId,
            security_group_id: securityGroupId, node_count: nodeNum, access_ip: accessIp, access_port: String(port),
            core_count: coreCount, ram_capacity: ramCapacity, node_status: status == "RUNNING" ? "RUNNING" : status,
            enterprise_project_id: enterpriseProjectId, project_id: projectId, engine_version: engineVersion,
            enable_ssl: ssl, flavor_ref: flavorRef, nodes: nodes, admin_user_name: detail ? (adminUserName ?? "root") : nil)
    }
}

extension Database {
    /// Records an asynchronous job that completes after `delay` seconds.
    func recordJob(name: String, instance: InstanceRow, now: Double, delay: Double) throws -> String {
        try recordJob(name: name, instanceId: instance.id, instanceName: instance.name, now: now, delay: delay)
    }

    func recordJob(name: String, instanceId: String, instanceName: String, now: Double, delay: Double) throws -> String {
        let id = WireID.job()
        try execute(sql: "INSERT INTO job (id, name, instance_id, instance_name, created, done_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [id, name, instanceId, instanceName, now, now + delay])
        return id
    }
}

/// Paging arithmetic shared by the list calls.
struct Page {
    var offset: Int
    var limit: Int

    func slice<T>(_ all: [T]) -> [T] {
        guard offset < all.count else { return [] }
        return Array(all[offset..<min(all.count, offset + limit)])
    }
    var pageNo: Int { offset / limit + 1 }
    func totalPages(_ total: Int) -> Int { (total + limit - 1) / limit }
}
