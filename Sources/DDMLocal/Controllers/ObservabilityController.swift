import Foundation
import GRDB

/// Slow queries (v3 `list_slow_logs`), sessions (`show_logical_processes`,
/// `show_physical_processes` and their kills) and the project's tasks (`list_tasks`). There is no
/// SQL engine behind the emulator: slow queries and sessions are a plausible generated set, the
/// same for an instance on every call (docs/local-service.md).
enum ObservabilityController {
    static func register(_ t: inout RouteTable) {
        let p = "/v3/{project_id}/instances/{instance_id}"
        t.add("GET", "\(p)/slow-logs", slowLogs)
        t.add("GET", "\(p)/logical-processes", logical)
        t.add("DELETE", "\(p)/logical-processes", { try kill($0, $1, kind: "logical") })
        t.add("GET", "\(p)/physical-processes", physical)
        t.add("DELETE", "\(p)/physical-processes", { try kill($0, $1, kind: "physical") })
        t.add("GET", "/v3/{project_id}/jobs", tasks)
    }

    // MARK: slow queries

    static let samples: [(user: String, db: String, sql: String, rows: Int)] = [
        ("app", "orders", "SELECT * FROM orders WHERE status = 'open' ORDER BY created DESC", 120_000),
        ("report", "billing", "SELECT customer_id, SUM(amount) FROM invoices GROUP BY customer_id", 2_400_000),
        ("app", "orders", "UPDATE orders SET status = 'late' WHERE due < NOW()", 8_000),
        ("etl", "stock", "DELETE FROM movements WHERE day < '2024-01-01'", 560_000),
        ("report", "orders", "SELECT o.id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id", 910_000),
    ]

    /// Thirty slow queries, five hours apart, counted back from the hour: the same on every
    /// call within an hour, so pages of one listing agree.
    static func slowQueries(instance: InstanceRow, nodes: [String], now: Double) -> [(time: Double, entry: [String: Any])] {
        let anchor = (now / 3600).rounded(.down) * 3600
        // Seeded by the name, so the same instance in another run shows the same queries.
        let seed = instance.name.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
        return (0..<30).map { k in
            let s = samples[(Int(seed % 5) + k) % samples.count]
            let at = anchor - Double(k) * 5 * 3600 - Double((seed >> 8) % 3000)
            let ms = 1000 + Int((seed >> UInt64(k % 40)) % 9000)
            return (at, [
                "users": s.user, "database": s.db, "query_sample": s.sql, "log_time": WireTime.slowLog(at), "time": String(ms),
                "shards": "\(s.db)_000\(k % 4)", "node_id": nodes.isEmpty ? "" : nodes[k % nodes.count],
                "rows_examined": String(s.rows / (k + 1)), "host": "192.168.0.\(20 + k % 8)",
            ])
        }
    }

