import Foundation
import GRDB

/// Engines, flavors, available RDS, nodes, jobs and API versions (§8).
enum CatalogController {
    static func register(_ t: inout RouteTable) {
        t.add("GET", "/v2/{project_id}/engines", replacedByV3: true, engines)
        t.add("GET", "/v3/{project_id}/engines", V3Shape.adapt(engines, reply: V3Shape.engines))
        t.add("GET", "/v2/{project_id}/flavors", replacedByV3: true, flavors)
        t.add("GET", "/v3/{project_id}/flavors", V3Shape.flavors)
        t.add("GET", "/v1/{project_id}/instances/{instance_id}/rds", replacedByV3: true, availableRDS)
        t.add("GET", "/v3/{project_id}/instances/{instance_id}/available-data-nodes", V3Shape.adapt(availableRDS, reply: V3Shape.dataNodes))
        // No v3 node list in the SDK: the older one stays.
        t.add("GET", "/v1/{project_id}/instances/{instance_id}/nodes", nodes)
        t.add("GET", "/v1/{project_id}/instances/{instance_id}/nodes/{node_id}", replacedByV3: true, node)
        t.add("GET", "/v3/{project_id}/instances/{instance_id}/nodes/{node_id}", V3Shape.adapt(node, reply: V3Shape.node))
        t.add("GET", "/v3/{project_id}/jobs/{job_id}", job)
        t.add("GET", "/", isPublic: true, versions)
    }

    static func engines(_ call: Call, _ db: Database) throws -> Reply {
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...128))
        let groups = Catalog.engines.map { e in
            EngineListWire.Group(id: e.id, name: e.name, version: e.version,
                                 supportAzs: Catalog.zones.map { .init(code: $0.code, name: $0.name, favored: $0.favored) })
        }
        return .json(EngineListWire(engineGroups: page.slice(groups), offset: page.offset, limit: page.limit, total: groups.count))
    }

    static func flavors(_ call: Call, _ db: Database) throws -> Reply {
        guard let engineId = call.query["engine_id"], !engineId.isEmpty else {
            throw LocalError.parameter("engine_id is required")
        }
        guard Catalog.engines.contains(where: { $0.id == engineId }) else {
            throw LocalError.parameter("engine_id \(engineId) does not exist")
        }
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...128))
        let azCodes = Catalog.zones.map(\.code).joined(separator: ",")
        let all = Catalog.flavors.map { f in
            FlavorListWire.Flavor(
                id: f.id, typeCode: "hws.resource.type.ddm", code: f.code, iaasCode: f.iaas, cpu: f.cpu, mem: f.mem,
                maxConnections: nil, serverType: "KVM", architecture: "X86",
                azStatus: Dictionary(uniqueKeysWithValues: Catalog.zones.map { ($0.code, "normal") }),
                regionStatus: "normal", groupType: nil, dbType: "DDM",
                extendFields: ["azCode": azCodes, "azDescription": azCodes])
        }
        return .json(FlavorListWire(computeFlavorGroups: [
            .init(groupType: "X86", computeFlavors: page.slice(all), offset: page.offset, limit: page.limit, total: all.count),
        ]))
    }

    static func availableRDS(_ call: Call, _ db: Database) throws -> Reply {
        _ = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...1000))
        let all = Catalog.rds.map { r in
            RDSListWire.RDS(id: r.id, projectId: call.settings.projectId, status: "normal", name: r.name, engineName: "mysql",
                            engineSoftwareVersion: r.version, privateIp: r.ip, mode: "Ha", port: 3306, azCode: r.az,
                            timeZone: "UTC+08:00")
        }
        return .json(RDSListWire(instances: page.slice(all), offset: page.offset, limit: page.limit, total: all.count))
    }

    static func nodeRows(_ db: Database, _ instance: String) throws -> [Row] {
        try Row.fetchAll(db, sql: "SELECT * FROM node WHERE instance_id = ? ORDER BY position", arguments: [instance])
    }

    static func nodeStatus(_ instance: InstanceRow) -> String {
        instance.status == "CREATING" ? "creating" : "normal"
    }

    static func nodes(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...128))
        let all = try nodeRows(db, instance.id).map {
            NodeListWire.Node(port: String(instance.port), status: nodeStatus(instance), node_id: $0["node_id"], ip: $0["ip"], group_id: $0["group_id"])
        }
        return .json(NodeListWire(nodes: page.slice(all), offset: page.offset, limit: page.limit, total: all.count))
    }

    static func node(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        guard let row = try nodeRows(db, instance.id).first(where: { ($0["node_id"] as String) == call.param("node_id") }) else {
            throw LocalError(status: 404, code: "DBS.280001", message: "The node \(call.param("node_id")) does not exist.")
        }
        let ip: String = row["ip"]
        let nodeId: String = row["node_id"]
        return .json(NodeDetailWire(
            status: nodeStatus(instance), name: row["name"], node_id: nodeId, private_ip: ip,
            floating_ip: "100.65.78.\(10 + (row["position"] as Int))", server_id: UUID(uuidString: "00000000-0000-0000-0000-" + String(nodeId.prefix(12)))?.uuidString.lowercased() ?? nodeId,
            subnet_name: "manageSubnet", datavolume_id: String(nodeId.prefix(32)), res_subnet_ip: "172.16.15.\(10 + (row["position"] as Int))",
            systemvolume_id: String(nodeId.prefix(32)), group_id: row["group_id"], subnet_id: instance.subnetId))
    }

    static func job(_ call: Call, _ db: Database) throws -> Reply {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM job WHERE id = ?", arguments: [call.param("job_id")]) else {
            throw LocalError(status: 404, code: "DBS.300400", message: "The task is not found.")
        }
        let j = jobState(row, now: call.now)
        return .json(JobWire(job: .init(
            id: row["id"], name: row["name"], status: j.status, created_time: j.created, end_time: j.ended, process: j.process,
            instance: .init(id: row["instance_id"], name: row["instance_name"]))))
    }

    /// A job's status, times and progress (`"45%"` while running) at `now`.
    static func jobState(_ row: Row, now: Double) -> (status: String, created: String, ended: String, process: String) {
        let created: Double = row["created"]
        let done: Double = row["done_at"]
        let finished = now >= done
        let percent = done > created ? Int(min(99, max(0, (now - created) / (done - created) * 100))) : 99
        return (finished ? "Completed" : "Running", WireTime.job(created), finished ? WireTime.job(done) : "", finished ? "" : "\(percent)%")
    }

    static func versions(_ call: Call, _ db: Database) throws -> Reply {
        .json(VersionsWire(versions: [
            .init(id: "v3", links: [], status: "CURRENT", updated: "2019-01-15T12:00:00Z", version: ""),
            .init(id: "v1", links: [], status: "DEPRECATED", updated: "2017-02-07T17:34:02Z", version: ""),
        ]))
    }
}
