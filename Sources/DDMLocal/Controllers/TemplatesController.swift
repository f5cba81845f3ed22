import Foundation
import GRDB

/// Parameter templates (v3 `configurations`): list, show, create, copy, modify, compare, delete,
/// the instances one can be applied to, and its apply history. The built-in templates refuse
/// change; names are unique; values are checked as an instance's are (`ParametersController`).
/// DDM's API (SDK 3.1.219) has no call that applies a template, so nothing here adds to an apply
/// history: the demo state holds one record, as if a template had been applied from the console.
enum TemplatesController {
    static func register(_ t: inout RouteTable) {
        let c = "/v3/{project_id}/configurations"
        t.add("GET", c, list)
        t.add("POST", c, create)
        t.add("PUT", "\(c)/diff", compare)
        t.add("GET", "\(c)/{config_id}", show)
        t.add("PUT", "\(c)/{config_id}", modify)
        t.add("DELETE", "\(c)/{config_id}", delete)
        t.add("POST", "\(c)/{config_id}/copy", copy)
        t.add("GET", "\(c)/{config_id}/query-instances", applicable)
        t.add("GET", "\(c)/{config_id}/apply-histories", histories)
    }

    struct TemplateRow {
        var id: String, name: String, description: String, userDefined: Bool, values: [String: String], created: Double, updated: Double
        init(row: Row) {
            id = row["id"]; name = row["name"]; description = row["description"]; userDefined = row["user_defined"]
            values = JSONColumn.decodeMap(row["parameter_values"]); created = row["created"]; updated = row["updated"]
        }
        /// Every parameter's value under the template: its own, else the default.
        var effective: [(Catalog.ParameterSpec, String)] { Catalog.parameters.map { ($0, values[$0.name] ?? $0.value) } }
    }

