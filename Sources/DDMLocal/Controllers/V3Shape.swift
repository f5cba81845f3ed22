import Foundation
import GRDB

/// The v3 calls' shapes (SDK `huaweicloudsdkddm` 3.1.219: paths from `ddm_client.py`, bodies
/// from `v1/model/`). Each v3 call, registered next to its v1/v2 twin in the family's controller,
/// runs the same handler on the same state: the request is put into the older shape, the older
/// answer into the v3 shape. So both versions validate alike and a change made through one is
/// seen through the other.
enum V3Shape {
    /// The older handler run on a v3 request: path parameters renamed, body and query put in the
    /// older shape, its answer put in the v3 shape.
    static func adapt(_ older: @escaping Handler, params: [String: String] = [:],
                              body: (@Sendable ([String: Any]) throws -> [String: Any])? = nil,
                              query: (@Sendable ([String: String]) throws -> [String: String])? = nil,
                              reply: @escaping @Sendable ([String: Any], Call) throws -> [String: Any]) -> Handler {
        { call, db in
            var c = call
            for (from, to) in params { c.params[to] = c.params.removeValue(forKey: from) }
            if let body {
                let object = call.body.isEmpty ? [:] : try json(call.body)
                c.body = try WireJSON.object(try body(object))
            }
            if let query { c.query = try query(c.query) }
            let answer = try older(c, db)
            guard (200..<300).contains(answer.status) else { return answer }
            return Reply(status: answer.status, headers: answer.headers, body: try WireJSON.object(try reply(try json(answer.body), c)))
        }
    }