    /// `start_date` and `end_date` are required epoch milliseconds at most 7 days apart; `limit`
    /// 1–100, default 10 (OTC "Monitoring Slow Query Logs (a V3 API)").
    static func slowLogs(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let (start, end) = try call.window("start_date", "end_date", days: 7, required: true)!
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...100))
        let nodes = try CatalogController.nodeRows(db, instance.id).map { $0["node_id"] as String }
        let all = slowQueries(instance: instance, nodes: nodes, now: call.now)
            .filter { start <= $0.time && $0.time <= end }.map(\.entry)
        return Reply(body: try WireJSON.object(["total_record": all.count, "slow_log_list": page.slice(all)]))
    }

    // MARK: processes

    private static func seed(_ db: Database, _ instance: InstanceRow) throws {
        guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM process_seeded WHERE instance_id = ?", arguments: [instance.id]) == 0 else { return }
        let rows: [(String, String, String, String, String, Int, String, String)] = [
            ("logical", "1001", "app", "orders", "Query", 12, "executing", "SELECT * FROM orders WHERE created > NOW() - INTERVAL 30 DAY"),
            ("logical", "1002", "app", "orders", "Sleep", 340, "", ""),
            ("logical", "1003", "report", "billing", "Query", 1875, "executing", "SELECT customer_id, SUM(amount) FROM invoices GROUP BY customer_id"),
            ("logical", "1004", "root", "", "Sleep", 5, "", ""),
            ("physical", "3101", "ddm_internal", "orders_0000", "Query", 12, "Sending data", "SELECT * FROM orders_0000 WHERE created > NOW() - INTERVAL 30 DAY"),
            ("physical", "3102", "ddm_internal", "invoices_0001", "Query", 1874, "Creating sort index", "SELECT customer_id, SUM(amount) FROM invoices_0001 GROUP BY customer_id"),
            ("physical", "3103", "ddm_internal", "orders_0001", "Sleep", 340, "", ""),
        ]
        for (i, r) in rows.enumerated() {
            try db.execute(sql: """
                INSERT INTO process (instance_id, kind, id, user, host, db, command, time, state, info, position)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [instance.id, r.0, r.1, r.2, "192.168.0.\(21 + i):5\(i)412", r.3, r.4, r.5, r.6, r.7, i])
        }
        try db.execute(sql: "INSERT INTO process_seeded (instance_id) VALUES (?)", arguments: [instance.id])
    }

    private static func processes(_ call: Call, _ db: Database, kind: String) throws -> (InstanceRow, Page, [Row]) {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        try seed(db, instance)
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 128, range: 1...128))
        var rows = try Row.fetchAll(db, sql: "SELECT * FROM process WHERE instance_id = ? AND kind = ? ORDER BY position",
                                    arguments: [instance.id, kind])
        if let keyword = call.query["keyword"], !keyword.isEmpty {
            rows = rows.filter { r in ["user", "host", "db", "info"].contains { (r[$0] as String).localizedCaseInsensitiveContains(keyword) } }
        }
        return (instance, page, rows)
    }

    static func logical(_ call: Call, _ db: Database) throws -> Reply {
        let (_, page, rows) = try processes(call, db, kind: "logical")
        let all: [[String: Any]] = rows.map {
            ["id": $0["id"] as String, "user": $0["user"] as String, "host": $0["host"] as String, "db": $0["db"] as String,
             "command": $0["command"] as String, "time": String($0["time"] as Int), "state": $0["state"] as String, "info": $0["info"] as String]
        }
        return Reply(body: try WireJSON.object(["logical_processes": page.slice(all), "total_count": all.count]))
    }

    static func physical(_ call: Call, _ db: Database) throws -> Reply {
        let (_, page, rows) = try processes(call, db, kind: "physical")
        let all: [[String: Any]] = rows.map {
            ["id": Int($0["id"] as String) ?? 0, "user": $0["user"] as String, "host": $0["host"] as String, "db": $0["db"] as String,
             "state": $0["state"] as String, "command": $0["command"] as String, "info": $0["info"] as String,
             "time": $0["time"] as Int, "trx_executed_time": $0["command"] as String == "Query" ? $0["time"] as Int : 0]
        }
        return Reply(body: try WireJSON.object(["physical_processes": page.slice(all), "total_count": all.count]))
    }

    private struct KillWire: Decodable { var process_ids: [String] }

    /// All or nothing: an id that is not a session of the instance refuses the whole request.
    static func kill(_ call: Call, _ db: Database, kind: String) throws -> Reply {
        let ids = try WireJSON.decode(KillWire.self, call.body).process_ids
        guard !ids.isEmpty else { throw LocalError.parameter("process_ids must not be empty") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        try seed(db, instance)
        for id in ids where try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM process WHERE instance_id = ? AND kind = ? AND id = ?",
                                             arguments: [instance.id, kind, id]) == 0 {
            throw LocalError(status: 404, code: "DBS.280001", message: "The \(kind) process \(id) does not exist.")
        }
        for id in ids {
            try db.execute(sql: "DELETE FROM process WHERE instance_id = ? AND kind = ? AND id = ?", arguments: [instance.id, kind, id])
            // The killed-session audit log (`show_processes_audit_log`); the emulator's caller is the administrator.
            try db.execute(sql: "INSERT INTO process_audit (instance_id, instance_name, process_id, user, at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [instance.id, instance.name, id, instance.adminUserName ?? "root", call.now])
        }
        return Reply(body: try WireJSON.object(["resp": "success"]))
    }

    // MARK: tasks

    /// The project's jobs created in `[start_time, end_time]` (epoch milliseconds), newest first.
    /// Both are required (the SDK's `ListTasksRequest` always sends them; OTC's API reference marks
    /// them mandatory), and the window reaches back 30 days at most.
    static func tasks(_ call: Call, _ db: Database) throws -> Reply {
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max), limit: try call.int("limit", default: 10, range: 1...100))
        func millis(_ name: String) throws -> Double {
            guard let text = call.query[name] else { throw LocalError.parameter("\(name) is required (epoch milliseconds)") }
            guard let value = Double(text), value >= 0 else { throw LocalError.parameter("\(name) must be epoch milliseconds, got '\(text)'") }
            return value
        }
        let from = try millis("start_time"), to = try millis("end_time")
        guard from <= to else { throw LocalError.parameter("start_time must not be after end_time") }
        guard call.now * 1000 - from <= 30 * 86_400_000 else { throw LocalError.parameter("start_time must be within the last 30 days") }
        let rows = try Row.fetchAll(db, sql: "SELECT * FROM job ORDER BY created DESC, id")
            .filter { ($0["created"] as Double) * 1000 >= from && ($0["created"] as Double) * 1000 <= to }
        var all: [(created: Double, item: [String: Any])] = rows.map { row in
            let j = CatalogController.jobState(row, now: call.now)
            return (row["created"], ["id": row["id"] as String, "name": row["name"] as String, "status": j.status, "created_time": j.created,
                    "end_time": j.ended, "process": j.process, "instance_name": row["instance_name"] as String,
                    "instance_id": row["instance_id"] as String])
        }
        // Shard configurations carry their state machine's status and the actions it allows.
        all += try ReshardController.taskItems(db, call: call, from: from / 1000, to: to / 1000)
        all.sort { $0.created > $1.created }
        return Reply(body: try WireJSON.object(["jobs": page.slice(all.map(\.item)), "offset": page.offset, "limit": page.limit, "total": all.count]))
    }
}
