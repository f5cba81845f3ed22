import Foundation
import GRDB

/// Shard configuration ("resharding") of a schema (OTC's API reference, "Schemas": pre-checking,
/// performing and querying shard configuration, and the actions on the task). A task's state
/// moves lazily, at the next request, like every job here: `Running` (the data is copied) →
/// `ToBeSwitched` → `Switching` (when its route-switch window comes, or by hand) → `Completed`,
/// when the schema takes its new shards and data nodes; the source data is then cleaned. It may
/// be canceled while running or waiting, rolled back while waiting or failed, and retried once
/// failed. The task list (`list_tasks`) gives its status and the actions it allows.
enum ReshardController {
    static func register(_ t: inout RouteTable) {
        let m = "/v3/{project_id}/instances/{instance_id}/databases/{db_name}/migration"
        t.add("GET", "\(m)/available-data-nodes", targets)
        t.add("POST", "\(m)/precheck", precheck)
        t.add("GET", "\(m)/precheck/{job_id}", precheckResult)
        t.add("POST", m, start)
        t.add("GET", "\(m)/jobs/{job_id}", detail)
        t.add("PUT", "\(m)/jobs/{job_id}/route-switch") { try act($0, $1, "toBeSwitched") }
        t.add("PUT", "\(m)/jobs/{job_id}/route-switch-strategy", changeWindow)
        t.add("PUT", "\(m)/jobs/{job_id}/clean") { try act($0, $1, "toBeCleaned") }
        t.add("PUT", "\(m)/jobs/{job_id}/retry") { try act($0, $1, "toBeRetried") }
        t.add("PUT", "\(m)/jobs/{job_id}/rollback") { try act($0, $1, "toBeRolled") }
        t.add("PUT", "\(m)/jobs/{job_id}/cancel") { try act($0, $1, "toBeCanceled") }
        t.add("GET", "/v3/{project_id}/instance/{instance_id}/task/{task_id}/run-logs", log)
    }

    // MARK: requests

    private struct RequestWire: Decodable {
        struct Node: Decodable { var id: String; var user: String; var password: String }
        var data_nodes: [Node]
        var new_shard_number: String
        var switch_route_begin_time: String?
        var switch_route_end_time: String?
        var is_exclusive: Bool?

        /// What a start must match in the pre-check before it: the same data nodes, shards and window.
        var key: String {
            "\(data_nodes.map(\.id).sorted().joined(separator: ",")) \(new_shard_number) \(switch_route_begin_time ?? "-") \(switch_route_end_time ?? "-")"
        }
    }

    private static func delay(_ call: Call) -> Double { call.settings.createDelay / 2 }

    /// The running instance and its running schema the path names.
    private static func target(_ call: Call, _ db: Database) throws -> (InstanceRow, SchemasController.SchemaRow) {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        try settle(db, now: call.now, delay: delay(call))
        let schema = try SchemasController.find(db, instance: instance.id, name: call.param("db_name"))
        return (instance, schema)
    }

    static func targets(_ call: Call, _ db: Database) throws -> Reply {
        let (_, schema) = try target(call, db)
        let free = Catalog.rds.filter { !schema.usedRds.contains($0.id) }
        let nodes: [[String: Any]] = free.map {
            ["id": $0.id, "status": "normal", "name": $0.name, "engine_name": "mysql", "engine_version": $0.version,
             "private_ip": $0.ip, "port": 3306, "time_zone": "UTC+08:00"]
        }
        return Reply(body: try WireJSON.object(["data_nodes": nodes, "offset": 0, "limit": nodes.count, "total": nodes.count]))
    }

    // MARK: pre-check

