import Foundation
import GRDB

/// An instance's data nodes (the RDS instances its schemas use): their settings read again,
/// and the read weights of each and its read replicas.
enum DataNodesController {
    static func register(_ t: inout RouteTable) {
        t.add("POST", "/v1/{project_id}/instances/{instance_id}/rds/sync", replacedByV3: true, sync)
        t.add("POST", "/v3/{project_id}/instances/{instance_id}/data-nodes/sync", V3Shape.adapt(sync, reply: V3Shape.empty))
        t.add("PUT", "/v2/{project_id}/instances/{instance_id}/action/read-write-strategy", replacedByV3: true, readWeights)
        t.add("PUT", "/v3/{project_id}/instances/{instance_id}/action/batch-modify-read-write-strategy",
              V3Shape.adapt(readWeights, body: readWeightList, reply: { ["success": $0["success"] as Any, "request_id": NSNull(), "data": NSNull()] }))
        t.add("POST", "/v3/{project_id}/instances/{instance_id}/rds/connection", checkConnection)
    }

    private struct ChecksWire: Decodable {
        struct Info: Decodable { var endpoint: String; var username: String; var password: String; var rds_instance_id: String }
        var infos: [Info]
    }

    /// `check_data_node_connection`: each data node tried with the account given. An RDS instance
    /// the service does not know fails with DBS.300103, a wrong address with DBS.280001, a wrong
    /// account or password with DBS.300114 (OTC's error codes); `success` is a string, as the
    /// SDK's model has it.
    static func checkConnection(_ call: Call, _ db: Database) throws -> Reply {
        _ = try InstanceRow.findRunning(db, call.param("instance_id"))
        let infos = try WireJSON.decode(ChecksWire.self, call.body).infos
        guard !infos.isEmpty else { throw LocalError.parameter("infos is empty") }
        let results: [[String: Any]] = infos.map { info in
            func failed(_ code: String, _ message: String) -> [String: Any] {
                ["rds_instance_id": info.rds_instance_id, "success": "false", "error_code": code, "error_message": message]
            }
            guard let rds = Catalog.rds.first(where: { $0.id == info.rds_instance_id }) else {
                return failed("DBS.300103", "The RDS instance does not exist or it is not in the same VPC as the schema.")
            }
            guard info.endpoint == "\(rds.ip):3306" else { return failed("DBS.280001", "Parameter error: \(info.endpoint) is not \(rds.name)'s address.") }
            guard info.username == rds.adminUser, info.password == rds.adminPassword else {
                return failed("DBS.300114", "The administrator or password is incorrect.")
            }
            return ["rds_instance_id": rds.id, "success": "true", "error_code": NSNull(), "error_message": NSNull()]
        }
        return Reply(body: try WireJSON.object(["rds_check_infos": results]))
    }

    /// The data nodes' settings read again (`update_database_info`, OTC ddm_api_01_0081): a job,
    /// done at once here, as the emulator's RDS instances do not change behind its back.
    static func sync(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let job = try db.recordJob(name: "SyncDataNodes", instance: instance, now: call.now, delay: 0)
        return Reply(body: try WireJSON.object(["instanceId": instance.id, "jobId": job]))
    }

    private struct ReadWeightWire: Decodable { var read_weight: [String: Int] }

    /// `update_read_and_write_strategy` (OTC ddm_api_01_0080). Each id must be a data node of the
    /// instance (the emulator's RDS instances have no replicas); weights 0 to 100, as the user
    /// guide gives them, else DDM's DBS.300315 ("Invalid read/write relative weight.").
    static func readWeights(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let weights = try WireJSON.decode(ReadWeightWire.self, call.body).read_weight
        guard !weights.isEmpty else { throw LocalError.parameter("read_weight is empty") }
        let used = Set(try String.fetchAll(db, sql: "SELECT used_rds FROM schema WHERE instance_id = ?", arguments: [instance.id])
            .flatMap { JSONColumn.decode($0) as [String] })
        for (id, weight) in weights.sorted(by: { $0.key < $1.key }) {
            guard used.contains(id) else { throw LocalError.parameter("\(id) is not a data node of instance \(instance.id)") }
            guard (0...100).contains(weight) else {
                throw LocalError(status: 400, code: "DBS.300315", message: "Invalid read/write relative weight.")
            }
        }
        for (id, weight) in weights {
            try db.execute(sql: "INSERT OR REPLACE INTO read_weight (instance_id, rds_id, weight) VALUES (?, ?, ?)",
                           arguments: [instance.id, id, weight])
        }
        return Reply(body: try WireJSON.object(["success": true, "instance_id": instance.id]))
    }

    /// v3's `read_weight_list` (a list of maps) as v2's one map.
    private static func readWeightList(_ b: [String: Any]) throws -> [String: Any] {
        guard let list = b["read_weight_list"] as? [[String: Any]] else { throw LocalError.parameter("read_weight_list is required") }
        return ["read_weight": list.reduce(into: [String: Any]()) { $0.merge($1) { _, new in new } }]
    }
}
