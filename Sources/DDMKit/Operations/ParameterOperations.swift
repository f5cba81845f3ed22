import Foundation

/// Parameters and parameter templates.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let parameters: [DDMOperationID] = [.showParameters, .modifyParameters, .listParameterTemplates, .showParameterTemplate]

    public static let showParameters = DDMOperationID("showParameters", sdk: "show_instance_param", v3: nil) { api, at in
        Routes(api.showParameters(instance: at.instance))
    }

    public static let modifyParameters = DDMOperationID("modifyParameters", sdk: "update_instance_param", v3: "modify_configuration") { api, at in
        Routes(api.modifyParametersV3(instance: at.instance, values: [:])!,
               v3: api.modifyParametersV31(instance: at.instance, values: [:]))
    }

    public static let listParameterTemplates = DDMOperationID("listParameterTemplates", sdk: "list_ddm_configurations", v3: nil) { api, at in
        Routes(api.listParameterTemplates())
    }

    public static let showParameterTemplate = DDMOperationID("showParameterTemplate", sdk: "show_configuration", v3: nil) { api, at in
        Routes(api.showParameterTemplate(at.object ?? "{config_id}"))
    }
}

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

extension DDMClient {
    public func allParameters(instance: String) async throws -> [Parameter] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.showParameters(instance: instance, offset: offset, limit: limit))
            return (p.configurationParameter, p.total)
        }
    }
    /// v3.1 `modify_configuration`; where a region has not got it, v3 `update_instance_param`.
    @discardableResult
    public func modifyParameters(instance: String, values: [String: String]) async throws -> ParameterChangeResult {
        guard !values.isEmpty else { throw DDMError.invalid("set at least one parameter") }
        return try await versioned(.modifyParameters, v3: { try await self.send(self.api.modifyParametersV31(instance: instance, values: values)) },
                                   older: {
            guard let op = api.modifyParametersV3(instance: instance, values: values) else {
                throw Self.noV3(.modifyParameters, "a parameter the older call does not name", autoWould: false)
            }
            return try await send(op)
        })
    }
    public func allParameterTemplates() async throws -> [ParameterTemplate] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listParameterTemplates(offset: offset, limit: limit))
            return (p.configurations, p.total)
        }
    }
    public func showParameterTemplate(_ id: String) async throws -> ParameterTemplateDetail {
        try await send(api.showParameterTemplate(id))
    }
}
