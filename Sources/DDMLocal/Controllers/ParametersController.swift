import Foundation
import GRDB

/// Instance parameters (v3 `show_instance_param`, v3 `update_instance_param`, v3.1
/// `modify_configuration`); the templates are `TemplatesController`'s. One instance's values are
/// its overrides over `Catalog.parameters`.
enum ParametersController {
    static func register(_ t: inout RouteTable) {
        t.add("GET", "/v3/{project_id}/instances/{instance_id}/configurations", show)
        t.add("PUT", "/v3/{project_id}/instances/{instance_id}/configurations", updateV3)
        t.add("PUT", "/v3.1/{project_id}/instances/{instance_id}/configurations", modifyV31)
    }

    static func show(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...128))
        let all: [[String: Any]] = Catalog.parameters.map { p in
            ["name": p.name, "value": instance.parameters[p.name] ?? p.value, "need_restart": p.restart ? "1" : "0",
             "read_only": "0", "value_range": p.range, "data_type": p.type, "description": p.description]
        }
        return Reply(body: try WireJSON.object([
            "id": instance.id + "-params", "name": "\(instance.name)-parameters", "description": "", "updated": WireTime.instance(instance.updated),
            "configuration_parameter": page.slice(all), "offset": page.offset, "limit": page.limit, "total": all.count,
        ]))
    }

    private struct ValuesWire: Decodable { var values: [String: String]; var name: String?; var description: String? }

    /// Checks and applies; returns whether any changed parameter needs a restart.
    private static func apply(_ values: [String: String], _ call: Call, _ db: Database) throws -> (InstanceRow, Bool, String) {
        guard !values.isEmpty else { throw LocalError.parameter("values must name at least one parameter") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        var restart = false
        var merged = instance.parameters
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let spec = Catalog.parameters.first(where: { $0.name == name }) else {
                throw LocalError(status: 400, code: "DBS.280001", message: "The parameter \(name) does not exist.")
            }
            if let problem = problem(value, spec) {
                throw LocalError(status: 400, code: "DBS.280001", message: "Invalid value '\(value)' for \(name): \(problem).")
            }
            if (merged[name] ?? spec.value) != value { restart = restart || spec.restart }
            merged[name] = value == spec.value ? nil : value
        }
        try db.execute(sql: "UPDATE instance SET parameters = ?, updated = ? WHERE id = ?",
                       arguments: [JSONColumn.encode(merged), call.now, instance.id])
        let delay = call.settings.createDelay / 2
        try instance.transition(db, to: "SET_CONFIGURATION", now: call.now, delay: delay)
        let job = try db.recordJob(name: "ModifyParameters", instance: instance, now: call.now, delay: delay)
        return (instance, restart, job)
    }

    static func problem(_ value: String, _ spec: Catalog.ParameterSpec) -> String? {
        let parts = spec.range.split(separator: "-").compactMap { Double($0) }
        if spec.type == "integer" || spec.type == "float", parts.count == 2 {
            guard let n = Double(value), spec.type == "float" || Int(value) != nil else { return "must be a number from \(spec.range)" }
            return (parts[0]...parts[1]).contains(n) ? nil : "must be from \(parts[0] == parts[0].rounded() ? String(Int(parts[0])) : String(parts[0])) to \(parts[1] == parts[1].rounded() ? String(Int(parts[1])) : String(parts[1]))"
        }
        if spec.range.contains(",") {
            return spec.range.split(separator: ",").contains { String($0) == value } ? nil : "must be one of \(spec.range)"
        }
        return nil
    }

    /// v3: `values` names only the SDK's fields; answers in camel case.
    static func updateV3(_ call: Call, _ db: Database) throws -> Reply {
        let values = try WireJSON.decode(ValuesWire.self, call.body).values
        let (instance, restart, job) = try apply(values, call, db)
        return Reply(body: try WireJSON.object(["needRestart": restart, "jobId": job, "configId": instance.id + "-params",
                                                    "configName": "\(instance.name)-parameters"]))
    }

    /// v3.1: answers `need_restart` only.
    static func modifyV31(_ call: Call, _ db: Database) throws -> Reply {
        let values = try WireJSON.decode(ValuesWire.self, call.body).values
        let (_, restart, _) = try apply(values, call, db)
        return Reply(body: try WireJSON.object(["need_restart": restart]))
    }
}
