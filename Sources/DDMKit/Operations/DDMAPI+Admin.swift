import Foundation
/// Instance administration: nodes, flavor, parameters, network, observability, engine versions.
/// Method, path, query and body from the SDK's `_<op>_http_info` and request models
/// (`huaweicloudsdkddm` 3.1.219); docs/client.md, "Instance administration".
extension DDMAPI {
    func v31(_ rest: String...) -> String { PathBuilder.path(["v3.1", projectId] + rest) }
}

// MARK: - Nodes and flavor

extension DDMAPI {
    private struct ExpandBody: Encodable {
        struct Node: Encodable { var available_zone: String }
        var nodes: [Node]
        var group_id: String?
    }

    /// `expand_ddm_instance_nodes`: one entry per new node, each naming its zone.
    public func addNodes(instance: String, zones: [String], group: String? = nil) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "add nodes", method: "POST", path: v3("instances", instance, "nodes"),
                     body: JSONBody.encode(ExpandBody(nodes: zones.map { .init(available_zone: $0) }, group_id: group)), repeatability: .once)
    }

    private struct ReduceBody: Encodable { var node_number: Int; var group_id: String? }

    /// `shrink_instance_nodes` (v2): by count; the service picks the nodes.
    public func removeNodes(instance: String, count: Int, group: String? = nil) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "remove nodes", method: "POST", path: v2("instances", instance, "action", "reduce"),
                     body: JSONBody.encode(ReduceBody(node_number: count, group_id: group)), repeatability: .once)
    }

    private struct NodeIdsBody: Encodable { var node_ids: [String] }

    /// `batch_delete_nodes`: the named nodes, all of one group.
    public func deleteNodes(instance: String, nodes: [String]) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "delete nodes", method: "POST", path: v3("instances", instance, "nodes", "batch-delete"),
                     body: JSONBody.encode(NodeIdsBody(node_ids: nodes)), repeatability: .once)
    }

    public func restartNode(instance: String, node: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "restart node", method: "POST", path: v3("instances", instance, "nodes", node, "restart"), repeatability: .once)
    }

    private struct FlavorBody: Encodable { var spec_code: String; var group_id: String? }

    /// `resize_flavor`: by spec code.
    public func resizeFlavor(instance: String, code: String, group: String? = nil) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "change flavor", method: "PUT", path: v3("instances", instance, "flavor"),
                     body: JSONBody.encode(FlavorBody(spec_code: code, group_id: group)), repeatability: .once)
    }
}

// MARK: - Parameters

extension DDMAPI {
    public func showParameters(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<ParameterPage> {
        DDMOperation(name: "show parameters", method: "GET", path: v3("instances", instance, "configurations"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct ValuesBody: Encodable { var values: [String: String] }

    /// `modify_configuration` (v3.1): any parameter names.
    func modifyParametersV31(instance: String, values: [String: String]) -> DDMOperation<ParameterChangeResult> {
        DDMOperation(name: "modify parameters", method: "PUT", path: v31("instances", instance, "configurations"),
                     body: JSONBody.encode(ValuesBody(values: values)), repeatability: .safe)
    }

    /// `update_instance_param` (v3, "unavailable soon" in OTC's reference): only the names its
    /// `UpdateParametersReqValues` model has.
    func modifyParametersV3(instance: String, values: [String: String]) -> DDMOperation<ParameterChangeResult>? {
        guard values.keys.allSatisfy(Self.v3ParameterNames.contains) else { return nil }
        return DDMOperation(name: "modify parameters", method: "PUT", path: v3("instances", instance, "configurations"),
                            body: JSONBody.encode(ValuesBody(values: values)), repeatability: .safe)
    }

    /// The fields of the SDK's `UpdateParametersReqValues`.
    public static let v3ParameterNames: Set<String> = [
        "bind_table", "character_set_server", "collation_server", "concurrent_execution_level", "connection_idle_timeout",
        "enable_table_recycle", "insert_to_load_data", "live_transaction_timeout_on_shutdown", "long_query_time",
        "max_allowed_packet", "max_backend_connections", "max_connections", "min_backend_connections", "not_from_pushdown",
        "seconds_behind_master", "sql_audit", "sql_execute_timeout", "support_ddl_binlog_hint", "transaction_policy",
        "ultimate_optimize",
    ]

    public func listParameterTemplates(offset: Int? = nil, limit: Int? = nil) -> DDMOperation<ParameterTemplatePage> {
        DDMOperation(name: "list parameter templates", method: "GET", path: v3("configurations"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func showParameterTemplate(_ id: String) -> DDMOperation<ParameterTemplateDetail> {
        DDMOperation(name: "show parameter template", method: "GET", path: v3("configurations", id), repeatability: .safe)
    }
}

// MARK: - Network and access

extension DDMAPI {
    private struct PortBody: Encodable { var port: Int }
    private struct SSLBody: Encodable { var ssl_enabled: Bool }
    private struct ReadOnlyBody: Encodable { var readonly: Bool }
    private struct EIPBody: Encodable { var public_ip: String; var public_ip_id: String }
    private struct AdminBody: Encodable { var name: String; var password: String }

    public func modifyPort(instance: String, port: Int) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "change port", method: "PUT", path: v3("instances", instance, "port"),
                     body: JSONBody.encode(PortBody(port: port)), repeatability: .safe)
    }

    public func switchSSL(instance: String, on: Bool) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "switch ssl", method: "POST", path: v3("instances", instance, "switch-ssl"),
                     body: JSONBody.encode(SSLBody(ssl_enabled: on)), repeatability: .safe)
    }

    public func setReadOnly(instance: String, on: Bool) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "set read-only", method: "PUT", path: v3("instances", instance, "readonly-status"),
                     body: JSONBody.encode(ReadOnlyBody(readonly: on)), repeatability: .safe)
    }

    public func bindEIP(instance: String, ip: String, id: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "bind eip", method: "POST", path: v3("instances", instance, "eip"),
                     body: JSONBody.encode(EIPBody(public_ip: ip, public_ip_id: id)), repeatability: .once)
    }

