import Foundation
import GRDB

/// Restoring an instance's backups elsewhere: what can be restored to when and where, a restore
/// onto an existing instance with new data nodes (`restore2_exist`) and a metadata restore onto
/// data nodes that were restored to a point in time (`restore_metadata`). OTC user guide,
/// "Restoring Data to a New Instance" and "Restoring Metadata": the target "is not associated
/// with any RDS for MySQL instance and has no schemas or accounts"; the new data nodes "have the
/// same or later versions"; the source is version 2.3.2.11 or later, the target 3.0.8 or later.
///
/// The emulator keeps no history of an instance: the state at a moment is the one the first
/// metadata backup after it holds (made just before a key operation changed it), or the state
/// now when none was made since.
enum RestoreController {
    static func register(_ t: inout RouteTable) {
        let p = "/v3/{project_id}/instances/{instance_id}/backups"
        t.add("GET", "\(p)/restorable-time-interval", window)
        t.add("GET", "\(p)/restorable-instances", targets)
        t.add("GET", "\(p)/related-dn", relatedDataNodes)
        t.add("GET", "\(p)/restorable-data-node", targetDataNodes)
        t.add("POST", "\(p)/recovery", restoreToExisting)
        t.add("POST", "\(p)/metadata-recovery", restoreMetadata)
    }

    /// From the instance's creation to now: every data node's backups reach that far here.
    static func window(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let interval = ["start_time": WireTime.instance(instance.created), "end_time": WireTime.instance(call.now)]
        return Reply(body: try WireJSON.object(["restorable_time_intervals": [interval], "offset": 0, "limit": 10, "total": 1]))
    }

    private static func restoreTime(_ call: Call, _ instance: InstanceRow, _ text: String?) throws -> Double {
        guard let text, let ms = Double(text) else { throw LocalError.parameter("restore_time must be a timestamp in milliseconds") }
        let t = ms / 1000
        // The window as it is reported, to the second: a client that asks for its start or end
        // (as ddmsh's 'now' does) is inside it.
        guard t >= instance.created.rounded(.down), t <= call.now else { throw LocalError.parameter("restore_time is outside the restorable time range") }
        return t
    }

    /// The instance's schemas and accounts at `t`.
    static func state(_ db: Database, _ instance: String, at t: Double) throws -> [String: [[String: Any]]] {
        if let text = try String.fetchOne(db, sql: "SELECT snapshot FROM backup WHERE instance_id = ? AND created >= ? AND snapshot IS NOT NULL ORDER BY created LIMIT 1",
                                          arguments: [instance, t]) {
            return Snapshot.decode(text)
        }
        return Snapshot.decode(try Snapshot.take(db, instance: instance))
    }

    /// Why an instance cannot be restored onto, or nil.
    static func unfit(_ db: Database, _ target: InstanceRow, source: String) throws -> String? {
        if target.id == source { return "The instance is the source instance." }
        if target.status != "RUNNING" { return "The instance is \(target.status)." }
        let schemas = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM schema WHERE instance_id = ?", arguments: [target.id]) ?? 0
        let accounts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account WHERE instance_id = ?", arguments: [target.id]) ?? 0
        if schemas + accounts > 0 { return "The instance has \(schemas) schema(s) and \(accounts) account(s); the destination must have none." }
        if target.engineVersion.compare("3.0.8", options: .numeric) == .orderedAscending { return "The instance version must be 3.0.8 or later." }
        return nil
    }

    static func targets(_ call: Call, _ db: Database) throws -> Reply {
        let source = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        let all = try InstanceRow.fetchAll(db, sql: "SELECT * FROM instance WHERE id <> ? ORDER BY created", arguments: [source.id])
        let rows: [[String: Any]] = try all.map { i in
            let why = try unfit(db, i, source: source.id)
            return ["instance_id": i.id, "instance_name": i.name, "status": i.status, "available": why == nil, "unavailable_reason": why ?? "", "vpc_name": i.vpcId]
        }
        return Reply(body: try WireJSON.object(["instances": page.slice(rows), "offset": page.offset, "limit": page.limit, "total": rows.count]))
    }

