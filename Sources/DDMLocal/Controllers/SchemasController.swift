import GRDB

/// `/v1/{project_id}/instances/{instance_id}/databases…` (§6).
enum SchemasController {
    static func register(_ t: inout RouteTable) {
        let v1 = "/v1/{project_id}/instances/{instance_id}/databases", v3 = "/v3/{project_id}/instances/{instance_id}/databases"
        t.add("POST", v1, replacedByV3: true, create)
        t.add("POST", v3, V3Shape.adapt(create, body: V3Shape.createSchema, reply: {
            ["name": (($0["databases"] as? [[String: Any]])?.first?["name"]) as Any, "job_id": $0["job_id"] as Any]
        }))
        // No v3 list in the SDK: the older one stays.
        t.add("GET", v1, list)
        t.add("GET", "\(v1)/{ddm_dbname}", replacedByV3: true, show)
        t.add("GET", "\(v3)/{database_name}", V3Shape.adapt(show, params: ["database_name": "ddm_dbname"], reply: V3Shape.showSchema))
        t.add("DELETE", "\(v1)/{ddm_dbname}", replacedByV3: true, delete)
        t.add("DELETE", "\(v3)/{database_name}", V3Shape.adapt(delete, params: ["database_name": "ddm_dbname"], query: V3Shape.deleteData) { answer, call in
            ["job_id": answer["job_id"] as Any, "database_name": call.param("ddm_dbname")]
        })
    }

    struct SchemaRow: FetchableRecord {
        var name: String, shardMode: String, shardNumber: Int, shardUnit: Int, status: String
        var usedRds: [String], created: Int64, updated: Int64
        init(row: Row) {
            name = row["name"]; shardMode = row["shard_mode"]; shardNumber = row["shard_number"]
            shardUnit = row["shard_unit"]; status = row["status"]; usedRds = JSONColumn.decode(row["used_rds"])
            created = row["created"]; updated = row["updated"]
        }
        var rdsWire: [SchemaRDSWire] {
            usedRds.map { id in SchemaRDSWire(id: id, name: Catalog.rds.first { $0.id == id }?.name ?? id, status: "normal") }
        }
    }

    static func find(_ db: Database, instance: String, name: String) throws -> SchemaRow {
        guard let row = try SchemaRow.fetchOne(db, sql: "SELECT * FROM schema WHERE instance_id = ? AND name = ?",
                                               arguments: [instance, name.lowercased()]) else {
            throw LocalError(status: 404, code: "DBS.300129", message: "The schema \(name) does not exist.")
        }
        return row
    }

