import Foundation

/// Instances: create, list, show, restart, delete, rename, security group, reload.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let instances: [DDMOperationID] = [.createInstance, .listInstances, .showInstance, .restartInstance, .deleteInstance, .modifyInstanceName, .modifySecurityGroup, .reloadTableData]

    public static let createInstance = DDMOperationID("createInstance", sdk: "create_instance", v3: "create_ddm_instance") { api, _ in
        let request = CreateInstanceRequest(name: "", flavorId: "", nodeNum: 0, engineId: "", availableZones: [], vpcId: "",
                                            securityGroupId: "", subnetId: "", engineVersion: "", flavorCode: "")
        return Routes(api.createInstance(request), v3: api.createInstanceV3(request))
    }

    public static let listInstances = DDMOperationID("listInstances", sdk: "list_instances", v3: "list_ddms") { api, at in
        Routes(api.listInstances(),
               v3: api.listInstancesV3())
    }

    public static let showInstance = DDMOperationID("showInstance", sdk: "show_instance", v3: "show_ddm_detail") { api, at in
        Routes(api.showInstance(at.instance),
               v3: api.showInstanceV3(at.instance))
    }

    public static let restartInstance = DDMOperationID("restartInstance", sdk: "restart_instance", v3: "restart_ddm_instance") { api, at in
        Routes(api.restartInstance(at.instance),
               v3: api.restartInstanceV3(at.instance, type: .soft))
    }

    public static let deleteInstance = DDMOperationID("deleteInstance", sdk: "delete_instance", v3: "delete_ddm_instance") { api, at in
        Routes(api.deleteInstance(at.instance, deleteRDSData: at.deleteData),
               v3: api.deleteInstanceV3(at.instance, deleteData: at.deleteData))
    }

    public static let modifyInstanceName = DDMOperationID("modifyInstanceName", sdk: "update_instance_name", v3: "update_ddm_instance_name") { api, at in
        Routes(api.modifyInstanceName(at.instance, name: ""),
               v3: api.modifyInstanceNameV3(at.instance, name: ""))
    }

    public static let modifySecurityGroup = DDMOperationID("modifySecurityGroup", sdk: "update_instance_security_group", v3: "update_ddm_instance_security_group") { api, at in
        Routes(api.modifySecurityGroup(at.instance, securityGroupId: ""),
               v3: api.modifySecurityGroupV3(at.instance, securityGroupId: ""))
    }

    public static let reloadTableData = DDMOperationID("reloadTableData", sdk: "rebuild_config", v3: "rebuild_ddm_config") { api, at in
        Routes(api.reloadTableData(at.instance),
               v3: api.reloadTableDataV3(at.instance))
    }
}

extension DDMAPI {
    private struct CreateInstanceBody: Encodable { var instance: CreateInstanceRequest }

    public func createInstance(_ request: CreateInstanceRequest) -> DDMOperation<CreateInstanceResult> {
        DDMOperation(name: "create instance", method: "POST", path: v1("instances"),
                  body: JSONBody.encode(CreateInstanceBody(instance: request)),
                  repeatability: .create(check: { client in
                      // Names may repeat: only a just-created (CREATING) one can be ours.
                      let found = try await client.allInstances().last {
                          $0.name == request.name && ($0.status == "CREATING" || $0.status == "RUNNING")
                      }
                      return found.map { CreateInstanceResult(id: $0.id, jobId: nil, orderId: nil) }
                  }))
    }