    static func relatedDataNodes(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let t = try restoreTime(call, instance, call.query["restore_time"])
        let nodes = Snapshot.dataNodes(try state(db, instance.id, at: t)).compactMap { id in Catalog.rds.first { $0.id == id } }
        let rows: [[String: Any]] = nodes.map {
            ["instance_id": $0.id, "instance_name": $0.name, "instance_status": "normal", "data_volume_size": 40_000_000_000, "version": $0.version, "engine_name": "mysql"]
        }
        return Reply(body: try WireJSON.object(["related_data_nodes": rows, "latest_restorable_time": WireTime.instance(call.now),
                                                "offset": 0, "limit": 100, "total": rows.count]))
    }

    /// Why a data node cannot take a source node's data, or nil: in use by a schema, the source
    /// itself, or an earlier version.
    static func unfitDataNode(_ db: Database, _ node: Catalog.RDS, source: Catalog.RDS) throws -> String? {
        if node.id == source.id { return "It is the source data node." }
        let users = try String.fetchAll(db, sql: "SELECT DISTINCT instance_id FROM schema WHERE used_rds LIKE ?", arguments: ["%\(node.id)%"])
        if !users.isEmpty { return "It is associated with a DDM instance." }
        if node.version.compare(source.version, options: .numeric) == .orderedAscending { return "Its version is earlier than the source data node's." }
        return nil
    }

    static func targetDataNodes(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        _ = try restoreTime(call, instance, call.query["restore_time"])
        _ = try InstanceRow.find(db, call.query["target_instance_id"] ?? "")
        guard let source = Catalog.rds.first(where: { $0.id == call.query["source_dn_instance_id"] }) else {
            throw LocalError.parameter("source_dn_instance_id must name a data node of the instance")
        }
        let rows: [[String: Any]] = try Catalog.rds.filter { $0.id != source.id }.map { n in
            let why = try unfitDataNode(db, n, source: source)
            return ["instance_id": n.id, "instance_name": n.name, "engine_name": "mysql", "status": "normal", "available": why == nil,
                    "unavailable_reason": why ?? "", "vpc_name": instance.vpcId, "private_ip": n.ip]
        }
        return Reply(body: try WireJSON.object(["target_data_nodes": rows, "offset": 0, "limit": 100, "total": rows.count]))
    }

    private struct ExistingWire: Decodable {
        struct Source: Decodable { var restore_time: Double }
        struct Target: Decodable { var instance_id: String }
        struct Relation: Decodable { var source_instance_id: String; var target_instance_id: String }
        var source: Source, target: Target, data_node_relations: [Relation]
    }

    private static func target(_ db: Database, _ id: String, source: InstanceRow) throws -> InstanceRow {
        let target = try InstanceRow.find(db, id)
        if let why = try unfit(db, target, source: source.id) { throw LocalError(status: 400, code: "DBS.280001", message: why) }
        return target
    }

