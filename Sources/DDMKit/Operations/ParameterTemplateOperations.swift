import Foundation

/// Parameter templates made, copied, changed, compared and deleted; the instances one can be
/// applied to and its apply history. v3 only (OTC API reference, "Parameter Management").
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (method, path, query and body from the SDK's `_<op>_http_info` and request models,
/// `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let parameterTemplates: [DDMOperationID] = [.createParameterTemplate, .copyParameterTemplate, .modifyParameterTemplate,
                                                       .compareParameterTemplates, .deleteParameterTemplate, .listTemplateInstances,
                                                       .listTemplateApplyHistory]

    public static let createParameterTemplate = DDMOperationID("createParameterTemplate", sdk: "create_ddm_configurations", v3: nil) { api, at in
        Routes(api.createParameterTemplate(name: at.object ?? "", description: nil, values: [:]))
    }
    public static let copyParameterTemplate = DDMOperationID("copyParameterTemplate", sdk: "copy_configuration", v3: nil) { api, at in
        Routes(api.copyParameterTemplate("{config_id}", to: at.object ?? "", description: nil))
    }
    public static let modifyParameterTemplate = DDMOperationID("modifyParameterTemplate", sdk: "reset_parameter_group", v3: nil) { api, at in
        Routes(api.modifyParameterTemplate(at.object ?? "{config_id}", TemplateChange()))
    }
    public static let compareParameterTemplates = DDMOperationID("compareParameterTemplates", sdk: "compare_parameter_groups", v3: nil) { api, at in
        Routes(api.compareParameterTemplates("", with: ""))
    }
    public static let deleteParameterTemplate = DDMOperationID("deleteParameterTemplate", sdk: "delete_configuration", v3: nil) { api, at in
        Routes(api.deleteParameterTemplate(at.object ?? "{config_id}"))
    }
    public static let listTemplateInstances = DDMOperationID("listTemplateInstances", sdk: "list_instances_configurations", v3: nil) { api, at in
        Routes(api.listTemplateInstances(at.object ?? "{config_id}"))
    }
    public static let listTemplateApplyHistory = DDMOperationID("listTemplateApplyHistory", sdk: "list_configuration_apply_histories", v3: nil) { api, at in
        Routes(api.listTemplateApplyHistory(at.object ?? "{config_id}"))
    }
}

extension DDMAPI {
    private struct CreateBody: Encodable { var name: String; var description: String?; var values: [String: String] }

    public func createParameterTemplate(name: String, description: String?, values: [String: String]) -> DDMOperation<CreatedTemplate> {
        DDMOperation(name: "create parameter template", method: "POST", path: v3("configurations"),
                     body: JSONBody.encode(CreateBody(name: name, description: description, values: values)), repeatability: .once)
    }

    private struct CopyBody: Encodable { var new_name: String; var description: String? }

    public func copyParameterTemplate(_ id: String, to name: String, description: String?) -> DDMOperation<Empty> {
        DDMOperation(name: "copy parameter template", method: "POST", path: v3("configurations", id, "copy"),
                     body: JSONBody.encode(CopyBody(new_name: name, description: description)), repeatability: .once)
    }

    private struct ModifyBody: Encodable { var name: String?; var description: String?; var values: [String: String]? }

    /// `reset_parameter_group` (`ConfigurationUpdateReqV3`): the values named, a new name, a new
    /// description; what is left out stays.
    public func modifyParameterTemplate(_ id: String, _ change: TemplateChange) -> DDMOperation<ParameterChangeResult> {
        DDMOperation(name: "modify parameter template", method: "PUT", path: v3("configurations", id),
                     body: JSONBody.encode(ModifyBody(name: change.name, description: change.description, values: change.values.isEmpty ? nil : change.values)),
                     repeatability: .safe)
    }

    private struct DiffBody: Encodable { var source_id: String; var target_id: String }

    public func compareParameterTemplates(_ source: String, with target: String) -> DDMOperation<TemplateComparison> {
        DDMOperation(name: "compare parameter templates", method: "PUT", path: v3("configurations", "diff"),
                     body: JSONBody.encode(DiffBody(source_id: source, target_id: target)), repeatability: .safe)
    }

    public func deleteParameterTemplate(_ id: String) -> DDMOperation<Empty> {
        DDMOperation(name: "delete parameter template", method: "DELETE", path: v3("configurations", id), repeatability: .safe)
    }

    public func listTemplateInstances(_ id: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<TemplateInstancePage> {
        DDMOperation(name: "list instances for parameter template", method: "GET", path: v3("configurations", id, "query-instances"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func listTemplateApplyHistory(_ id: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<TemplateHistoryPage> {
        DDMOperation(name: "list parameter template apply history", method: "GET", path: v3("configurations", id, "apply-histories"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }
}

extension DDMClient {
    public func createParameterTemplate(name: String, description: String?, values: [String: String]) async throws -> CreatedTemplate {
        try await send(api.createParameterTemplate(name: name, description: description, values: values))
    }
    public func copyParameterTemplate(_ id: String, to name: String, description: String?) async throws {
        _ = try await send(api.copyParameterTemplate(id, to: name, description: description))
    }
    @discardableResult
    public func modifyParameterTemplate(_ id: String, _ change: TemplateChange) async throws -> ParameterChangeResult {
        try await send(api.modifyParameterTemplate(id, change))
    }
    public func compareParameterTemplates(_ source: String, with target: String) async throws -> TemplateComparison {
        try await send(api.compareParameterTemplates(source, with: target))
    }
    public func deleteParameterTemplate(_ id: String) async throws {
        _ = try await send(api.deleteParameterTemplate(id))
    }
    public func allTemplateInstances(_ id: String) async throws -> [TemplateInstancePage.Entity] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listTemplateInstances(id, offset: offset, limit: limit))
            return (p.entities ?? [], p.total)
        }
    }
    public func allTemplateApplyHistory(_ id: String) async throws -> [TemplateHistoryPage.Entry] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listTemplateApplyHistory(id, offset: offset, limit: limit))
            return (p.histories ?? [], p.total)
        }
    }
}

/// What `modify parameter template` changes: nil and empty leave a part as it is.
public struct TemplateChange: Sendable, Equatable {
    public var name: String?, description: String?, values: [String: String]
    public init(name: String? = nil, description: String? = nil, values: [String: String] = [:]) {
        self.name = name; self.description = description; self.values = values
    }
}

/// `CreateDdmConfigurationsResponse`.
public struct CreatedTemplate: Decodable, Sendable { public var id: String?; public var name: String? }

/// `CompareParameterGroupsResponse`: the parameters whose values differ.
public struct TemplateComparison: Decodable, Sendable {
    public struct Difference: Decodable, Sendable, Equatable { public var name: String?; public var sourceValue: String?; public var targetValue: String? }
    public var sourceName: String?
    public var targetName: String?
    public var parameters: [Difference]?
}

/// `ListInstancesConfigurationsResponse`: the instances the template can be applied to.
public struct TemplateInstancePage: Decodable, Sendable {
    public struct Entity: Decodable, Sendable, Equatable { public var instanceId: String?; public var instanceName: String? }
    public var entities: [Entity]?
    public var total: Int?
}

/// `ListConfigurationApplyHistoriesResponse`.
public struct TemplateHistoryPage: Decodable, Sendable {
    public struct Entry: Decodable, Sendable, Equatable {
        public var targetId: String?
        public var targetName: String?
        public var applyResult: String?
        public var appliedAt: String?
        public var errorMessage: String?
    }
    public var histories: [Entry]?
    public var total: Int?
}
