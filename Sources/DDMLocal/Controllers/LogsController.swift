import Foundation
import GRDB

/// Logs and checks: the killed-session audit log, the slow-query analysis and the v2 slow log,
/// the read/write ratio, transaction logs ("TMLogs record XA transaction information to support
/// transaction recovery"; a move is to "Compress and move a TMLog file to a backup directory",
/// Huawei's API reference, "Querying TMLog Information" and "Moving a TMLog File"), and the weak-password check.
enum LogsController {
    static func register(_ t: inout RouteTable) {
        let p = "/v3/{project_id}/instances/{instance_id}"
        t.add("GET", "\(p)/processes-audit-log", auditLog)
        t.add("GET", "\(p)/slow-log-analysis", slowLogAnalysis)
        t.add("GET", "/v2/{project_id}/instances/{instance_id}/slowlog", replacedByV3: true, slowLogV2)
        t.add("GET", "/v2/{project_id}/instances/{instance_id}/read-write-ratio", readWriteRatio)
        t.add("GET", "\(p)/tmlogs", tmlogs)
        t.add("POST", "\(p)/tmlogs", moveTmlogs)
        t.add("POST", "/v3/{project_id}/weak-password-verification", weakPassword)
    }

    /// `start_time` and `end_time`: required, `yyyy-mm-ddThh:mm:ssZ` with the offset as `+0000`,
    /// at most 7 days apart (the SDK's `ShowProcessesAuditLogRequest`).
    static func auditLog(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        guard let from = call.query["start_time"].flatMap(WireTime.parse), let to = call.query["end_time"].flatMap(WireTime.parse) else {
            throw LocalError.parameter("start_time and end_time are required, as yyyy-mm-ddThh:mm:ss+0000")
        }
        guard from <= to else { throw LocalError.parameter("start_time must not be after end_time") }
        guard to - from <= 7 * 86_400 else {
            throw LocalError(status: 400, code: "DBS.280001", message: "The interval between start_time and end_time must be no more than 7 days.")
        }
        let rows: [[String: Any]] = try Row.fetchAll(db, sql: "SELECT * FROM process_audit WHERE instance_id = ? AND at >= ? AND at <= ? ORDER BY at DESC",
                                                     arguments: [instance.id, from, to]).map {
            ["instance_id": $0["instance_id"] as String, "instance_name": $0["instance_name"] as String, "process_id": $0["process_id"] as String,
             "execute_user_name": $0["user"] as String, "execute_time": WireTime.instance($0["at"])]
        }
        return Reply(body: try WireJSON.object(["process_audit_logs": page.slice(rows), "total_count": rows.count]))
    }

    private static func queries(_ db: Database, _ instance: InstanceRow, _ call: Call, in w: (Double, Double)) throws -> [[String: Any]] {
        let nodes = try CatalogController.nodeRows(db, instance.id).map { $0["node_id"] as String }
        return ObservabilityController.slowQueries(instance: instance, nodes: nodes, now: call.now).filter { w.0 <= $0.time && $0.time <= w.1 }.map(\.entry)
    }

    /// The slow queries of the window grouped by statement (the emulator's: DDM's templating is
    /// not documented), slowest total first unless `order` says `asc`.
    static func slowLogAnalysis(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let w = try call.window("start_date", "end_date", days: 7, required: true)!
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        var groups: [String: [[String: Any]]] = [:]
        for q in try queries(db, instance, call, in: w) { groups[q["query_sample"] as! String, default: []].append(q) }
        var rows: [[String: Any]] = groups.map { sql, all in
            let times = all.map { Double($0["time"] as! String)! / 1000 }, rows = all.map { Double($0["rows_examined"] as! String)! }
            return ["query_sample": sql, "database": all[0]["database"] as Any, "execute_times": Double(all.count),
                    "avg_time": times.reduce(0, +) / Double(times.count), "max_time": times.max()!, "cost_time_sum": times.reduce(0, +),
                    "avg_rows_examined": rows.reduce(0, +) / Double(rows.count), "max_rows_examined": rows.max()!, "rows_examined_sum": rows.reduce(0, +)]
        }
        let ascending = call.query["order"]?.lowercased() == "asc"
        rows.sort { a, b in
            let x = a["cost_time_sum"] as! Double, y = b["cost_time_sum"] as! Double
            return x == y ? (a["query_sample"] as! String) < (b["query_sample"] as! String) : ascending ? x < y : x > y
        }
        return Reply(body: try WireJSON.object(["slow_log_list": page.slice(rows), "total": rows.count]))
    }