    /// Every rule the sources give that the local service can see; a failed item fails the
    /// pre-check, and a task can start only after one that passed for the same configuration.
    static func precheck(_ call: Call, _ db: Database) throws -> Reply {
        let (instance, schema) = try target(call, db)
        let r = try WireJSON.decode(RequestWire.self, call.body)
        guard let shards = Int(r.new_shard_number) else { throw LocalError.parameter("new_shard_number must be a number") }
        guard !r.data_nodes.isEmpty else { throw LocalError.parameter("data_nodes is required") }
        var items: [[String: Any]] = []
        func item(_ name: String, _ problem: String?, fix: String) {
            items.append(["name": name, "status": problem == nil ? "passed" : "failed", "note": problem ?? "",
                          "handling_suggestion": problem == nil ? "" : fix, "error_message": problem ?? "", "error_detail_message": problem ?? ""])
        }
        let after = schema.usedRds + r.data_nodes.map(\.id).filter { !schema.usedRds.contains($0) }
        // "The number of shards or data nodes after the configuration must be greater than that
        // before", "a maximum of 64 shards"; and every data node keeps at least one shard.
        var shardProblem: String?
        if shards > 64 { shardProblem = "at most 64 shards (asked \(shards))" }
        else if shards < after.count { shardProblem = "\(after.count) data nodes need at least \(after.count) shards (asked \(shards))" }
        else if shards <= schema.shardNumber && after.count <= schema.usedRds.count {
            shardProblem = "neither the shards (\(schema.shardNumber) → \(shards)) nor the data nodes (\(schema.usedRds.count) → \(after.count)) grow"
        }
        item("Shard count", shardProblem, fix: "Ask for more shards or more data nodes than the schema has.")
        var nodeProblem: String?
        for node in r.data_nodes {
            guard let rds = Catalog.rds.first(where: { $0.id == node.id }) else {
                nodeProblem = "data node \(node.id) does not exist (DBS.300103)"; break
            }
            guard node.user == rds.adminUser, node.password == rds.adminPassword else {
                nodeProblem = "The RDS instance administrator or password is incorrect: \(rds.name) (DBS.300357)"; break
            }
        }
        item("Data node connection", nodeProblem, fix: "Check the data nodes and their administrator account.")
        item("Route switch window", windowProblem(r.switch_route_begin_time, r.switch_route_end_time),
             fix: "Give both times as hh:mm:ss, at least 60 minutes apart, or neither to switch by hand.")
        let open = try unfinished(db, instance: instance.id, schema: schema.name)
        item("Source data cleaned", open.map { "There is a schema where source data is not cleared: task \($0) (DBS.300358)" },
             fix: "Clean (or finish) the last shard configuration of the schema first.")
        // The local service keeps no tables; DDM refuses tables without a primary key (DBS.300337).
        item("Primary keys", nil, fix: "")
        let passed = items.allSatisfy { $0["status"] as? String == "passed" }
        let id = WireID.job()
        try db.execute(sql: """
            INSERT INTO migration (job_id, instance_id, db_name, kind, status, since, switch_begin, switch_end, original_shards, new_shards,
                                   original_dn, after_dn, request, results, passed, created)
            VALUES (?, ?, ?, 'precheck', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, instance.id, schema.name, passed ? "Completed" : "Failed", call.now, r.switch_route_begin_time,
                             r.switch_route_end_time, schema.shardNumber, shards, JSONColumn.encode(schema.usedRds), JSONColumn.encode(after),
                             r.key, String(decoding: try WireJSON.object(["items": items]), as: UTF8.self), passed, call.now])
        return Reply(body: try WireJSON.object(["pre_check_results": items, "job_id": id]))
    }

    static func precheckResult(_ call: Call, _ db: Database) throws -> Reply {
        let (instance, schema) = try target(call, db)
        guard let row = try Row.fetchOne(db, sql: "SELECT results FROM migration WHERE job_id = ? AND kind = 'precheck' AND instance_id = ? AND db_name = ?",
                                         arguments: [call.param("job_id"), instance.id, schema.name]) else {
            throw LocalError(status: 404, code: "DBS.300350", message: "The required data is not found.")
        }
        let stored = try JSONSerialization.jsonObject(with: Data((row["results"] as String).utf8)) as? [String: Any]
        return Reply(body: try WireJSON.object(["pre_check_results": stored?["items"] ?? [], "job_id": call.param("job_id")]))
    }

    /// hh:mm:ss, both or neither, at least 60 minutes apart (it may span midnight).
    static func windowProblem(_ begin: String?, _ end: String?) -> String? {
        switch (begin, end) {
        case (nil, nil): return nil
        case (let b?, let e?):
            guard let from = seconds(b), let to = seconds(e) else { return "times are hh:mm:ss (\(b), \(e))" }
            let span = (to - from + 86_400) % 86_400
            return span >= 3600 ? nil : "the window \(b)–\(e) is shorter than 60 minutes"
        default: return "give both switch_route_begin_time and switch_route_end_time, or neither"
        }
    }

    static func seconds(_ hms: String) -> Int? {
        let p = hms.split(separator: ":").compactMap { Int($0) }
        guard p.count == 3, (0..<24).contains(p[0]), (0..<60).contains(p[1]), (0..<60).contains(p[2]) else { return nil }
        return p[0] * 3600 + p[1] * 60 + p[2]
    }

    /// A task of the schema that is moving data or routes now. The sources do not say what DDM
    /// answers to a schema dropped under one; the local service refuses it (docs/local-service.md),
    /// as it refuses a drop of a schema that is not RUNNING.
    static func moving(_ db: Database, instance: String, schema: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT job_id FROM migration WHERE kind = 'task' AND instance_id = ? AND db_name = ?
              AND status IN ('Running', 'ToBeSwitched', 'Switching', 'Rollbacking', 'Canceling')
            ORDER BY created DESC LIMIT 1
            """, arguments: [instance, schema])
    }

