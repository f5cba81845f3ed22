import DDMKit

/// The layouts of the instance administration `show` statements.
extension ShowTables {
    /// What a table shows for a field the answer did not carry: never a default that states a fact.
    public static let unknown = "unknown"

    /// `yes`/`no`, or unknown when the answer did not say.
    public static func yesNo(_ b: Bool?) -> String { b.map { $0 ? "yes" : "no" } ?? unknown }

    public static func node(_ n: NodeDetail) -> ResultTable {
        ResultTable(title: "node \(n.nodeId ?? unknown)", columns: ["field", "value"], rows: [
            ["node", n.nodeId ?? unknown], ["name", n.name ?? ""], ["status", n.status ?? ""], ["private ip", n.privateIp ?? ""],
            ["group", n.groupId ?? ""], ["subnet", n.subnetName ?? n.subnetId ?? ""],
        ])
    }

    public static func parameters(_ all: [Parameter]) -> ResultTable {
        ResultTable(columns: ["name", "value", "allowed", "restart", "description"], rows: all.map {
            [$0.name, $0.value ?? "", $0.valueRange ?? "", $0.needRestart == nil ? unknown : $0.requiresRestart ? "yes" : "no", $0.description ?? ""]
        })
    }

    public static func templates(_ all: [ParameterTemplate]) -> ResultTable {
        ResultTable(columns: ["name", "id", "kind", "description"], rows: all.map {
            [$0.name, $0.id, $0.userDefined.map { $0 ? "custom" : "default" } ?? unknown, $0.description ?? ""]
        })
    }

    public static func template(_ t: ParameterTemplateDetail) -> ResultTable {
        ResultTable(title: "parameter template \(t.name)", columns: ["name", "value", "allowed", "restart"],
                    rows: (t.configurationParameters ?? []).map {
                        [$0.name, $0.value ?? "", $0.valueRange ?? "", yesNo($0.restartRequired)]
                    })
    }

    public static func slowQueries(_ all: [SlowQuery]) -> ResultTable {
        ResultTable(columns: ["time", "ms", "user", "schema", "rows", "host", "query"], rows: all.map {
            [$0.logTime ?? "", $0.time ?? "", $0.users ?? "", $0.database ?? "", $0.rowsExamined ?? "", $0.host ?? "", $0.querySample ?? ""]
        })
    }

    public static func processes(_ all: [LogicalProcess]) -> ResultTable {
        ResultTable(columns: ["id", "user", "host", "db", "command", "seconds", "state", "info"], rows: all.map {
            [$0.id, $0.user ?? "", $0.host ?? "", $0.db ?? "", $0.command ?? "", $0.time ?? "", $0.state ?? "", $0.info ?? ""]
        })
    }

    public static func physicalProcesses(_ all: [PhysicalProcess]) -> ResultTable {
        ResultTable(columns: ["id", "user", "host", "db", "command", "seconds", "state", "info"], rows: all.map {
            [String($0.id), $0.user ?? "", $0.host ?? "", $0.db ?? "", $0.command ?? "", $0.time.map(String.init) ?? "", $0.state ?? "", $0.info ?? ""]
        })
    }

    public static func tasks(_ all: [TaskItem]) -> ResultTable {
        ResultTable(columns: ["id", "name", "status", "progress", "instance", "created", "ended"], rows: all.map {
            // A finished job may come without its process: it is at 100 %.
            [$0.id, $0.name ?? "", $0.status ?? "", $0.process.flatMap { $0.isEmpty ? nil : $0 } ?? ($0.status == "Completed" ? "100%" : ""), $0.instanceName ?? "",
             $0.createdTime ?? "", $0.endTime ?? ""]
        })
    }

    /// The flavors an instance can change to, its own marked.
    public static func flavorChoices(_ flavors: [Flavor], current: String?) -> ResultTable {
        ResultTable(columns: ["code", "vcpus", "memory_gb", "current"], rows: flavors.map {
            [$0.code ?? $0.id, $0.cpu ?? "", $0.mem ?? "", $0.code == current ? "yes" : ""]
        })
    }

    public static func engineVersions(_ v: EngineVersions) -> ResultTable {
        ResultTable(columns: ["current", "previous", "latest", "available"], rows: [[
            v.currentVersion ?? "", v.previousVersion ?? "", v.latestVersion ?? "", (v.versions ?? []).joined(separator: ", "),
        ]])
    }
}