    /// The older slow log (`list_slow_log`): pages from 1 (`curPage`, `perPage`), camelCase fields,
    /// `startDate`/`endDate` at most 7 days apart.
    static func slowLogV2(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let w = try call.window("startDate", "endDate", days: 7, required: false) ?? (call.now - 86_400, call.now)
        let current = try call.int("curPage", default: 1, range: 1...Int.max), per = try call.int("perPage", default: 10, range: 1...100)
        let all = try queries(db, instance, call, in: w).map { q -> [String: Any] in
            ["users": q["users"] as Any, "database": q["database"] as Any, "querySample": q["query_sample"] as Any, "logTime": q["log_time"] as Any,
             "time": q["time"] as Any, "shards": q["shards"] as Any, "rowsExamined": q["rows_examined"] as Any, "host": q["host"] as Any]
        }
        return Reply(body: try WireJSON.object(["totalRecord": all.count, "slowLogList": Page(offset: (current - 1) * per, limit: per).slice(all)]))
    }

    /// One row per schema: the emulator runs no SQL, so it counts none (0 reads, 0 writes).
    static func readWriteRatio(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        _ = try call.window("startDate", "endDate", days: 31, required: false)
        let current = try call.int("curPage", default: 0, range: 0...Int.max), per = try call.int("perPage", default: 10, range: 1...100)
        let all: [[String: Any]] = try String.fetchAll(db, sql: "SELECT name FROM schema WHERE instance_id = ? ORDER BY name", arguments: [instance.id]).map {
            ["schema": $0, "table": "", "readCount": "0", "writeCount": "0", "relationTables": "", "lastUpdated": WireTime.instance(call.now)]
        }
        return Reply(body: try WireJSON.object(["totalRecord": all.count, "readWriteRatioList": Page(offset: max(0, current - 1) * per, limit: per).slice(all)]))
    }

    /// Each node's TMLOG: a size that grows with the node's age until moved, and the compressed
    /// files of earlier moves.
    private static func tmlogRows(_ db: Database, _ instance: InstanceRow, now: Double) throws -> [Row] {
        for node in try CatalogController.nodeRows(db, instance.id) {
            try db.execute(sql: "INSERT OR IGNORE INTO tmlog (node_id, instance_id, size) VALUES (?, ?, ?)",
                           arguments: [node["node_id"] as String, instance.id, ((now - instance.created) / 3600 * 0.5 * 100).rounded() / 100])
        }
        return try Row.fetchAll(db, sql: "SELECT t.* FROM tmlog t JOIN node n ON n.node_id = t.node_id WHERE t.instance_id = ? ORDER BY n.position",
                                arguments: [instance.id])
    }

    static func tmlogs(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...128))
        let all: [[String: Any]] = try tmlogRows(db, instance, now: call.now).map {
            ["node_id": $0["node_id"] as String, "file_list": JSONColumn.decode($0["files"]) as [String], "tmlog_size": $0["size"] as Double]
        }
        return Reply(body: try WireJSON.object(["tmlogs": page.slice(all), "total": all.count]))
    }

    private struct MoveWire: Decodable { var node_ids: [String] }

    static func moveTmlogs(_ call: Call, _ db: Database) throws -> Reply {
        let ids = try WireJSON.decode(MoveWire.self, call.body).node_ids
        guard !ids.isEmpty else { throw LocalError.parameter("node_ids must not be empty") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let rows = try tmlogRows(db, instance, now: call.now)
        for id in ids where !rows.contains(where: { $0["node_id"] as String == id }) {
            throw LocalError(status: 404, code: "DBS.280001", message: "The node \(id) is not a node of the instance.")
        }
        for row in rows where ids.contains(row["node_id"] as String) {
            let earlier: [String] = JSONColumn.decode(row["files"])
            let files = earlier + [String(format: "tmlog_%04d.tar.gz", earlier.count + 1)]
            try db.execute(sql: "UPDATE tmlog SET size = 0, files = ? WHERE node_id = ?", arguments: [JSONColumn.encode(files), row["node_id"] as String])
        }
        let job = try db.recordJob(name: "MoveTmlogs", instance: instance, now: call.now, delay: 0)
        return Reply(body: try WireJSON.object(["job_id": job]))
    }

    private struct PasswordWire: Decodable { var password: String }

    /// Weak: in the emulator's dictionary (`Rules.weakPasswords`; DDM's is not published), which
    /// its account rules refuse too.
    static func weakPassword(_ call: Call, _ db: Database) throws -> Reply {
        let password = try WireJSON.decode(PasswordWire.self, call.body).password
        return Reply(body: try WireJSON.object(["is_weak_password": Rules.weakPasswords.contains(password.lowercased())]))
    }
}