    static func adapt(_ older: @escaping Handler, params: [String: String] = [:],
                              body: (@Sendable ([String: Any]) throws -> [String: Any])? = nil,
                              query: (@Sendable ([String: String]) throws -> [String: String])? = nil,
                              reply: @escaping @Sendable ([String: Any]) throws -> [String: Any]) -> Handler {
        adapt(older, params: params, body: body, query: query, reply: { answer, _ in try reply(answer) })
    }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            throw LocalError.parameter("the request body is not a JSON object")
        }
        return object
    }

    static func empty(_: [String: Any]) -> [String: Any] { [:] }

    /// `update_ddm_instance_name`: the v1 rename's rules and change, answered with a job
    /// (`UpdateDdmInstanceNameResponse.job_id`).
    static func renameInstance(_ call: Call, _ db: Database) throws -> Reply {
        _ = try InstancesController.rename(call, db)
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let job = try db.recordJob(name: "ModifyInstanceName", instance: instance, now: call.now, delay: 0)
        return Reply(body: try WireJSON.object(["job_id": job]))
    }

    /// `delete_dn_data` is v3's name for `delete_rds_data`.
    static func deleteData(_ q: [String: String]) -> [String: String] {
        var q = q
        if let value = q.removeValue(forKey: "delete_dn_data") { q["delete_rds_data"] = value }
        return q
    }

    // MARK: instances

    /// v3 names the engine by version and the flavor by spec code.
    static func createInstance(_ b: [String: Any]) throws -> [String: Any] {
        var d = b
        if let version = d.removeValue(forKey: "engine_version") {
            guard let engine = Catalog.engines.first(where: { $0.version == version as? String }) else {
                throw LocalError.parameter("engine_version \(version) does not exist")
            }
            d["engine_id"] = engine.id
        }
        if let code = d.removeValue(forKey: "flavor_ref") {
            guard let flavor = Catalog.flavors.first(where: { $0.code == code as? String }) else {
                throw LocalError.parameter("flavor_ref \(code) does not exist")
            }
            d["flavor_id"] = flavor.id
        }
        if let charge = d.removeValue(forKey: "charge_info") as? [String: Any],
           let mode = charge["charge_mode"] as? String, mode != "postPaid" {
            throw LocalError.parameter("charge_info.charge_mode \(mode) is not offered by the local service (postPaid only)")
        }
        return ["instance": d]
    }

    /// `CustomerInstanceVO` has no `created`; the page says `total`.
    static func listInstances(_ a: [String: Any]) -> [String: Any] {
        let instances = (a["instances"] as? [[String: Any]] ?? []).map { i in
            i.filter { $0.key != "created" && $0.key != "nodes" }
        }
        return ["instances": instances, "instance_num": a["instance_num"] as Any, "page_no": a["page_no"] as Any,
                "page_size": a["page_size"] as Any, "total": a["total_record"] as Any, "total_page": a["total_page"] as Any]
    }

    /// `InstanceDetail`: nodes by group, engine as `datastore_version`, SSL as 0/1.
    static func showInstance(_ call: Call, _ db: Database) throws -> Reply {
        let i = try InstanceRow.find(db, call.param("instance_id"))
        let timeZone = try String.fetchOne(db, sql: "SELECT time_zone FROM instance WHERE id = ?", arguments: [i.id]) ?? "UTC"
        let rows = try CatalogController.nodeRows(db, i.id)
        let groups: [[String: Any]] = try GroupsController.groups(db, i).map { g in
            let members = rows.filter { ($0["group_id"] as String) == g.id }
            return [
                "id": g.id, "name": g.name, "role": g.role, "endpoint": "\(g.endpointIp):\(i.port)",
                "node_count": members.count, "load_balance": true, "is_default_group": g.isDefault,
                "nodes": members.enumerated().map { n, row in
                    ["id": row["node_id"] as String, "status": i.status == "RUNNING" ? "RUNNING" : i.status, "name": row["name"] as String,
                     "az_code": i.availableZones[n % max(1, i.availableZones.count)], "subnet_id": i.subnetId] as [String: Any]
                },
            ]
        }
        let detail: [String: Any] = [
            "id": i.id, "name": i.name, "project_id": call.settings.projectId, "status": i.status,
            "datastore_type": "DDM", "datastore_version": i.engineVersion,
            "create_at": WireTime.instance(i.created), "update_at": WireTime.instance(i.updated),
            "port": String(i.port), "time_zone": timeZone, "pay_model": "0", "admin_user_name": i.adminUserName ?? "root",
            "enable_ssl": i.ssl ? 1 : 0, "public_ip": i.eip as Any, "only_default_group": groups.count == 1, "groups": groups,
        ]
        return Reply(body: try WireJSON.object(["instances": [detail]]))
    }

    // MARK: schemas

    static func createSchema(_ b: [String: Any]) -> [String: Any] {
        var d = b.filter { $0.key != "dn_instances" }
        d["used_rds"] = (b["dn_instances"] as? [[String: Any]] ?? []).map {
            ["id": $0["id"] as Any, "adminUser": $0["user_name"] as Any, "adminPassword": $0["user_password"] as Any]
        }
        return ["databases": [d]]
    }

    static func showSchema(_ a: [String: Any]) -> [String: Any] {
        let s = a["database"] as? [String: Any] ?? [:]
        let shards = (s["databases"] as? [[String: Any]] ?? []).map {
            ["data_node_id": $0["id"] as Any, "physical_db_name": $0["name"] as Any, "status": $0["status"] as Any,
             "shard_index": $0["dbslot"] as Any]
        }
        let nodes = (s["used_rds"] as? [[String: Any]] ?? []).map { r in
            let rds = Catalog.rds.first { $0.id == r["id"] as? String }
            return ["id": r["id"] as Any, "status": r["status"] as Any, "name": r["name"] as Any, "engine_name": "mysql",
                    "engine_version": rds?.version ?? "", "cpu": 2, "mem": 4] as [String: Any]
        }
        func time(_ key: String) -> String { WireTime.instance(((s[key] as? NSNumber)?.doubleValue ?? 0) / 1000) }
        return ["name": s["name"] as Any, "status": s["status"] as Any, "created": time("created"), "updated": time("updated"),
                "shard_mode": s["shard_mode"] as Any, "shard_number": s["shard_number"] as Any, "shards": shards, "data_nodes": nodes]
    }

    // MARK: accounts

    /// v3 users: top-level fields; `password_lifetime` is v3's own (`lifetime` keeps it).
    static func user(_ b: [String: Any]) -> [String: Any] {
        b.filter { $0.key != "password_lifetime" }
    }

    /// The v3 list with each account's `password_lifetime`, which only v3 shows.
    static func withLifetimes(_ handler: @escaping Handler) -> Handler {
        { call, db in
            let reply = try handler(call, db)
            guard reply.status == 200 else { return reply }
            var page = try json(reply.body)
            page["users"] = try (page["users"] as? [[String: Any]] ?? []).map { u in
                var u = u
                u["password_lifetime"] = try Int.fetchOne(db, sql: "SELECT password_lifetime FROM account WHERE instance_id = ? AND name = ?",
                                                           arguments: [call.param("instance_id"), u["name"] as? String ?? ""]) as Any
                return u
            }
            return Reply(status: reply.status, headers: reply.headers, body: try WireJSON.object(page))
        }
    }

    /// After the v1 handler made the account, stores v3's `password_lifetime` (days, 0 or more).
    static func lifetime(_ handler: @escaping Handler) -> Handler {
        { call, db in
            let body = call.body.isEmpty ? [:] : try json(call.body)
            let days = body["password_lifetime"]
            if let days, !(days is NSNull) {
                guard let n = days as? Int, (0...65535).contains(n), !WireJSON.isBoolean(days) else {
                    throw LocalError.parameter("password_lifetime must be a whole number of days from 0 to 65535")
                }
            }
            let reply: Reply
            if call.method == "PUT", days is Int, body.keys.allSatisfy({ $0 == "password_lifetime" }) {
                // Only the lifetime changes: nothing for the v1 handler, which needs a field of its own.
                let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
                _ = try AccountsController.find(db, instance: instance.id, name: call.param("username"))
                reply = Reply(body: Array("{}".utf8))
            } else {
                reply = try handler(call, db)
            }
            if let n = days as? Int, reply.status == 200 {
                let name = call.params["username"] ?? (body["name"] as? String ?? "")
                try db.execute(sql: "UPDATE account SET password_lifetime = ? WHERE instance_id = ? AND name = ?",
                               arguments: [n, call.param("instance_id"), name])
            }
            return reply
        }
    }

    /// `GetUsersListDetailResponsesV3`: no extended authority, times as strings, schemas by name.
    static func listUsers(_ a: [String: Any], _ call: Call) -> [String: Any] {
        let users = (a["users"] as? [[String: Any]] ?? []).map { u -> [String: Any] in
            func time(_ key: String) -> String { WireTime.instance(((u[key] as? NSNumber)?.doubleValue ?? 0) / 1000) }
            return ["name": u["name"] as Any, "status": u["status"] as Any, "base_authority": u["base_authority"] as Any,
                    "description": u["description"] as Any, "created": time("created"),
                    "password_last_changed": time("password_last_changed"),
                    "databases": (u["databases"] as? [[String: Any]] ?? []).map { ["name": $0["name"] as Any] }]
        }
        return ["users": users, "offset": Int(call.query["offset"] ?? "") ?? 0, "limit": a["page_size"] as Any, "total": a["total_record"] as Any]
    }

    // MARK: catalog

    /// `EngineGroupInfo`: no zones.
    static func engines(_ a: [String: Any]) -> [String: Any] {
        let groups = (a["engineGroups"] as? [[String: Any]] ?? []).map { ["id": $0["id"] as Any, "name": $0["name"] as Any, "version": $0["version"] as Any] }
        return ["engine_groups": groups, "offset": a["offset"] as Any, "limit": a["limit"] as Any, "total": a["total"] as Any]
    }

    static func flavors(_ call: Call, _ db: Database) throws -> Reply {
        guard let engineId = call.query["engine_id"], !engineId.isEmpty else { throw LocalError.parameter("engine_id is required") }
        guard Catalog.engines.contains(where: { $0.id == engineId }) else { throw LocalError.parameter("engine_id \(engineId) does not exist") }
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...128))
        let all: [[String: Any]] = Catalog.flavors.map { f in
            ["id": f.id, "spec_code": f.code, "vcpus": f.cpu, "ram": f.mem,
             "az_infos": Catalog.zones.map { ["code": $0.code, "description": $0.name, "status": "normal", "support_ipv6": false] }]
        }
        let group: [String: Any] = ["group_type": "X86", "flavors": page.slice(all), "offset": page.offset, "limit": page.limit, "total": all.count]
        return Reply(body: try WireJSON.object(["flavor_groups": [group]]))
    }

    static func dataNodes(_ a: [String: Any]) -> [String: Any] {
        let nodes = (a["instances"] as? [[String: Any]] ?? []).map {
            ["id": $0["id"] as Any, "status": $0["status"] as Any, "name": $0["name"] as Any, "engine_name": $0["engineName"] as Any,
             "engine_version": $0["engineSoftwareVersion"] as Any, "private_ip": $0["privateIp"] as Any,
             "port": $0["port"] as Any, "time_zone": $0["timeZone"] as Any]
        }
        return ["data_nodes": nodes, "offset": a["offset"] as Any, "limit": a["limit"] as Any, "total": a["total"] as Any]
    }

    static func node(_ a: [String: Any]) -> [String: Any] {
        ["id": a["node_id"] as Any, "private_ip": a["private_ip"] as Any, "status": a["status"] as Any, "name": a["name"] as Any,
         "subnet_id": a["subnet_id"] as Any, "group_id": a["group_id"] as Any, "az_code": a["az_code"] as Any]
    }
}
