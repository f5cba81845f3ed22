import Foundation
import GRDB

/// A schema's SQL blacklist, unbinding a schema, and the instance's schema metadata exported and
/// imported (v3; SDK `list_sql_black`, `modify_sql_black_list`, `unbind_logic_db`,
/// `download_schema_metadata`, `upload_schema_metadata`).
enum SchemaExtrasController {
    static func register(_ t: inout RouteTable) {
        let schema = "/v3/{project_id}/instances/{instance_id}/databases/{logic_db_name}"
        t.add("GET", "\(schema)/sql-black-list", showBlacklist)
        t.add("PUT", "\(schema)/sql-black-list", modifyBlacklist)
        t.add("POST", "\(schema)/unbind", unbind)
        t.add("GET", "/v3/{project_id}/instances/{instance_id}/schema-metadata", download)
        t.add("POST", "/v3/{project_id}/instances/{instance_id}/schema-metadata", upload)
    }

    static let kinds = ["sql_black_list_prefix_check", "sql_black_list_full_check", "sql_black_list_regex_check"]
    /// "The size of SQL statements for prefix match, full-text match, and regular expression match
    /// cannot exceed 1 KB, respectively" (user guide, "Configuring the SQL Blacklist").
    static let maxBytes = 1024

    private static func blacklist(_ db: Database, instance: String, schema: String) throws -> [String: String] {
        let text = try String.fetchOne(db, sql: "SELECT sql_blacklist FROM schema WHERE instance_id = ? AND name = ?", arguments: [instance, schema]) ?? "{}"
        let stored = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] ?? [:]
        return Dictionary(uniqueKeysWithValues: kinds.map { ($0, stored[$0] ?? "") })
    }

    static func showBlacklist(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let s = try SchemasController.find(db, instance: instance.id, name: call.param("logic_db_name"))
        return Reply(body: try WireJSON.object(try blacklist(db, instance: instance.id, schema: s.name)))
    }

    private struct BlacklistWire: Decodable {
        var sql_black_list_prefix_check: String?
        var sql_black_list_full_check: String?
        var sql_black_list_regex_check: String?
    }

    /// Each kind given replaces that kind; one not given stays.
    static func modifyBlacklist(_ call: Call, _ db: Database) throws -> Reply {
        let request = try WireJSON.decode(BlacklistWire.self, call.body)
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let s = try SchemasController.find(db, instance: instance.id, name: call.param("logic_db_name"))
        var list = try blacklist(db, instance: instance.id, schema: s.name)
        for (kind, value) in zip(kinds, [request.sql_black_list_prefix_check, request.sql_black_list_full_check, request.sql_black_list_regex_check]) {
            guard let value else { continue }
            guard value.utf8.count <= maxBytes else { throw LocalError.parameter("\(kind) must not exceed 1 KB") }
            if kind == kinds[2] {
                for pattern in value.split(separator: ";") where (try? NSRegularExpression(pattern: String(pattern))) == nil {
                    throw LocalError.parameter("\(kind) holds an invalid regular expression: \(pattern)")
                }
            }
            list[kind] = value
        }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: list, options: [.sortedKeys]), as: UTF8.self)
        try db.execute(sql: "UPDATE schema SET sql_blacklist = ? WHERE instance_id = ? AND name = ?", arguments: [text, instance.id, s.name])
        return Reply(body: try WireJSON.object(list))
    }

    /// The schema leaves the instance (its metadata, and every account's schema list); the data
    /// on its data nodes stays (the emulator's reading of "unbind").
    static func unbind(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let s = try SchemasController.find(db, instance: instance.id, name: call.param("logic_db_name"))
        guard s.status == "RUNNING" else { throw LocalError.busy("The schema \(s.name) is \(s.status); it cannot be unbound now.") }
        try db.execute(sql: "DELETE FROM schema WHERE instance_id = ? AND name = ?", arguments: [instance.id, s.name])
        try AccountsController.detachSchema(db, instance: instance.id, schema: s.name)
        return Reply(body: try WireJSON.object([:]))
    }

    /// One schema as the packed metadata holds it.
    struct SchemaMetadataWire: Codable {
        var name: String, shard_mode: String, shard_number: Int, shard_unit: Int, used_rds: [String]
        var sql_blacklist: [String: String]?
    }

    /// DDM does not document how it packs `compressed_databases_info`; the emulator packs its
    /// schemas as base64 JSON, and takes back only what it packed.
    static func download(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM schema WHERE instance_id = ? ORDER BY name", arguments: [instance.id])
        let schemas = rows.map { r in
            SchemaMetadataWire(name: r["name"], shard_mode: r["shard_mode"], shard_number: r["shard_number"], shard_unit: r["shard_unit"],
                               used_rds: JSONColumn.decode(r["used_rds"]),
                               sql_blacklist: (try? JSONSerialization.jsonObject(with: Data((r["sql_blacklist"] as String).utf8))) as? [String: String])
        }
        let used = Set(schemas.flatMap(\.used_rds))
        let nodes: [[String: Any]] = Catalog.rds.filter { used.contains($0.id) }.map {
            ["instance_id": $0.id, "instance_name": $0.name, "access_host": $0.ip, "access_port": 3306, "engine": "MySQL", "engine_version": $0.version]
        }
        return Reply(body: try WireJSON.object(["compressed_databases_info": WireJSON.encode(schemas).base64(), "data_nodes": nodes]))
    }

    private struct UploadWire: Decodable {
        struct Node: Decodable { var dn_instance_id: String; var admin_user: String; var admin_password: String }
        var compressed_databases_info: String
        var dn_instance: [Node]?
    }

    /// Creates the file's schemas that the instance does not have; each data node they use needs
    /// its administrator, checked as a schema's creation checks it.
    static func upload(_ call: Call, _ db: Database) throws -> Reply {
        let request = try WireJSON.decode(UploadWire.self, call.body)
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        guard let packed = Data(base64Encoded: request.compressed_databases_info),
              let schemas = try? JSONDecoder().decode([SchemaMetadataWire].self, from: packed) else {
            throw LocalError.parameter("compressed_databases_info is not schema metadata exported by this service")
        }
        let admins = request.dn_instance ?? []
        for id in Set(schemas.flatMap(\.used_rds)).sorted() {
            guard let rds = Catalog.rds.first(where: { $0.id == id }) else {
                throw LocalError(status: 400, code: "DBS.300103", message: "The RDS instance does not exist or it is not in the same VPC as the schema.")
            }
            guard let admin = admins.first(where: { $0.dn_instance_id == id }), admin.admin_user == rds.adminUser, admin.admin_password == rds.adminPassword else {
                throw LocalError(status: 400, code: "DBS.300114", message: "The RDS administrator or password is incorrect.")
            }
        }
        let now = Int64(call.now * 1000)
        // What DDM does with a schema the instance still has, the sources do not say. The local
        // service takes one it has as it is (same shards on the same data nodes) as already there,
        // so the documented way back from an unbind (import an earlier export) works while the
        // other schemas stay; one whose layout differs is refused, before anything is created.
        var missing: [SchemaMetadataWire] = []
        for s in schemas {
            if let kept = try SchemasController.SchemaRow.fetchOne(db, sql: "SELECT * FROM schema WHERE instance_id = ? AND name = ?", arguments: [instance.id, s.name]) {
                guard kept.shardNumber == s.shard_number, kept.usedRds == s.used_rds else {
                    throw LocalError(status: 400, code: "DBS.300112", message: "The schema name \(s.name) already exists.")
                }
                continue
            }
            missing.append(s)
        }
        for s in missing {
            let blacklist = String(decoding: try JSONSerialization.data(withJSONObject: s.sql_blacklist ?? [:], options: [.sortedKeys]), as: UTF8.self)
            try db.execute(sql: """
                INSERT INTO schema (instance_id, name, shard_mode, shard_number, shard_unit, status, used_rds, created, updated, sql_blacklist)
                VALUES (?, ?, ?, ?, ?, 'RUNNING', ?, ?, ?, ?)
                """, arguments: [instance.id, s.name, s.shard_mode, s.shard_number, s.shard_unit, JSONColumn.encode(s.used_rds), now, now, blacklist])
        }
        let job = try db.recordJob(name: "LoadSchemaMetadata", instance: instance, now: call.now, delay: 0)
        return Reply(body: try WireJSON.object(["instance_id": instance.id, "instance_name": instance.name, "job_id": job]))
    }
}

extension Array where Element == UInt8 {
    func base64() -> String { Data(self).base64EncodedString() }
}