    public func unbindEIP(instance: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "unbind eip", method: "DELETE", path: v3("instances", instance, "eip"), repeatability: .safe)
    }

    /// `reset_administrator`: the instance's administrator account and its new password.
    public func resetAdministrator(instance: String, name: String, password: String) -> DDMOperation<Empty> {
        DDMOperation(name: "reset administrator", method: "PUT", path: v3("instances", instance, "admin-user"),
                     body: JSONBody.encode(AdminBody(name: name, password: password)), repeatability: .safe)
    }
}

// MARK: - Observability and engine versions

extension DDMAPI {
    /// `list_slow_logs`: `start_date`/`end_date` in epoch milliseconds, at most 7 days apart;
    /// `limit` 1–100 (OTC: "Monitoring Slow Query Logs (a V3 API)").
    public func listSlowQueries(instance: String, from: Int64, to: Int64, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<SlowQueryPage> {
        DDMOperation(name: "list slow queries", method: "GET", path: v3("instances", instance, "slow-logs"),
                     query: pageQuery(offset: offset, limit: limit) + [("start_date", String(from)), ("end_date", String(to))],
                     repeatability: .safe)
    }

    public func listLogicalProcesses(instance: String, keyword: String? = nil, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<LogicalProcessPage> {
        DDMOperation(name: "show processes", method: "GET", path: v3("instances", instance, "logical-processes"),
                     query: pageQuery(offset: offset, limit: limit) + (keyword.map { [("keyword", $0)] } ?? []), repeatability: .safe)
    }

    public func listPhysicalProcesses(instance: String, keyword: String? = nil, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<PhysicalProcessPage> {
        DDMOperation(name: "show physical processes", method: "GET", path: v3("instances", instance, "physical-processes"),
                     query: pageQuery(offset: offset, limit: limit) + (keyword.map { [("keyword", $0)] } ?? []), repeatability: .safe)
    }

    private struct ProcessIdsBody: Encodable { var process_ids: [String] }

    /// `execute_kill_logical_processes`: DELETE with a body, as the SDK sends it.
    public func killLogicalProcesses(instance: String, ids: [String]) -> DDMOperation<KillResult> {
        DDMOperation(name: "kill processes", method: "DELETE", path: v3("instances", instance, "logical-processes"),
                     body: JSONBody.encode(ProcessIdsBody(process_ids: ids)), repeatability: .safe)
    }

    public func killPhysicalProcesses(instance: String, ids: [String]) -> DDMOperation<KillResult> {
        DDMOperation(name: "kill physical processes", method: "DELETE", path: v3("instances", instance, "physical-processes"),
                     body: JSONBody.encode(ProcessIdsBody(process_ids: ids)), repeatability: .safe)
    }

    /// The SDK's `ListTasksRequest` always sends `start_time` and `end_time` (epoch milliseconds;
    /// OTC's API reference: mandatory, at most 30 days back), so ddmsh does too.
    public func listTasks(from start: Date, to end: Date, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<TaskPage> {
        let window = [("start_time", String(Int64(start.timeIntervalSince1970 * 1000))), ("end_time", String(Int64(end.timeIntervalSince1970 * 1000)))]
        return DDMOperation(name: "list tasks", method: "GET", path: v3("jobs"), query: window + pageQuery(offset: offset, limit: limit),
                            repeatability: .safe)
    }
    /// The furthest back a task list may start (OTC API reference, "Querying DDM Tasks").
    public static let taskWindowLimit: TimeInterval = 30 * 86_400

    public func listEngineVersions(instance: String) -> DDMOperation<EngineVersions> {
        DDMOperation(name: "list engine versions", method: "GET",
                     path: v3("instances", instance, "database-version", "available-versions"), repeatability: .safe)
    }

    private struct VersionBody: Encodable { var target_version: String }

    public func upgradeEngine(instance: String, to version: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "upgrade engine", method: "POST", path: v3("instances", instance, "database-version", "change-version"),
                     body: JSONBody.encode(VersionBody(target_version: version)), repeatability: .once)
    }

    public func rollbackEngine(instance: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "roll back engine", method: "POST", path: v3("instances", instance, "database-version", "rollback-version"),
                     repeatability: .once)
    }
}
