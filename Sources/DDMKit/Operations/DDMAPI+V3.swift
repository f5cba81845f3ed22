/// The v3 calls, method, path, query and body from the SDK's `_<op>_http_info` and request
/// models (`huaweicloudsdkddm` 3.1.219). A builder returns nil when v3 cannot express the request
/// (docs/client.md, "API versions"); the client then needs the older call.
extension DDMAPI {
    func v3(_ rest: String...) -> String { PathBuilder.path(["v3", projectId] + rest) }

    /// Why a request has no v3 form, or nil when it has one.
    public enum V3Gap {
        static let hardRestart = "a hard restart (v3 restart takes no type)"
        static let shardUnit = "an uneven shard unit (v3 create schema has no shard_unit)"
        static let extended = "extended privileges (fulltable…; v3 accounts have no extend_authority)"
        static let lifetime = "a password lifetime (only v3 accounts have password_lifetime)"
        static let engineAndFlavor = "an engine id and flavor id without their version and code"
    }
}

// MARK: - Instances

extension DDMAPI {
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

    /// `sync_dn_information`: no body, an empty answer (no job to follow).
    func syncDataNodesV3(_ id: String) -> DDMOperation<Empty> {
        DDMOperation(name: "sync data nodes", method: "POST", path: v3("instances", id, "data-nodes", "sync"), repeatability: .safe)
    }

    func deleteInstanceV3(_ id: String, deleteData: Bool) -> DDMOperation<JobAnswerV3> {
        DDMOperation(name: "delete instance", method: "DELETE", path: v3("instances", id),
                     query: [("delete_dn_data", deleteData ? "true" : "false")], repeatability: .safe)
    }
}

// MARK: - Schemas

extension DDMAPI {
    private struct CreateSchemaV3Body: Encodable {
        struct DataNode: Encodable { var id: String; var user_name: String; var user_password: String }
        var name: String
        var shard_mode: String
        var shard_number: Int
        var dn_instances: [DataNode]
    }

    /// One schema per call in v3. v3 has no shard unit: one that spreads the shards evenly over
    /// the data nodes (the only kind v1 accepts) is what the service derives anyway.
    func createSchemaV3(instance: String, _ s: CreateSchemaRequest) -> DDMOperation<JobAnswerV3>? {
        if let unit = s.shardUnit, unit * max(1, s.usedRds.count) != s.shardNumber { return nil }
        let body = CreateSchemaV3Body(name: s.name, shard_mode: s.shardMode.rawValue, shard_number: s.shardNumber,
                                      dn_instances: s.usedRds.map { .init(id: $0.id, user_name: $0.adminUser, user_password: $0.adminPassword) })
        return DDMOperation(name: "create schema", method: "POST", path: v3("instances", instance, "databases"),
                            body: JSONBody.encode(body), repeatability: createSchemas(instance: instance, [s]).repeatability.answering { _ in JobAnswerV3(name: s.name) })
    }

    func showSchemaV3(instance: String, name: String) -> DDMOperation<SchemaDetailV3> {
        DDMOperation(name: "show schema", method: "GET", path: v3("instances", instance, "databases", name), repeatability: .safe)
    }

    func deleteSchemaV3(instance: String, name: String, deleteData: Bool) -> DDMOperation<JobAnswerV3> {
        DDMOperation(name: "delete schema", method: "DELETE", path: v3("instances", instance, "databases", name),
                     query: [("delete_dn_data", deleteData ? "true" : "false")], repeatability: .safe)
    }
}

// MARK: - Accounts

extension DDMAPI {
    private struct CreateUserV3Body: Encodable {
        var name: String
        var password: String
        var base_authority: [String]
        var description: String?
        var databases: [NameOnly]?
        var password_lifetime: Int?
    }

    /// One account per call in v3.
    func createAccountV3(instance: String, _ a: CreateAccountRequest) -> DDMOperation<Empty>? {
        guard (a.extendAuthority ?? []).isEmpty else { return nil }
        let body = CreateUserV3Body(name: a.name, password: a.password, base_authority: a.baseAuthority.map(\.rawValue),
                                    description: a.description, databases: a.databases, password_lifetime: a.passwordLifetime)
        return DDMOperation(name: "create account", method: "POST", path: v3("instances", instance, "users"),
                            body: JSONBody.encode(body), repeatability: createAccounts(instance: instance, [a]).repeatability.answering { _ in Empty() })
    }

    func listAccountsV3(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AccountPageV3> {
        DDMOperation(name: "list accounts", method: "GET", path: v3("instances", instance, "users"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct UpdateUserV3Body: Encodable {
        var base_authority: [String]?
        var description: String?
        var databases: [NameOnly]?
        var password_lifetime: Int?
    }

    /// An empty extended set is nothing to say in v3, which has none.
    func modifyAccountV3(instance: String, name: String, _ c: ModifyAccountRequest) throws -> DDMOperation<Empty>? {
        try ModifyAccountRules.check(c)
        guard (c.extendAuthority ?? []).isEmpty else { return nil }
        let body = UpdateUserV3Body(base_authority: c.baseAuthority?.map(\.rawValue), description: c.description, databases: c.databases,
                                    password_lifetime: c.passwordLifetime)
        return DDMOperation(name: "modify account", method: "PUT", path: v3("instances", instance, "users", name),
                            body: JSONBody.encode(body), repeatability: .safe)
    }

    func deleteAccountV3(instance: String, name: String) -> DDMOperation<Empty> {
        DDMOperation(name: "delete account", method: "DELETE", path: v3("instances", instance, "users", name), repeatability: .safe)
    }

    private struct PasswordV3Body: Encodable { var password: String }

    func resetPasswordV3(instance: String, account: String, password: String) -> DDMOperation<Empty> {
        DDMOperation(name: "reset account password", method: "POST", path: v3("instances", instance, "users", account, "password"),
                     body: JSONBody.encode(PasswordV3Body(password: password)), repeatability: .safe)
    }
}

// MARK: - Helpers

extension DDMAPI {
    func listEnginesV3(offset: Int? = nil, limit: Int? = nil) -> DDMOperation<EnginePageV3> {
        DDMOperation(name: "list engines", method: "GET", path: v3("engines"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    func listFlavorsV3(engineId: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<FlavorPageV3> {
        DDMOperation(name: "list flavors", method: "GET", path: v3("flavors"),
                     query: [("engine_id", engineId)] + pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    func listAvailableRDSV3(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AvailableRDSPageV3> {
        DDMOperation(name: "list available rds", method: "GET", path: v3("instances", instance, "available-data-nodes"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    func showNodeV3(instance: String, node: String) -> DDMOperation<NodeDetailV3> {
        DDMOperation(name: "show node", method: "GET", path: v3("instances", instance, "nodes", node), repeatability: .safe)
    }
}