    /// A task of the schema that has not finished and been cleaned, if any.
    private static func unfinished(_ db: Database, instance: String, schema: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT job_id FROM migration WHERE kind = 'task' AND instance_id = ? AND db_name = ?
              AND status NOT IN ('RollbackSuccess', 'CancelSuccess') AND NOT (status = 'Completed' AND cleaned = 1)
            ORDER BY created DESC LIMIT 1
            """, arguments: [instance, schema])
    }

    // MARK: the task

    /// Starts the task the last pre-check of the schema passed for.
    static func start(_ call: Call, _ db: Database) throws -> Reply {
        let (instance, schema) = try target(call, db)
        let r = try WireJSON.decode(RequestWire.self, call.body)
        if let open = try unfinished(db, instance: instance.id, schema: schema.name) {
            throw LocalError(status: 400, code: "DBS.300358", message: "There is a schema where source data is not cleared (task \(open)).")
        }
        guard let last = try Row.fetchOne(db, sql: "SELECT * FROM migration WHERE kind = 'precheck' AND instance_id = ? AND db_name = ? ORDER BY created DESC LIMIT 1",
                                          arguments: [instance.id, schema.name]),
              last["passed"] as Bool, last["request"] as String == r.key else {
            throw LocalError(status: 400, code: "DBS.300363", message: "Pre-check failed: pre-check this shard configuration of \(schema.name) first.")
        }
        let id = WireID.job()
        try db.execute(sql: """
            INSERT INTO migration (job_id, instance_id, db_name, kind, status, since, switch_begin, switch_end, original_shards, new_shards,
                                   original_dn, after_dn, request, results, passed, created)
            VALUES (?, ?, ?, 'task', 'Running', ?, ?, ?, ?, ?, ?, ?, ?, '{}', 1, ?)
            """, arguments: [id, instance.id, schema.name, call.now, r.switch_route_begin_time, r.switch_route_end_time,
                             last["original_shards"] as Int, last["new_shards"] as Int, last["original_dn"] as String,
                             last["after_dn"] as String, r.key, call.now])
        try note(db, id, now: call.now, "shard configuration of \(schema.name) started: \(last["original_shards"] as Int) → \(last["new_shards"] as Int) shards")
        return Reply(body: try WireJSON.object(["job_id": id]))
    }

    private static func task(_ call: Call, _ db: Database) throws -> Row {
        let (instance, schema) = try target(call, db)
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM migration WHERE job_id = ? AND kind = 'task' AND instance_id = ? AND db_name = ?",
                                         arguments: [call.param("job_id"), instance.id, schema.name]) else {
            throw LocalError(status: 404, code: "DBS.300350", message: "The required data is not found.")
        }
        return row
    }

    /// `MigrateResultsResponse`.
    static func detail(_ call: Call, _ db: Database) throws -> Reply {
        let row = try task(call, db)
        let instance = try InstanceRow.find(db, row["instance_id"])
        func nodes(_ column: String) -> [[String: Any]] {
            (JSONColumn.decode(row[column] as String) as [String]).map { id in
                ["dn_instance_id": id, "dn_instance_name": Catalog.rds.first { $0.id == id }?.name ?? id]
            }
        }
        let begin: String? = row["switch_begin"]
        return Reply(body: try WireJSON.object([
            "instance_name": instance.name, "original_shard_num": row["original_shards"] as Int, "after_shard_num": row["new_shards"] as Int,
            "original_dn_info_list": nodes("original_dn"), "after_dn_info_list": nodes("after_dn"), "switch_route_is_manual": begin == nil,
            "auto_switch_begin_time": begin as Any, "auto_switch_end_time": (row["switch_end"] as String?) as Any,
            "node_id_for_migrate": NSNull(), "is_exclusive": false,
        ]))
    }

    /// What a task in `status` allows (`JobItem.operations`).
    static func operations(_ status: String, cleaned: Bool) -> [String] {
        switch status {
        case "Running": ["toBeCanceled"]
        case "ToBeSwitched": ["toBeSwitched", "modifySwitchingStrategy", "toBeCanceled", "toBeRolled"]
        case "Failed": ["toBeRetried", "toBeRolled"]
        case "Completed": cleaned ? [] : ["toBeCleaned"]
        default: []
        }
    }

    /// An action the task's state allows; others are refused, naming the ones it allows.
    static func act(_ call: Call, _ db: Database, _ operation: String) throws -> Reply {
        let row = try task(call, db)
        let id: String = row["job_id"], status: String = row["status"], cleaned: Bool = row["cleaned"]
        let allowed = operations(status, cleaned: cleaned)
        guard allowed.contains(operation) else {
            let code = ["toBeCleaned": "DBS.300121", "toBeRolled": "DBS.300122", "toBeRetried": "DBS.300123"][operation] ?? "DBS.280001"
            throw LocalError(status: 400, code: code, message: "The task is \(status); it allows \(allowed.isEmpty ? "nothing more" : allowed.joined(separator: ", ")).")
        }
        switch operation {
        case "toBeSwitched": try transition(db, id, "Switching", now: call.now)
        case "toBeCanceled": try transition(db, id, "Canceling", now: call.now)
        case "toBeRolled": try transition(db, id, "Rollbacking", now: call.now)
        case "toBeRetried": try transition(db, id, "Running", now: call.now)
        default:
            try db.execute(sql: "UPDATE migration SET cleaned = 1 WHERE job_id = ?", arguments: [id])
            try note(db, id, now: call.now, "source data cleaned")
            let instance = try InstanceRow.find(db, row["instance_id"])
            try BackupsController.record(db, instance: instance, "metadata backup after the shard configuration of \(row["db_name"] as String) was cleaned", now: call.now)
            let job = try db.recordJob(name: "CleanMigration", instance: instance, now: call.now, delay: 0)
            return Reply(body: try WireJSON.object(["job_id": job]))
        }
        try settle(db, now: call.now, delay: delay(call))
        // A switch answers nothing (`SwitchRouteResponse`); the others the task's job.
        return Reply(body: try WireJSON.object(operation == "toBeSwitched" ? [:] : ["job_id": id]))
    }

    private struct WindowWire: Decodable { var switch_route_begin_time: String; var switch_route_end_time: String }

    /// `change_strategy`: a waiting task's route-switch window, which then decides when it switches.
    static func changeWindow(_ call: Call, _ db: Database) throws -> Reply {
        let row = try task(call, db)
        let status: String = row["status"]
        guard operations(status, cleaned: row["cleaned"]).contains("modifySwitchingStrategy") else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The task is \(status); its route-switch window cannot change.")
        }
        let w = try WireJSON.decode(WindowWire.self, call.body)
        if let problem = windowProblem(w.switch_route_begin_time, w.switch_route_end_time) { throw LocalError.parameter(problem) }
        try db.execute(sql: "UPDATE migration SET switch_begin = ?, switch_end = ? WHERE job_id = ?",
                       arguments: [w.switch_route_begin_time, w.switch_route_end_time, row["job_id"] as String])
        try note(db, row["job_id"], now: call.now, "route switch window set to \(w.switch_route_begin_time)–\(w.switch_route_end_time)")
        try settle(db, now: call.now, delay: delay(call))
        return Reply(body: Array("{}".utf8))
    }

    static func log(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        try settle(db, now: call.now, delay: delay(call))
        guard let text = try String.fetchOne(db, sql: "SELECT log FROM migration WHERE job_id = ? AND instance_id = ?",
                                             arguments: [call.param("task_id"), instance.id]) else {
            throw LocalError(status: 404, code: "DBS.300350", message: "The required data is not found.")
        }
        let lines = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...100))
        let logs = lines.map { l -> [String: Any] in
            l.merging(["task_id": call.param("task_id"), "ddm_instance_id": instance.id]) { a, _ in a }
        }
        return Reply(body: try WireJSON.object(["task_logs": page.slice(logs), "cur_page": page.pageNo, "per_page": page.limit, "total": logs.count]))
    }

    // MARK: the state machine

    /// Moves the tasks on as time says, before a read of a schema shows its layout: a task does
    /// not wait for a read of the task list to end.
    static func settle(_ call: Call, _ db: Database) throws {
        try settle(db, now: call.now, delay: delay(call))
    }

    /// Moves every task whose time has come: copied data waits for its switch, a switch in its
    /// window starts, a switch, rollback or cancel ends. A configured failure (`failReshards`)
    /// fails the copy instead.
    static func settle(_ db: Database, now: Double, delay: Double) throws {
        for _ in 0..<4 {
            var moved = false
            for row in try Row.fetchAll(db, sql: "SELECT * FROM migration WHERE kind = 'task' AND status IN ('Running', 'ToBeSwitched', 'Switching', 'Rollbacking', 'Canceling')") {
                let id: String = row["job_id"], status: String = row["status"], since: Double = row["since"]
                let due = now >= since + delay
                switch status {
                case "Running" where due:
                    if try takeFailure(db) {
                        try transition(db, id, "Failed", now: now, failure: "Data migration error. (DBS.300331)")
                    } else {
                        try transition(db, id, "ToBeSwitched", now: now)
                    }
                case "ToBeSwitched":
                    if let b: String = row["switch_begin"], let e: String = row["switch_end"], inWindow(now, b, e) {
                        try transition(db, id, "Switching", now: now)
                    } else { continue }
                case "Switching" where due:
                    // The shards spread evenly over the data nodes after, as a new schema's are:
                    // the shards per node (shard_unit) follow the new layout, not the old one.
                    let shards: Int = row["new_shards"], nodes = max(1, (JSONColumn.decode(row["after_dn"] as String) as [String]).count)
                    try db.execute(sql: "UPDATE schema SET shard_number = ?, shard_unit = ?, used_rds = ?, updated = ? WHERE instance_id = ? AND name = ?",
                                   arguments: [shards, (shards + nodes - 1) / nodes, row["after_dn"] as String, Int64(now * 1000),
                                               row["instance_id"] as String, row["db_name"] as String])
                    try transition(db, id, "Completed", now: now)
                case "Rollbacking" where due: try transition(db, id, "RollbackSuccess", now: now)
                case "Canceling" where due: try transition(db, id, "CancelSuccess", now: now)
                default: continue
                }
                moved = true
            }
            if !moved { return }
        }
    }

    static func inWindow(_ now: Double, _ begin: String, _ end: String) -> Bool {
        guard let b = seconds(begin), let e = seconds(end) else { return false }
        let t = Int(now.truncatingRemainder(dividingBy: 86_400))
        return b < e ? (b <= t && t < e) : (t >= b || t < e)
    }

    private static func takeFailure(_ db: Database) throws -> Bool {
        guard let left = try Int.fetchOne(db, sql: "SELECT value FROM knob WHERE name = 'fail_reshards'"), left > 0 else { return false }
        try db.execute(sql: "UPDATE knob SET value = value - 1 WHERE name = 'fail_reshards'")
        return true
    }

    private static let final: Set<String> = ["Completed", "RollbackSuccess", "CancelSuccess"]

    private static func transition(_ db: Database, _ id: String, _ status: String, now: Double, failure: String? = nil) throws {
        try db.execute(sql: "UPDATE migration SET status = ?, since = ?, fail_reason = ?, ended = ? WHERE job_id = ?",
                       arguments: [status, now, failure, final.contains(status) ? now : nil, id])
        try note(db, id, now: now, failure.map { "failed: \($0)" } ?? "now \(status)", level: failure == nil ? "INFO" : "ERROR")
    }

    private static func note(_ db: Database, _ id: String, now: Double, _ message: String, level: String = "INFO") throws {
        let text = try String.fetchOne(db, sql: "SELECT log FROM migration WHERE job_id = ?", arguments: [id]) ?? "[]"
        var lines = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]]) ?? []
        lines.append(["level": level, "created_time": (now * 1000).rounded(), "message": message])
        try db.execute(sql: "UPDATE migration SET log = ? WHERE job_id = ?",
                       arguments: [String(decoding: try JSONSerialization.data(withJSONObject: lines), as: UTF8.self), id])
    }

    /// The tasks as the task list gives them (`JobItem`), created between `from` and `to` (seconds).
    static func taskItems(_ db: Database, call: Call, from: Double, to: Double) throws -> [(created: Double, item: [String: Any])] {
        try settle(db, now: call.now, delay: delay(call))
        let progress = ["Running": "40%", "ToBeSwitched": "80%", "Switching": "90%", "Completed": "100%"]
        return try Row.fetchAll(db, sql: "SELECT m.*, i.name AS instance_name FROM migration m JOIN instance i ON i.id = m.instance_id WHERE m.kind = 'task' AND m.created BETWEEN ? AND ?",
                                arguments: [from, to]).map { row in
            let status: String = row["status"], created: Double = row["created"], ended: Double? = row["ended"]
            return (created, ["id": row["job_id"] as String, "name": "ShardConfiguration", "status": status,
                              "created_time": WireTime.job(created), "end_time": ended.map(WireTime.job) ?? "",
                              "process": progress[status] ?? "", "instance_name": row["instance_name"] as String,
                              "instance_id": row["instance_id"] as String, "operations": operations(status, cleaned: row["cleaned"]),
                              "database_name": row["db_name"] as String, "fail_reason": (row["fail_reason"] as String?) as Any])
        }
    }
}