    static func find(_ db: Database, _ id: String) throws -> TemplateRow {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM parameter_template WHERE id = ?", arguments: [id]) else {
            throw LocalError(status: 404, code: "DBS.280001", message: "The parameter template \(id) does not exist.")
        }
        return TemplateRow(row: row)
    }

    private static func all(_ db: Database) throws -> [TemplateRow] {
        try Row.fetchAll(db, sql: "SELECT * FROM parameter_template ORDER BY created, name").map(TemplateRow.init)
    }

    static func list(_ call: Call, _ db: Database) throws -> Reply {
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 128, range: 1...128))
        let rows: [[String: Any]] = try all(db).map {
            ["id": $0.id, "name": $0.name, "description": $0.description, "datastore_name": "DDM", "created": WireTime.instance($0.created),
             "updated": WireTime.instance($0.updated), "user_defined": $0.userDefined]
        }
        return Reply(body: try WireJSON.object(["configurations": page.slice(rows), "total": rows.count, "offset": page.offset, "limit": page.limit]))
    }

    static func show(_ call: Call, _ db: Database) throws -> Reply {
        let t = try find(db, call.param("config_id"))
        return Reply(body: try WireJSON.object([
            "id": t.id, "name": t.name, "datastore_name": "DDM", "description": t.description,
            "created": WireTime.instance(t.created), "updated": WireTime.instance(t.updated),
            "configuration_parameters": t.effective.map { p, value in
                ["name": p.name, "value": value, "restart_required": p.restart, "readonly": false,
                 "value_range": p.range, "type": p.type, "description": p.description] as [String: Any]
            },
        ]))
    }

    // MARK: checks (the SDK's `ConfigurationUpdateReqV3` and `CreateConfigurationRequest`)

    /// "1-64 characters: a-z, A-Z, 0-9, '.', '_' and '-'".
    static func checkName(_ db: Database, _ name: String, except: String? = nil) throws {
        guard (1...64).contains(name.utf8.count), name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw LocalError.parameter("name must be 1 to 64 letters, digits, '.', '_' or '-'")
        }
        if let other = try String.fetchOne(db, sql: "SELECT id FROM parameter_template WHERE name = ?", arguments: [name]), other != except {
            throw LocalError(status: 400, code: "DBS.280001", message: "A parameter template named \(name) exists.")
        }
    }

    /// "0-256 characters, none of ! < > = & \" '".
    static func checkDescription(_ text: String?) throws {
        guard let text else { return }
        guard text.count <= 256, !text.contains(where: { "!<>=&\"'".contains($0) }) else {
            throw LocalError.parameter("description must be at most 256 characters, none of ! < > = & \" '")
        }
    }

    static func checkValues(_ values: [String: String]) throws {
        for (name, value) in values {
            guard let spec = Catalog.parameters.first(where: { $0.name == name }) else { throw LocalError.parameter("\(name) is not a parameter") }
            if let problem = ParametersController.problem(value, spec) { throw LocalError.parameter("\(name): \(problem)") }
        }
    }

    private static func builtIn(_ t: TemplateRow) throws {
        guard t.userDefined else { throw LocalError(status: 400, code: "DBS.280001", message: "The default parameter template \(t.name) cannot be changed or deleted.") }
    }

    // MARK: changes

    private struct CreateWire: Decodable { var name: String; var description: String?; var values: [String: String]? }

    static func create(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(CreateWire.self, call.body)
        try checkName(db, body.name)
        try checkDescription(body.description)
        try checkValues(body.values ?? [:])
        let id = WireID.hex32() + "pr09"
        try db.execute(sql: "INSERT INTO parameter_template VALUES (?, ?, ?, 1, ?, ?, ?)",
                       arguments: [id, body.name, body.description ?? "", JSONColumn.encode(body.values ?? [:]), call.now, call.now])
        return Reply(body: try WireJSON.object(["id": id, "name": body.name]))
    }

    private struct CopyWire: Decodable { var new_name: String; var description: String? }

    static func copy(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(CopyWire.self, call.body)
        let source = try find(db, call.param("config_id"))
        try checkName(db, body.new_name)
        try checkDescription(body.description)
        try db.execute(sql: "INSERT INTO parameter_template VALUES (?, ?, ?, 1, ?, ?, ?)",
                       arguments: [WireID.hex32() + "pr09", body.new_name, body.description ?? source.description, JSONColumn.encode(source.values), call.now, call.now])
        return Reply(body: try WireJSON.object([:]))
    }

    private struct ModifyWire: Decodable { var name: String?; var description: String?; var values: [String: String]? }

    /// Values named are set (an empty value is refused: "key not empty: value not empty"); the
    /// others stay.
    static func modify(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(ModifyWire.self, call.body)
        let t = try find(db, call.param("config_id"))
        try builtIn(t)
        if let name = body.name { try checkName(db, name, except: t.id) }
        try checkDescription(body.description)
        let values = body.values ?? [:]
        if let empty = values.first(where: { $0.value.isEmpty }) { throw LocalError.parameter("\(empty.key) has no value") }
        try checkValues(values)
        let merged = t.values.merging(values) { $1 }
        try db.execute(sql: "UPDATE parameter_template SET name = ?, description = ?, parameter_values = ?, updated = ? WHERE id = ?",
                       arguments: [body.name ?? t.name, body.description ?? t.description, JSONColumn.encode(merged), call.now, t.id])
        let restart = values.keys.contains { k in Catalog.parameters.first { $0.name == k }?.restart == true }
        return Reply(body: try WireJSON.object(["need_restart": restart]))
    }

    static func delete(_ call: Call, _ db: Database) throws -> Reply {
        let t = try find(db, call.param("config_id"))
        try builtIn(t)
        try db.execute(sql: "DELETE FROM parameter_template WHERE id = ?", arguments: [t.id])
        try db.execute(sql: "DELETE FROM template_apply WHERE config_id = ?", arguments: [t.id])
        return Reply(body: try WireJSON.object([:]))
    }

    // MARK: reads

    private struct DiffWire: Decodable { var source_id: String; var target_id: String }

    static func compare(_ call: Call, _ db: Database) throws -> Reply {
        let body = try WireJSON.decode(DiffWire.self, call.body)
        let a = try find(db, body.source_id), b = try find(db, body.target_id)
        let bv = Dictionary(uniqueKeysWithValues: b.effective.map { ($0.0.name, $0.1) })
        let diff: [[String: Any]] = a.effective.compactMap { p, v in
            bv[p.name] == v ? nil : ["name": p.name, "source_value": v, "target_value": bv[p.name] ?? ""]
        }
        return Reply(body: try WireJSON.object(["source_id": a.id, "source_name": a.name, "target_id": b.id, "target_name": b.name, "parameters": diff]))
    }

    /// Every RUNNING instance of the project: the emulator has one engine, so every template fits.
    static func applicable(_ call: Call, _ db: Database) throws -> Reply {
        _ = try find(db, call.param("config_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        let rows: [[String: Any]] = try InstanceRow.fetchAll(db, sql: "SELECT * FROM instance WHERE status = 'RUNNING' ORDER BY created").map {
            ["instance_id": $0.id, "instance_name": $0.name]
        }
        return Reply(body: try WireJSON.object(["entities": page.slice(rows), "total": rows.count]))
    }

    static func histories(_ call: Call, _ db: Database) throws -> Reply {
        let t = try find(db, call.param("config_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        let rows: [[String: Any]] = try Row.fetchAll(db, sql: "SELECT * FROM template_apply WHERE config_id = ? ORDER BY applied_at DESC", arguments: [t.id]).map {
            ["target_id": $0["instance_id"] as String, "target_name": $0["instance_name"] as String, "apply_result": $0["result"] as String,
             "applied_at": WireTime.instance($0["applied_at"]), "error_message": $0["error"] as String]
        }
        return Reply(body: try WireJSON.object(["histories": page.slice(rows), "total": rows.count]))
    }

    /// The demo state's one apply record.
    static func seedHistory(_ db: Database, instance: String, name: String, now: Double) throws {
        guard let t = Catalog.templates.first(where: { $0.userDefined }) else { return }
        try db.execute(sql: "INSERT INTO template_apply (config_id, instance_id, instance_name, result, applied_at) VALUES (?, ?, ?, 'SUCCESS', ?)",
                       arguments: [t.id, instance, name, now])
    }
}
