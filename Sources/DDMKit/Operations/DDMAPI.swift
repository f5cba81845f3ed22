/// The DDM operations as `Operation` values, one static function each. The
/// client's typed methods are thin wrappers over these.
public struct DDMAPI: Sendable {
    public let projectId: String

    public init(projectId: String) { self.projectId = projectId }

    private func v1(_ rest: String...) -> String { PathBuilder.path(["v1", projectId] + rest) }
    func v2(_ rest: String...) -> String { PathBuilder.path(["v2", projectId] + rest) }
}

extension PathBuilder {
    static func path(_ segments: [String]) -> String {
        "/" + segments.map { CanonicalQueryEncoding.segment($0) }.joined(separator: "/")
    }
}

// MARK: - Instances

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

    /// OTC's API reference, "Synchronizing Data Node Information" (ddm_api_01_0081): no body,
    /// answers `{instanceId, jobId}`. Not in the pinned SDK, which has only the v3 call.
    public func syncDataNodes(_ id: String) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "sync data nodes", method: "POST", path: v1("instances", id, "rds", "sync"), repeatability: .safe)
    }
}

public struct NameResult: Decodable, Sendable, Equatable { public var name: String? }
public struct SecurityGroupResult: Decodable, Sendable, Equatable { public var securityGroupId: String? }

// MARK: - Schemas

extension DDMAPI {
    private struct CreateSchemasBody: Encodable { var databases: [CreateSchemaRequest] }

    public func createSchemas(instance: String, _ schemas: [CreateSchemaRequest]) -> DDMOperation<CreateSchemaResult> {
        DDMOperation(name: "create schema", method: "POST", path: v1("instances", instance, "databases"),
                  body: JSONBody.encode(CreateSchemasBody(databases: schemas)),
                  repeatability: .create(check: { client in
                      let existing = Set(try await client.allSchemas(instance: instance).map { $0.name.lowercased() })
                      guard schemas.allSatisfy({ existing.contains($0.name.lowercased()) }) else { return nil }
                      return CreateSchemaResult(databases: schemas.map { NameOnly(name: $0.name) }, jobId: nil)
                  }))
    }

    public func listSchemas(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<SchemaPage> {
        DDMOperation(name: "list schemas", method: "GET", path: v1("instances", instance, "databases"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    func showSchemaEnvelope(instance: String, name: String) -> DDMOperation<SchemaDetailEnvelope> {
        DDMOperation(name: "show schema", method: "GET", path: v1("instances", instance, "databases", name), repeatability: .safe)
    }

    public func deleteSchema(instance: String, name: String, deleteRDSData: Bool = false) -> DDMOperation<JobOnly> {
        DDMOperation(name: "delete schema", method: "DELETE", path: v1("instances", instance, "databases", name),
                  query: [("delete_rds_data", deleteRDSData ? "true" : "false")], repeatability: .safe)
    }
}

// MARK: - Accounts

extension DDMAPI {
    private struct CreateUsersBody: Encodable { var users: [CreateAccountRequest] }

    public func createAccounts(instance: String, _ accounts: [CreateAccountRequest]) -> DDMOperation<CreateAccountsResult> {
        DDMOperation(name: "create account", method: "POST", path: v1("instances", instance, "users"),
                  body: JSONBody.encode(CreateUsersBody(users: accounts)),
                  repeatability: .create(check: { client in
                      let existing = Set(try await client.allAccounts(instance: instance).map(\.name))
                      guard accounts.allSatisfy({ existing.contains($0.name) }) else { return nil }
                      return CreateAccountsResult(users: accounts.map { NameOnly(name: $0.name) })
                  }))
    }

    public func listAccounts(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AccountPage> {
        DDMOperation(name: "list accounts", method: "GET", path: v1("instances", instance, "users"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct ModifyUserBody: Encodable { var user: ModifyAccountRequest }

    /// Checks the seed's rules first and throws a `DDMError` naming the broken rule.
    public func modifyAccount(instance: String, name: String, _ change: ModifyAccountRequest) throws -> DDMOperation<NameResult> {
        try ModifyAccountRules.check(change)
        return DDMOperation(name: "modify account", method: "PUT", path: v1("instances", instance, "users", name),
                         body: JSONBody.encode(ModifyUserBody(user: change)), repeatability: .safe)
    }

    public func deleteAccount(instance: String, name: String) -> DDMOperation<NameResult> {
        DDMOperation(name: "delete account", method: "DELETE", path: v1("instances", instance, "users", name), repeatability: .safe)
    }

    private struct PasswordBody: Encodable { var password: String }

    public func resetPassword(instance: String, account: String, password: String) -> DDMOperation<PasswordResetResult> {
        DDMOperation(name: "reset account password", method: "POST",
                  path: v2("instances", instance, "users", account, "password"),
                  body: JSONBody.encode(PasswordBody(password: password)), repeatability: .safe)
    }
}

// MARK: - Helpers

extension DDMAPI {
    public func listEngines(offset: Int? = nil, limit: Int? = nil) -> DDMOperation<EnginePage> {
        DDMOperation(name: "list engines", method: "GET", path: v2("engines"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func listFlavors(engineId: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<FlavorPage> {
        DDMOperation(name: "list flavors", method: "GET", path: v2("flavors"),
                  query: [("engine_id", engineId)] + pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func listAvailableRDS(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AvailableRDSPage> {
        DDMOperation(name: "list available rds", method: "GET", path: v1("instances", instance, "rds"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func listNodes(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<NodePage> {
        DDMOperation(name: "list nodes", method: "GET", path: v1("instances", instance, "nodes"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    public func showNode(instance: String, node: String) -> DDMOperation<NodeDetail> {
        DDMOperation(name: "show node", method: "GET", path: v1("instances", instance, "nodes", node), repeatability: .safe)
    }

    func showJobEnvelope(_ id: String) -> DDMOperation<JobEnvelope> {
        DDMOperation(name: "show job", method: "GET", path: PathBuilder.path(["v3", projectId, "jobs", id]), repeatability: .safe)
    }

    func apiVersions() -> DDMOperation<APIVersionList> {
        DDMOperation(name: "list api versions", method: "GET", path: "/", repeatability: .safe)
    }
}