    public func listInstances(offset: Int? = nil, limit: Int? = nil) -> DDMOperation<InstancePage> {
        DDMOperation(name: "list instances", method: "GET", path: v1("instances"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func showInstance(_ id: String) -> DDMOperation<Instance> {
        DDMOperation(name: "show instance", method: "GET", path: v1("instances", id), repeatability: .safe)
    }

    private struct RestartBody: Encodable {
        struct Restart: Encodable { var type: RestartType }
        var restart: Restart
    }

    public func restartInstance(_ id: String, type: RestartType = .soft) -> DDMOperation<RestartResult> {
        DDMOperation(name: "restart instance", method: "POST", path: v1("instances", id, "action"),
                  body: JSONBody.encode(RestartBody(restart: .init(type: type))), repeatability: .once)
    }

    /// `deleteRDSData` is always sent explicitly: the default differs between sources.
    public func deleteInstance(_ id: String, deleteRDSData: Bool = false) -> DDMOperation<DeleteInstanceResult> {
        DDMOperation(name: "delete instance", method: "DELETE", path: v1("instances", id),
                  query: [("delete_rds_data", deleteRDSData ? "true" : "false")], repeatability: .safe)
    }

    private struct NameBody: Encodable { var name: String }

    public func modifyInstanceName(_ id: String, name: String) -> DDMOperation<NameResult> {
        DDMOperation(name: "modify instance name", method: "PUT", path: v1("instances", id, "modify-name"),
                  body: JSONBody.encode(NameBody(name: name)), repeatability: .safe)
    }

    private struct SecurityGroupBody: Encodable {
        var securityGroupId: String
        enum CodingKeys: String, CodingKey { case securityGroupId = "security_group_id" }
    }

    public func modifySecurityGroup(_ id: String, securityGroupId: String) -> DDMOperation<SecurityGroupResult> {
        DDMOperation(name: "modify security group", method: "PUT", path: v1("instances", id, "modify-security-group"),
                  body: JSONBody.encode(SecurityGroupBody(securityGroupId: securityGroupId)), repeatability: .safe)
    }

    public func reloadTableData(_ id: String) -> DDMOperation<Empty> {
        DDMOperation(name: "reload table data", method: "POST", path: v1("instances", id, "reload-config"),
                  body: Array("{}".utf8), repeatability: .safe)
    }

    private struct CreateInstanceV3Body: Encodable {
        struct Charge: Encodable { var charge_mode: String }
        var name: String
        var available_zones: [String]
        var node_num: Int
        var engine_version: String
        var flavor_ref: String
        var vpc_id: String
        var subnet_id: String
        var security_group_id: String
        var param_group_id: String?
        var enterprise_project_id: String?
        var time_zone: String?
        var admin_user_name: String?
        var admin_user_password: String?
        /// v1 has no charge info and creates pay-per-use instances; v3 says so explicitly.
        var charge_info = Charge(charge_mode: "postPaid")
    }

    func createInstanceV3(_ r: CreateInstanceRequest) -> DDMOperation<JobAnswerV3>? {
        guard let version = r.engineVersion, let code = r.flavorCode else { return nil }
        let body = CreateInstanceV3Body(
            name: r.name, available_zones: r.availableZones, node_num: r.nodeNum, engine_version: version, flavor_ref: code,
            vpc_id: r.vpcId, subnet_id: r.subnetId, security_group_id: r.securityGroupId, param_group_id: r.paramGroupId,
            enterprise_project_id: r.enterpriseProjectId, time_zone: r.timeZone, admin_user_name: r.adminUserName,
            admin_user_password: r.adminUserPassword)
        return DDMOperation(name: "create instance", method: "POST", path: v3("instances"), body: JSONBody.encode(body),
                            repeatability: createInstance(r).repeatability.answering { ($0 as? CreateInstanceResult).map { JobAnswerV3(jobId: $0.jobId, id: $0.id) } })
    }

    func listInstancesV3(offset: Int? = nil, limit: Int? = nil) -> DDMOperation<InstancePageV3> {
        DDMOperation(name: "list instances", method: "GET", path: v3("instances"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    func showInstanceV3(_ id: String) -> DDMOperation<InstanceDetailPageV3> {
        DDMOperation(name: "show instance", method: "GET", path: v3("instances", id), repeatability: .safe)
    }

    func restartInstanceV3(_ id: String, type: RestartType) -> DDMOperation<JobAnswerV3>? {
        guard type == .soft else { return nil }
        return DDMOperation(name: "restart instance", method: "POST", path: v3("instances", id, "restart"), repeatability: .once)
    }

    private struct SecurityGroupV3Body: Encodable { var security_group_id: String }

    func modifySecurityGroupV3(_ id: String, securityGroupId: String) -> DDMOperation<Empty> {
        DDMOperation(name: "modify security group", method: "PUT", path: v3("instances", id, "security-group"),
                     body: JSONBody.encode(SecurityGroupV3Body(security_group_id: securityGroupId)), repeatability: .safe)
    }

    private struct InstanceNameV3Body: Encodable { var name: String }

    /// `update_ddm_instance_name` (PUT `/v3/{project_id}/instances/{instance_id}/name`); answers `job_id`.
    func modifyInstanceNameV3(_ id: String, name: String) -> DDMOperation<JobOnly> {
        DDMOperation(name: "modify instance name", method: "PUT", path: v3("instances", id, "name"),
                     body: JSONBody.encode(InstanceNameV3Body(name: name)), repeatability: .safe)
    }

    func reloadTableDataV3(_ id: String) -> DDMOperation<Empty> {
        DDMOperation(name: "reload table data", method: "POST", path: v3("instances", id, "reload-config"), repeatability: .safe)
    }

    func deleteInstanceV3(_ id: String, deleteData: Bool) -> DDMOperation<JobAnswerV3> {
        DDMOperation(name: "delete instance", method: "DELETE", path: v3("instances", id),
                     query: [("delete_dn_data", deleteData ? "true" : "false")], repeatability: .safe)
    }
}

extension DDMClient {
    public func createInstance(_ request: CreateInstanceRequest) async throws -> CreateInstanceResult {
        try await versioned(.createInstance, gap: DDMAPI.V3Gap.engineAndFlavor, v3: api.createInstanceV3(request).map { op in {
            let r = try await self.send(op)
            return CreateInstanceResult(id: r.id, jobId: r.jobId, orderId: r.orderId)
        } }, older: { try await send(api.createInstance(request)) })
    }
    public func listInstances(offset: Int? = nil, limit: Int? = nil) async throws -> InstancePage {
        try await versioned(.listInstances, v3: { try await self.send(self.api.listInstancesV3(offset: offset, limit: limit)).common },
                            older: { try await send(api.listInstances(offset: offset, limit: limit)) })
    }
    public func showInstance(_ id: String) async throws -> Instance {
        try await versioned(.showInstance, v3: { try await self.send(self.api.showInstanceV3(id)).common(id: id) },
                            older: { try await send(api.showInstance(id)) })
    }
    public func restartInstance(_ id: String, type: RestartType = .soft) async throws -> RestartResult {
        try await versioned(.restartInstance, gap: DDMAPI.V3Gap.hardRestart, v3: api.restartInstanceV3(id, type: type).map { op in {
            RestartResult(instanceId: id, jobId: try await self.send(op).jobId)
        } }, older: { try await send(api.restartInstance(id, type: type)) })
    }
    public func deleteInstance(_ id: String, deleteRDSData: Bool = false) async throws -> DeleteInstanceResult {
        try await versioned(.deleteInstance, v3: {
            let r = try await self.send(self.api.deleteInstanceV3(id, deleteData: deleteRDSData))
            return DeleteInstanceResult(id: r.id ?? id, jobId: r.jobId)
        }, older: { try await send(api.deleteInstance(id, deleteRDSData: deleteRDSData)) })
    }
    @discardableResult
    public func modifyInstanceName(_ id: String, name: String) async throws -> NameResult {
        try await versioned(.modifyInstanceName, v3: {
            NameResult(name: name, jobId: try await self.send(self.api.modifyInstanceNameV3(id, name: name)).jobId)
        }, older: { try await send(api.modifyInstanceName(id, name: name)) })
    }
    @discardableResult
    public func modifySecurityGroup(_ id: String, securityGroupId: String) async throws -> SecurityGroupResult {
        try await versioned(.modifySecurityGroup, v3: {
            _ = try await self.send(self.api.modifySecurityGroupV3(id, securityGroupId: securityGroupId))
            return SecurityGroupResult(securityGroupId: securityGroupId)
        }, older: { try await send(api.modifySecurityGroup(id, securityGroupId: securityGroupId)) })
    }
    public func reloadTableData(_ id: String) async throws {
        try await versioned(.reloadTableData, v3: { _ = try await self.send(self.api.reloadTableDataV3(id)) },
                            older: { _ = try await send(api.reloadTableData(id)) })
    }
    public func allInstances() async throws -> [Instance] {
        try await collectPages { offset, limit in
            let p = try await self.listInstances(offset: offset, limit: limit)
            return (p.instances, p.totalRecord)
        }
    }
}
