import Foundation
/// A DDM operation named without calling it: what the statement catalogue lists and `explain`
/// prints. Each route is taken from the builder the client itself calls, with placeholders for
/// what is not known yet, so a printed route cannot drift from the one that is sent.
public enum DDMOperationID: String, CaseIterable, Sendable {
    case createInstance, listInstances, showInstance, restartInstance, deleteInstance
    case modifyInstanceName, modifySecurityGroup, reloadTableData, syncDataNodes
    case createSchemas, listSchemas, showSchema, deleteSchema
    case createAccounts, listAccounts, modifyAccount, deleteAccount, resetPassword
    case listEngines, listFlavors, listAvailableRDS, listNodes, showNode, showJob
    case addNodes, removeNodes, deleteNodes, restartNode, resizeFlavor
    case showParameters, modifyParameters, listParameterTemplates, showParameterTemplate
    case modifyPort, switchSSL, setReadOnly, bindEIP, unbindEIP, resetAdministrator
    case listSlowQueries, listLogicalProcesses, killLogicalProcesses, listPhysicalProcesses, killPhysicalProcesses
    case listTasks, listEngineVersions, upgradeEngine, rollbackEngine

    /// One call as `explain` shows it.
    public struct Route: Sendable, Equatable {
        /// The client's name for it, e.g. `modify account`.
        public var name: String
        public var method: String
        /// Path, with `{project_id}` and any placeholder left in braces.
        public var path: String
        /// `key=value&…`, empty when none.
        public var query: String

        public var target: String { query.isEmpty ? path : path + "?" + query }
    }

    /// The SDK's operations for it (`SDKOperations.swift`, generated from the pinned SDK): the older
    /// call, and the v3 one where there is a second generation (docs/client.md, "API versions").
    /// `OperationTableTests` holds every route below to these.
    public var sdkNames: (older: String?, v3: String?) {
        switch self {
        // The older call is OTC's v1 API (ddm_api_01_0081), which the pinned SDK no longer has.
        case .syncDataNodes: (nil, "sync_dn_information")
        case .createInstance: ("create_instance", "create_ddm_instance")
        case .listInstances: ("list_instances", "list_ddms")
        case .showInstance: ("show_instance", "show_ddm_detail")
        case .restartInstance: ("restart_instance", "restart_ddm_instance")
        case .deleteInstance: ("delete_instance", "delete_ddm_instance")
        case .modifyInstanceName: ("update_instance_name", "update_ddm_instance_name")
        case .modifySecurityGroup: ("update_instance_security_group", "update_ddm_instance_security_group")
        case .reloadTableData: ("rebuild_config", "rebuild_ddm_config")
        case .createSchemas: ("create_database", "create_ddm_database")
        case .listSchemas: ("list_databases", nil)
        case .showSchema: ("show_database", "show_instance_database")
        case .deleteSchema: ("delete_database", "delete_ddm_database")
        case .createAccounts: ("create_users", "create_ddm_user")
        case .listAccounts: ("list_users", "list_ddm_users")
        case .modifyAccount: ("update_user", "update_ddm_user")
        case .deleteAccount: ("delete_user", "delete_ddm_user")
        case .resetPassword: ("reset_user_password", "reset_ddm_user_password")
        case .listEngines: ("list_engines", "list_ddm_engines")
        case .listFlavors: ("list_flavors", "list_ddm_flavors")
        case .listAvailableRDS: ("list_available_rds_list", "list_available_rds")
        case .listNodes: ("list_nodes", nil)
        case .showNode: ("show_node", "show_ddm_node_detail")
        case .showJob: ("show_ddm_job_result", nil)
        case .addNodes: ("expand_ddm_instance_nodes", nil)
        case .removeNodes: ("shrink_instance_nodes", nil)
        case .deleteNodes: ("batch_delete_nodes", nil)
        case .restartNode: ("restart_node", nil)
        case .resizeFlavor: ("resize_flavor", nil)
        case .showParameters: ("show_instance_param", nil)
        case .modifyParameters: ("update_instance_param", "modify_configuration")
        case .listParameterTemplates: ("list_ddm_configurations", nil)
        case .showParameterTemplate: ("show_configuration", nil)
        case .modifyPort: ("update_instance_port", nil)
        case .switchSSL: ("switch_ssl", nil)
        case .setReadOnly: ("set_read_only_status", nil)
        case .bindEIP: ("bind_eip", nil)
        case .unbindEIP: ("unbind_eip", nil)
        case .resetAdministrator: ("reset_administrator", nil)
        case .listSlowQueries: ("list_slow_logs", nil)
        case .listLogicalProcesses: ("show_logical_processes", nil)
        case .killLogicalProcesses: ("execute_kill_logical_processes", nil)
        case .listPhysicalProcesses: ("show_physical_processes", nil)
        case .killPhysicalProcesses: ("execute_kill_physical_processes", nil)
        case .listTasks: ("list_tasks", nil)
        case .listEngineVersions: ("list_database_available_versions", nil)
        case .upgradeEngine: ("change_database_version", nil)
        case .rollbackEngine: ("roll_back_database_version", nil)
        }
    }

