import Foundation
import GRDB

/// Backups of instance metadata. DDM makes them itself, "at 02:00 UTC+00:00 every day" and at key
/// operations ("deleting a schema, clearing source data after shard configuration, and deleting
/// a DDM instance"); they cannot be made on demand (OTC user guide, "Backup Principles"). The
/// daily ones are filled in when listed. DDM "retains the backup data for 30 days" (user guide,
/// "Restoring Metadata"), and so does this service.
enum BackupsController {
    static func register(_ t: inout RouteTable) {
        t.add("GET", "/v3/{project_id}/backups", list)
        t.add("GET", "/v3/{project_id}/instances/{instance_id}/backups/{backup_id}", show)
        t.add("DELETE", "/v3/{project_id}/backups/{backup_id}", delete)
    }

    static let keptDays = 30

    /// A metadata backup made at a key operation, holding the instance's schemas and accounts as
    /// they are before it (what a restore from it brings back).
    static func record(_ db: Database, instance: InstanceRow, _ description: String, now: Double) throws {
        try db.execute(sql: "INSERT INTO backup (id, instance_id, instance_name, kind, description, created, snapshot) VALUES (?, ?, ?, 'metadata', ?, ?, ?)",
                       arguments: [WireID.hex32() + "br09", instance.id, instance.name, description, now, try Snapshot.take(db, instance: instance.id)])
    }

    /// The daily backups due by `now` for every instance, each made once.
    private static func daily(_ db: Database, now: Double) throws {
        let today = (now / 86_400).rounded(.down) * 86_400 + 2 * 3600
        for row in try Row.fetchAll(db, sql: "SELECT id, name, created FROM instance WHERE status <> 'CREATING'") {
            let id: String = row["id"], created: Double = row["created"]
            for day in 0..<keptDays {
                let at = today - Double(day) * 86_400
                guard at <= now, at >= created else { continue }
                try db.execute(sql: """
                    INSERT OR IGNORE INTO backup (id, instance_id, instance_name, kind, description, created)
                    VALUES (?, ?, ?, 'auto_metadata', 'auto metadata backup', ?)
                    """, arguments: [String(id.prefix(24)) + String(Int(at / 86_400), radix: 16) + "br09", id, row["name"] as String, at])
            }
        }
        try db.execute(sql: "DELETE FROM backup WHERE kind = 'auto_metadata' AND created < ?", arguments: [today - Double(keptDays) * 86_400])
    }

    private static func wire(_ row: Row) -> [String: Any] {
        let created: Double = row["created"]
        return ["id": row["id"] as String, "name": "Backup", "description": row["description"] as String, "status": "normal",
                "instance_id": row["instance_id"] as String, "instance_name": row["instance_name"] as String, "instance_status": "normal",
                "file_size": 5.419922, "created": WireTime.instance(created), "updated": WireTime.instance(created + 17),
                "backup_type": row["kind"] as String]
    }

    static func list(_ call: Call, _ db: Database) throws -> Reply {
        try daily(db, now: call.now)
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        var sql = "SELECT * FROM backup WHERE deleted = 0", args: [any DatabaseValueConvertible] = []
        if let id = call.query["instance_id"], !id.isEmpty { sql += " AND instance_id = ?"; args.append(id) }
        if let name = call.query["instance_name"], !name.isEmpty { sql += " AND instance_name = ?"; args.append(name) }
        let rows = try Row.fetchAll(db, sql: sql + " ORDER BY created DESC, id", arguments: StatementArguments(args))
        return Reply(body: try WireJSON.object(["backups": page.slice(rows.map(wire)), "offset": page.offset, "limit": page.limit, "total": rows.count]))
    }

    private static func find(_ db: Database, _ id: String) throws -> Row {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM backup WHERE id = ? AND deleted = 0", arguments: [id]) else {
            throw LocalError(status: 404, code: "DBS.300350", message: "The required data is not found.")
        }
        return row
    }

    /// `ShowBackupResponse`: the data nodes it covers are the instance's data nodes now.
    static func show(_ call: Call, _ db: Database) throws -> Reply {
        try daily(db, now: call.now)
        let row = try find(db, call.param("backup_id"))
        guard row["instance_id"] as String == call.param("instance_id") else {
            throw LocalError(status: 404, code: "DBS.300350", message: "The required data is not found.")
        }
        let used = Set(try String.fetchAll(db, sql: "SELECT used_rds FROM schema WHERE instance_id = ?", arguments: [call.param("instance_id")])
            .flatMap { JSONColumn.decode($0) as [String] })
        let nodes = Catalog.rds.filter { used.contains($0.id) }.map { ["instance_id": $0.id, "instance_name": $0.name] }
        return Reply(body: try WireJSON.object(["id": row["id"] as String, "name": "Backup", "instance_id": row["instance_id"] as String,
                                                "instance_name": row["instance_name"] as String, "related_data_nodes": nodes]))
    }

    static func delete(_ call: Call, _ db: Database) throws -> Reply {
        try daily(db, now: call.now)
        let row = try find(db, call.param("backup_id"))
        try db.execute(sql: "UPDATE backup SET deleted = 1 WHERE id = ?", arguments: [row["id"] as String])
        let job = try db.recordJob(name: "DeleteBackup", instanceId: row["instance_id"], instanceName: row["instance_name"], now: call.now, delay: 0)
        return Reply(body: try WireJSON.object(["job_id": job]))
    }
}