    static func create(_ call: Call, _ db: Database) throws -> Reply {
        let request = try WireJSON.decode(CreateSchemasWire.self, call.body)
        guard !request.databases.isEmpty else { throw LocalError.parameter("databases must not be empty") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM schema WHERE instance_id = ? AND status != 'RUNNING'",
                                       arguments: [instance.id]) ?? 0
        if pending > 0 { throw LocalError.busy("A schema operation is in progress on the instance.") }
        var seen: Set<String> = []
        for d in request.databases {
            if let problem = Rules.schemaNameError(d.name) { throw problem }
            let exists = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM schema WHERE instance_id = ? AND name = ?",
                                          arguments: [instance.id, d.name]) ?? 0
            if exists > 0 || !seen.insert(d.name).inserted {
                throw LocalError(status: 400, code: "DBS.300112", message: "The schema name \(d.name) already exists.")
            }
            guard d.shard_mode == "cluster" || d.shard_mode == "single" else {
                throw LocalError(status: 400, code: "DBS.300104", message: "The sharding mode must be cluster or single.")
            }
            try checkRDS(d)
            try checkShards(d)
        }
        let delay = call.settings.createDelay / 2
        for d in request.databases {
            let unit = d.shard_unit ?? (d.shard_mode == "single" ? 1 : (d.shard_number + d.used_rds.count - 1) / d.used_rds.count)
            try db.execute(sql: """
                INSERT INTO schema (instance_id, name, shard_mode, shard_number, shard_unit, status, settle_at, settle_status, used_rds, created, updated)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [instance.id, d.name, d.shard_mode, d.shard_number, unit,
                                 delay > 0 ? "CREATING" : "RUNNING", delay > 0 ? call.now + delay : nil,
                                 delay > 0 ? "RUNNING" : nil, JSONColumn.encode(d.used_rds.map(\.id)),
                                 call.nowMillis, call.nowMillis])
        }
        // The instance is busy while the schema is made, as Terraform's provider waits for it
        // (CREATE_DATABASE among the statuses it passes through; docs/local-service.md).
        try instance.transition(db, to: "CREATE_DATABASE", now: call.now, delay: delay)
        let job = try db.recordJob(name: "CreateDatabase", instance: instance, now: call.now, delay: delay)
        return .json(CreateSchemasReplyWire(databases: request.databases.map { NameWire(name: $0.name) }, job_id: job))
    }

    private static func checkRDS(_ d: CreateSchemasWire.Detail) throws {
        guard !d.used_rds.isEmpty else {
            throw LocalError(status: 400, code: "DBS.300102", message: "At least one RDS instance must be associated with the schema.")
        }
        if Set(d.used_rds.map(\.id)).count != d.used_rds.count {
            throw LocalError(status: 400, code: "DBS.300108", message: "The RDS instances are duplicated.")
        }
        for used in d.used_rds {
            guard let rds = Catalog.rds.first(where: { $0.id == used.id }) else {
                throw LocalError(status: 400, code: "DBS.300103",
                                 message: "The RDS instance \(used.id) does not exist or is not in the VPC of the DDM instance.")
            }
            guard used.adminUser == rds.adminUser, used.adminPassword == rds.adminPassword else {
                throw LocalError(status: 400, code: "DBS.300114", message: "The RDS administrator or password is incorrect.")
            }
        }
    }

    /// Shard arithmetic from §6.1.
    private static func checkShards(_ d: CreateSchemasWire.Detail) throws {
        let n = d.used_rds.count
        let bad = LocalError(status: 400, code: "DBS.300106", message: "The number of shards per RDS instance is invalid.")
        if d.shard_mode == "single" {
            guard n == 1, d.shard_number == 1, (d.shard_unit ?? 1) == 1 else { throw bad }
        } else if let unit = d.shard_unit {
            guard (1...64).contains(unit), d.shard_number == unit * n else { throw bad }
        } else {
            guard d.shard_number > n, d.shard_number <= n * 64 else { throw bad }
        }
    }

    static func list(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...128))
        try ReshardController.settle(call, db)
        let all = try SchemaRow.fetchAll(db, sql: "SELECT * FROM schema WHERE instance_id = ? ORDER BY name", arguments: [instance.id])
        return .json(SchemaListWire(databases: page.slice(all).map {
            SchemaWire(name: $0.name, shard_mode: $0.shardMode, shard_number: $0.shardNumber, shard_unit: $0.shardUnit,
                       status: $0.status, created: $0.created, used_rds: $0.rdsWire)
        }, total: all.count))
    }

    static func show(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        try ReshardController.settle(call, db)
        let s = try find(db, instance: instance.id, name: call.param("ddm_dbname"))
        let shards = (0..<s.shardNumber).map { slot in
            let rdsId = s.usedRds[min(slot / max(1, s.shardUnit), s.usedRds.count - 1)]
            return SchemaDetailWire.Shard(
                dbslot: slot, name: s.name + "_" + String(repeating: "0", count: max(0, 4 - String(slot).count)) + String(slot),
                status: s.status, created: s.created, updated: s.updated, id: rdsId,
                idName: Catalog.rds.first { $0.id == rdsId }?.name ?? rdsId)
        }
        return .json(SchemaShowWire(database: SchemaDetailWire(
            name: s.name, created: s.created, updated: s.updated, status: s.status, shard_mode: s.shardMode,
            shard_number: s.shardNumber, shard_unit: s.shardUnit, dataVips: ["\(instance.accessIp):\(instance.port)"],
            databases: shards, used_rds: s.rdsWire)))
    }

    static func delete(_ call: Call, _ db: Database) throws -> Reply {
        _ = try call.deleteRDSData()
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let s = try find(db, instance: instance.id, name: call.param("ddm_dbname"))
        guard instance.status == "RUNNING", s.status == "RUNNING" else {
            throw LocalError.busy("The schema \(s.name) is \(s.status); it cannot be deleted now.")
        }
        try ReshardController.settle(call, db)
        if let task = try ReshardController.moving(db, instance: instance.id, schema: s.name) {
            // Not "busy" (409, which clients retry for minutes): a reshard lasts hours. The code
            // is DDM's for "source data is not cleared"; using it here is the local service's choice.
            throw LocalError(status: 400, code: "DBS.300358", message: "The schema \(s.name) is being resharded (task \(task)); it cannot be deleted now.")
        }
        try BackupsController.record(db, instance: instance, "metadata backup before schema \(s.name) was deleted", now: call.now)
        let delay = call.settings.createDelay / 2
        if delay > 0 {
            try db.execute(sql: "UPDATE schema SET status = 'DELETING', settle_at = ?, settle_status = 'GONE' WHERE instance_id = ? AND name = ?",
                           arguments: [call.now + delay, instance.id, s.name])
        } else {
            try db.execute(sql: "DELETE FROM schema WHERE instance_id = ? AND name = ?", arguments: [instance.id, s.name])
        }
        // Chosen (§11.17): a deleted schema leaves every account's schema list.
        try AccountsController.detachSchema(db, instance: instance.id, schema: s.name)
        try instance.transition(db, to: "DROP_DATABASE", now: call.now, delay: delay)
        let job = try db.recordJob(name: "DeleteDatabase", instance: instance, now: call.now, delay: delay)
        return .json(JobIdWire(job_id: job))
    }
}