    /// The older call's SDK operation, or the v3 one where the SDK has only that.
    public var sdk: SDKOperation { (sdkNames.older ?? sdkNames.v3).flatMap(SDKOperation.named)! }
    public var sdkV3: SDKOperation? { sdkNames.v3.flatMap(SDKOperation.named) }

    /// Whether the SDK has a v3 call for it (docs/client.md, "API versions").
    public var hasV3: Bool { sdkNames.v3 != nil }

    /// - Parameters:
    ///   - instance: the instance id, or its placeholder.
    ///   - object: the schema, account, job or node the call is about, when known.
    ///   - deleteData: for the deletes that take `delete_rds_data`.
    ///   - v3: the v3 call's route where there is one.
    public func route(instance: String = "{instance_id}", object: String? = nil, deleteData: Bool = false, v3: Bool = false) -> Route {
        if v3, let r = v3Route(instance: instance, object: object, deleteData: deleteData) { return r }
        let api = DDMAPI(projectId: "{project_id}")
        func make<R>(_ op: DDMOperation<R>) -> Route { Self.make(op) }
        switch self {
        case .createInstance:
            return make(api.createInstance(CreateInstanceRequest(name: "", flavorId: "", nodeNum: 0, engineId: "", availableZones: [],
                                                                  vpcId: "", securityGroupId: "", subnetId: "")))
        case .listInstances: return make(api.listInstances())
        case .showInstance: return make(api.showInstance(instance))
        case .restartInstance: return make(api.restartInstance(instance))
        case .deleteInstance: return make(api.deleteInstance(instance, deleteRDSData: deleteData))
        case .modifyInstanceName: return make(api.modifyInstanceName(instance, name: ""))
        case .modifySecurityGroup: return make(api.modifySecurityGroup(instance, securityGroupId: ""))
        case .reloadTableData: return make(api.reloadTableData(instance))
        case .syncDataNodes: return make(api.syncDataNodes(instance))
        case .createSchemas: return make(api.createSchemas(instance: instance, []))
        case .listSchemas: return make(api.listSchemas(instance: instance))
        case .showSchema: return make(api.showSchemaEnvelope(instance: instance, name: object ?? "{name}"))
        case .deleteSchema: return make(api.deleteSchema(instance: instance, name: object ?? "{name}", deleteRDSData: deleteData))
        case .createAccounts: return make(api.createAccounts(instance: instance, []))
        case .listAccounts: return make(api.listAccounts(instance: instance))
        case .modifyAccount:
            // The description alone passes the request rules, which a route does not need.
            return make(try! api.modifyAccount(instance: instance, name: object ?? "{name}", ModifyAccountRequest(description: "")))
        case .deleteAccount: return make(api.deleteAccount(instance: instance, name: object ?? "{name}"))
        case .resetPassword: return make(api.resetPassword(instance: instance, account: object ?? "{name}", password: ""))
        case .listEngines: return make(api.listEngines())
        case .listFlavors: return make(api.listFlavors(engineId: "{engine_id}"))
        case .listAvailableRDS: return make(api.listAvailableRDS(instance: instance))
        case .listNodes: return make(api.listNodes(instance: instance))
        case .showNode: return make(api.showNode(instance: instance, node: object ?? "{node_id}"))
        case .showJob: return make(api.showJobEnvelope(object ?? "{job_id}"))
        case .addNodes: return make(api.addNodes(instance: instance, zones: []))
        case .removeNodes: return make(api.removeNodes(instance: instance, count: 0))
        case .deleteNodes: return make(api.deleteNodes(instance: instance, nodes: []))
        case .restartNode: return make(api.restartNode(instance: instance, node: object ?? "{node_id}"))
        case .resizeFlavor: return make(api.resizeFlavor(instance: instance, code: ""))
        case .showParameters: return make(api.showParameters(instance: instance))
        case .modifyParameters: return make(api.modifyParametersV3(instance: instance, values: [:])!)
        case .listParameterTemplates: return make(api.listParameterTemplates())
        case .showParameterTemplate: return make(api.showParameterTemplate(object ?? "{config_id}"))
        case .modifyPort: return make(api.modifyPort(instance: instance, port: 0))
        case .switchSSL: return make(api.switchSSL(instance: instance, on: true))
        case .setReadOnly: return make(api.setReadOnly(instance: instance, on: true))
        case .bindEIP: return make(api.bindEIP(instance: instance, ip: "", id: ""))
        case .unbindEIP: return make(api.unbindEIP(instance: instance))
        case .resetAdministrator: return make(api.resetAdministrator(instance: instance, name: "", password: ""))
        case .listSlowQueries: return make(api.listSlowQueries(instance: instance, from: 0, to: 0))
        case .listLogicalProcesses: return make(api.listLogicalProcesses(instance: instance))
        case .killLogicalProcesses: return make(api.killLogicalProcesses(instance: instance, ids: []))
        case .listPhysicalProcesses: return make(api.listPhysicalProcesses(instance: instance))
        case .killPhysicalProcesses: return make(api.killPhysicalProcesses(instance: instance, ids: []))
        case .listTasks: return make(api.listTasks(from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 0)))
        case .listEngineVersions: return make(api.listEngineVersions(instance: instance))
        case .upgradeEngine: return make(api.upgradeEngine(instance: instance, to: ""))
        case .rollbackEngine: return make(api.rollbackEngine(instance: instance))
        }
    }

    private static func make<R>(_ op: DDMOperation<R>) -> Route {
        // Placeholders went through the path encoder like any name; put their braces back.
        let path = op.path.replacingOccurrences(of: "%7B", with: "{").replacingOccurrences(of: "%7D", with: "}")
        return Route(name: op.name, method: op.method, path: path, query: op.query.map { "\($0.0)=\($0.1)" }.joined(separator: "&"))
    }

    /// The v3 call's route, nil for an operation with none.
    private func v3Route(instance: String = "{instance_id}", object: String? = nil, deleteData: Bool = false) -> Route? {
        let api = DDMAPI(projectId: "{project_id}")
        func make<R>(_ op: DDMOperation<R>) -> Route { Self.make(op) }
        let name = object ?? "{name}"
        switch self {
        case .createInstance:
            return api.createInstanceV3(CreateInstanceRequest(name: "", flavorId: "", nodeNum: 0, engineId: "", availableZones: [], vpcId: "",
                                                              securityGroupId: "", subnetId: "", engineVersion: "", flavorCode: "")).map(make)
        case .listInstances: return make(api.listInstancesV3())
        case .showInstance: return make(api.showInstanceV3(instance))
        case .restartInstance: return api.restartInstanceV3(instance, type: .soft).map(make)
        case .deleteInstance: return make(api.deleteInstanceV3(instance, deleteData: deleteData))
        case .createSchemas:
            return api.createSchemaV3(instance: instance, CreateSchemaRequest(name: "", shardMode: .cluster, shardNumber: 0, usedRds: [])).map(make)
        case .showSchema: return make(api.showSchemaV3(instance: instance, name: name))
        case .deleteSchema: return make(api.deleteSchemaV3(instance: instance, name: name, deleteData: deleteData))
        case .createAccounts: return api.createAccountV3(instance: instance, CreateAccountRequest(name: "", password: "", baseAuthority: [])).map(make)
        case .listAccounts: return make(api.listAccountsV3(instance: instance))
        case .modifyAccount:
            guard let op = try? api.modifyAccountV3(instance: instance, name: name, ModifyAccountRequest(description: "")) else { return nil }
            return make(op)
        case .deleteAccount: return make(api.deleteAccountV3(instance: instance, name: name))
        case .resetPassword: return make(api.resetPasswordV3(instance: instance, account: name, password: ""))
        case .listEngines: return make(api.listEnginesV3())
        case .listFlavors: return make(api.listFlavorsV3(engineId: "{engine_id}"))
        case .listAvailableRDS: return make(api.listAvailableRDSV3(instance: instance))
        case .showNode: return make(api.showNodeV3(instance: instance, node: object ?? "{node_id}"))
        case .modifySecurityGroup: return make(api.modifySecurityGroupV3(instance, securityGroupId: ""))
        case .reloadTableData: return make(api.reloadTableDataV3(instance))
        case .syncDataNodes: return make(api.syncDataNodesV3(instance))
        case .modifyParameters: return make(api.modifyParametersV31(instance: instance, values: [:]))
        case .modifyInstanceName: return make(api.modifyInstanceNameV3(instance, name: ""))
        case .listSchemas, .listNodes, .showJob: return nil
        // Sent in one version only: v3 (v2 for scaling in by count).
        case .addNodes, .removeNodes, .deleteNodes, .restartNode, .resizeFlavor, .showParameters, .listParameterTemplates,
             .showParameterTemplate, .modifyPort, .switchSSL, .setReadOnly, .bindEIP, .unbindEIP, .resetAdministrator,
             .listSlowQueries, .listLogicalProcesses, .killLogicalProcesses, .listPhysicalProcesses, .killPhysicalProcesses,
             .listTasks, .listEngineVersions, .upgradeEngine, .rollbackEngine:
            return nil
        }
    }
}