    /// The target takes the source's schemas and accounts as of then, each schema on the new data
    /// node its old one maps to; the new data nodes are overwritten with the old ones' data.
    static func restoreToExisting(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(ExistingWire.self, call.body)
        let source = try InstanceRow.find(db, call.param("instance_id"))
        let t = try restoreTime(call, source, String(Int64(body.source.restore_time)))
        let target = try target(db, body.target.instance_id, source: source)
        let snapshot = try state(db, source.id, at: t)
        let needed = Snapshot.dataNodes(snapshot)
        let given = Dictionary(body.data_node_relations.map { ($0.source_instance_id, $0.target_instance_id) }, uniquingKeysWith: { a, _ in a })
        guard Set(given.keys) == Set(needed), given.count == body.data_node_relations.count else {
            throw LocalError.parameter("data_node_relations must map each of the source's data nodes at restore_time once: \(needed.joined(separator: ", "))")
        }
        guard Set(given.values).count == given.count else { throw LocalError(status: 400, code: "DBS.300108", message: "The RDS instances are duplicated.") }
        for (from, to) in given {
            guard let old = Catalog.rds.first(where: { $0.id == from }), let new = Catalog.rds.first(where: { $0.id == to }) else {
                throw LocalError(status: 400, code: "DBS.300103", message: "The RDS instance does not exist or it is not in the same VPC as the schema.")
            }
            if let why = try unfitDataNode(db, new, source: old) { throw LocalError(status: 400, code: "DBS.280001", message: "\(new.name): \(why)") }
        }
        try Snapshot.restore(db, snapshot, to: target.id, nodes: given)
        let delay = call.settings.createDelay
        try target.transition(db, to: "RESTORING", now: call.now, delay: delay)
        let job = try db.recordJob(name: "RestoreToExistingInstance", instance: target, now: call.now, delay: delay)
        return Reply(body: try WireJSON.object(["job_id": job]))
    }

    private struct MetadataWire: Decodable {
        struct Source: Decodable { var restore_time: Double?; var backup_id: String? }
        struct Target: Decodable { var instance_id: String; var data_nodes: [String] }
        var source: Source, target: Target
    }

    /// The target takes the schemas and accounts of the backup (or of the moment), on the given data
    /// nodes: the backup's data nodes in order, one given for each.
    static func restoreMetadata(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(MetadataWire.self, call.body)
        let source = try InstanceRow.find(db, call.param("instance_id"))
        let snapshot: [String: [[String: Any]]]
        switch (body.source.backup_id, body.source.restore_time) {
        case (let id?, nil):
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM backup WHERE id = ? AND deleted = 0 AND instance_id = ?", arguments: [id, source.id]) else {
                throw LocalError(status: 404, code: "DBS.300350", message: "The required data is not found.")
            }
            snapshot = try state(db, source.id, at: row["created"])
        case (nil, let ms?):
            snapshot = try state(db, source.id, at: try restoreTime(call, source, String(Int64(ms))))
        default:
            throw LocalError.parameter("source needs either backup_id or restore_time")
        }
        let target = try target(db, body.target.instance_id, source: source)
        let needed = Snapshot.dataNodes(snapshot)
        guard body.target.data_nodes.count == needed.count else {
            throw LocalError.parameter("target.data_nodes must list \(needed.count) data node(s), one for each of the backup's")
        }
        guard Set(body.target.data_nodes).count == needed.count else { throw LocalError(status: 400, code: "DBS.300108", message: "The RDS instances are duplicated.") }
        for id in body.target.data_nodes where !Catalog.rds.contains(where: { $0.id == id }) {
            throw LocalError(status: 400, code: "DBS.300103", message: "The RDS instance does not exist or it is not in the same VPC as the schema.")
        }
        // As for a point-in-time restore's target data nodes: one a live schema uses is not a
        // target (its shards would be overwritten under that schema).
        let used = Set(try String.fetchAll(db, sql: "SELECT used_rds FROM schema").flatMap { JSONColumn.decode($0) as [String] })
        for id in body.target.data_nodes where used.contains(id) {
            throw LocalError.parameter("data node \(id) is used by a schema; a metadata restore takes data nodes no schema uses")
        }
        try Snapshot.restore(db, snapshot, to: target.id, nodes: Dictionary(uniqueKeysWithValues: zip(needed, body.target.data_nodes)))
        let delay = call.settings.createDelay / 2
        try target.transition(db, to: "RESTORING", now: call.now, delay: delay)
        let job = try db.recordJob(name: "RestoreMetadata", instance: target, now: call.now, delay: delay)
        return Reply(body: try WireJSON.object(["job_id": job]))
    }
}
