import DDMKit

/// The layouts of the `show` statements: pure functions from DDMKit's models to tables, so each
/// layout is tested without a service and every statement that shows a model shows it alike.
public enum ShowTables {
    /// `created` only where the list says it (v1's does, v3's has no such field): no empty column.
    public static func instances(_ all: [Instance]) -> ResultTable {
        let created = all.contains { !($0.created ?? "").isEmpty }
        return ResultTable(columns: ["name", "id", "status", "nodes", "flavor", "engine"] + (created ? ["created"] : []), rows: all.map {
            [$0.name, $0.id, $0.status, $0.nodeCount.map(String.init) ?? "", $0.flavorRef ?? "", $0.engineVersion ?? ""]
                + (created ? [$0.created ?? ""] : [])
        })
    }

    /// An instance's fields, then its nodes.
    /// `readOnly`: none of the SDK's instance models (`ShowInstanceResponse`, v3 `InstanceDetail`)
    /// has a read-only field, so the state ddmsh last set is shown as such.
    public static func instance(_ i: Instance, readOnly: (on: Bool, time: String)? = nil) -> [ResultTable] {
        let ro = readOnly.map { "\($0.on ? "on" : "off") (set by ddmsh at \($0.time); DDM's API does not report it)" }
            ?? "unknown (DDM's API does not report it)"
        return [
            ResultTable(title: "instance \(i.name)", columns: ["field", "value"], rows: [
                ["name", i.name], ["id", i.id], ["status", i.status], ["flavor", i.flavorRef ?? ""],
                ["engine", i.engineVersion ?? ""], ["nodes", i.nodeCount.map(String.init) ?? ""],
                ["zones", i.availableZone ?? ""], ["vpc", i.vpcId ?? ""], ["subnet", i.subnetId ?? ""],
                ["security group", i.securityGroupId ?? ""], ["address", "\(i.accessIp ?? ""):\(i.accessPort ?? "")"],
                ["ssl", i.enableSsl.map { $0 ? "on" : "off" } ?? ""], ["read only", ro], ["public ip", i.publicIp ?? ""],
                ["admin user", i.adminUserName ?? ""], ["created", i.created ?? ""],
            ]),
            ResultTable(title: "nodes", columns: ["node", "ip", "port", "status"],
                        rows: (i.nodes ?? []).map { [$0.nodeId ?? unknown, $0.ip ?? "", $0.port ?? "", $0.status ?? ""] }),
        ]
    }

    public static func engines(_ engines: [EngineGroup]) -> ResultTable {
        ResultTable(columns: ["id", "name", "version", "zones"], rows: engines.map {
            [$0.id, $0.name ?? "", $0.version ?? "", ($0.supportAzs ?? []).compactMap(\.code).joined(separator: ",")]
        })
    }

    /// Flavors with the engine version each belongs to.
    public static func flavors(_ byEngine: [(engine: EngineGroup, flavors: [Flavor])]) -> ResultTable {
        ResultTable(columns: ["code", "id", "vcpus", "memory_gb", "engine"], rows: byEngine.flatMap { e in
            e.flavors.map { [$0.code ?? "", $0.id, $0.cpu ?? "", $0.mem ?? "", e.engine.version ?? ""] }
        })
    }

    public static func schemas(_ all: [Schema]) -> ResultTable {
        ResultTable(columns: ["name", "mode", "shards", "status", "rds"], rows: all.map {
            [$0.name, $0.shardMode ?? "", $0.shardNumber.map(String.init) ?? "", $0.status ?? "",
             ($0.usedRds ?? []).map { $0.name ?? $0.id }.joined(separator: ",")]
        })
    }

    public static func schema(_ s: SchemaDetail) -> ResultTable {
        ResultTable(title: "schema \(s.name)", columns: ["shard", "database", "rds", "status"], rows: (s.databases ?? []).map {
            [$0.dbslot.map(String.init) ?? "", $0.name, rdsName(of: $0, in: s), $0.status ?? ""]
        })
    }

    /// The RDS instance a shard is on, by name where the answer says it. `id_name` is the RDS
    /// instance's name per the SDK and the reference's table, but the reference's example gives
    /// the database's name there: the schema's `used_rds` (id and name) is right under either
    /// reading, so it is asked first; `id_name` only when it is not the shard's own database.
    static func rdsName(of shard: SchemaDetail.Shard, in s: SchemaDetail) -> String {
        if let id = shard.id, let name = (s.usedRds ?? []).first(where: { $0.id == id })?.name { return name }
        if let n = shard.idName, n != shard.name { return n }
        return shard.id ?? ""
    }

    public static func availableRDS(_ all: [AvailableRDS]) -> ResultTable {
        ResultTable(columns: ["id", "name", "engine", "version", "ip", "az", "status"], rows: all.map {
            [$0.id, $0.name ?? "", $0.engineName ?? "", $0.engineSoftwareVersion ?? "", $0.privateIp ?? "", $0.azCode ?? "", $0.status ?? ""]
        })
    }

    /// Privileges as read, unknown ones included (see `BasePermission`).
    /// Password lifetimes (days, 0 for never) where the list gives them: v3's does, v1's does not.
    public static func users(_ all: [Account]) -> ResultTable {
        let lifetimes = all.contains { $0.passwordLifetime != nil }
        return ResultTable(columns: ["name", "privileges", "schemas", "comment"] + (lifetimes ? ["lifetime"] : []), rows: all.map {
            let s = BatchPlanner.State($0)
            return [$0.name, s.privilegeText, s.schemaText, $0.description ?? ""] + (lifetimes ? [$0.passwordLifetime.map(String.init) ?? ""] : [])
        })
    }

    public static func grants(_ accounts: [Account]) -> ResultTable {
        ResultTable(columns: ["account", "privileges", "schemas"], rows: accounts.map {
            let s = BatchPlanner.State($0)
            return [$0.name, s.privilegeText, s.schemaText]
        })
    }

    public static func job(_ j: Job) -> ResultTable {
        ResultTable(columns: ["id", "name", "status", "progress", "instance", "created", "ended"], rows: [
            [j.id, j.name ?? "", j.status, j.process ?? "", j.instance?.name ?? "", j.createdTime ?? "", j.endTime ?? ""],
        ])
    }

    /// The audit log, newest last (as `tail` shows a log).
    public static func audit(_ records: [AuditRecord]) -> ResultTable {
        ResultTable(columns: ["time", "instance", "operation", "after", "outcome", "http", "error", "request"], rows: records.map {
            [$0.time, $0.instance ?? "", $0.operation, $0.after ?? "", $0.outcome, $0.httpStatus.map(String.init) ?? "",
             $0.errorCode ?? "", $0.requestId ?? ""]
        })
    }

    public static func nodes(_ nodes: [Node]) -> ResultTable {
        ResultTable(columns: ["node", "ip", "port", "status"], rows: nodes.map { [$0.nodeId ?? unknown, $0.ip ?? "", $0.port ?? "", $0.status ?? ""] })
    }
}
