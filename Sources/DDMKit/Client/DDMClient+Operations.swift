/// Typed methods, one per operation, and the all-pages helpers.
extension DDMClient {
    public static let pageSize = 128

    // MARK: instances
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
            _ = try await self.send(self.api.modifyInstanceNameV3(id, name: name))
            return NameResult(name: name)
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

    /// Reads the data nodes' (RDS instances') settings again after a change on the RDS side;
    /// returns the job when the call is the v1 one (the v3 call answers nothing).
    public func syncDataNodes(instance id: String) async throws -> String? {
        try await versioned(.syncDataNodes, v3: { _ = try await self.send(self.api.syncDataNodesV3(id)); return nil },
                            older: { try await send(api.syncDataNodes(id)).jobId })
    }

    // MARK: schemas
    /// v3 creates one schema per call: several schemas are several calls there.
    public func createSchemas(instance: String, _ schemas: [CreateSchemaRequest]) async throws -> CreateSchemaResult {
        let v3 = schemas.map { api.createSchemaV3(instance: instance, $0) }
        return try await versioned(.createSchemas, gap: DDMAPI.V3Gap.shardUnit, v3: v3.contains { $0 == nil } ? nil : {
            var jobs: [String] = []
            for case let op? in v3 { if let job = try await self.send(op).jobId { jobs.append(job) } }
            return CreateSchemaResult(databases: schemas.map { NameOnly(name: $0.name) }, jobId: jobs.last)
        }, older: { try await send(api.createSchemas(instance: instance, schemas)) })
    }
    public func listSchemas(instance: String, offset: Int? = nil, limit: Int? = nil) async throws -> SchemaPage {
        try await send(api.listSchemas(instance: instance, offset: offset, limit: limit))
    }
    public func showSchema(instance: String, name: String) async throws -> SchemaDetail {
        try await versioned(.showSchema, v3: { try await self.send(self.api.showSchemaV3(instance: instance, name: name)).common },
                            older: { try await send(api.showSchemaEnvelope(instance: instance, name: name)).database })
    }
    @discardableResult
    public func deleteSchema(instance: String, name: String, deleteRDSData: Bool = false) async throws -> JobOnly {
        try await versioned(.deleteSchema, v3: {
            JobOnly(jobId: try await self.send(self.api.deleteSchemaV3(instance: instance, name: name, deleteData: deleteRDSData)).jobId)
        }, older: { try await send(api.deleteSchema(instance: instance, name: name, deleteRDSData: deleteRDSData)) })
    }

    // MARK: accounts
    /// v3 creates one account per call. Extended privileges exist only in v1: `auto` sends a
    /// request that carries them to v1 (the call that can do it), and reads that must show them
    /// (`allAccounts(instance:showingExtended:)`) go there too; `v3` refuses them.
    @discardableResult
    public func createAccounts(instance: String, _ accounts: [CreateAccountRequest]) async throws -> CreateAccountsResult {
        let v3 = accounts.map { api.createAccountV3(instance: instance, $0) }
        return try await versioned(.createAccounts, gap: DDMAPI.V3Gap.extended,
                                   v3: v3.contains { $0 == nil } ? nil : {
            for case let op? in v3 { _ = try await self.send(op) }
            return CreateAccountsResult(users: accounts.map { NameOnly(name: $0.name) })
        }, older: {
            guard accounts.allSatisfy({ $0.passwordLifetime == nil }) else { throw Self.onlyV3(.createAccounts, DDMAPI.V3Gap.lifetime) }
            return try await send(api.createAccounts(instance: instance, accounts))
        })
    }
    /// - Parameter showingExtended: the read must show extended privileges, which only v1's
    ///   list does: under `auto` it goes there (v3 is used only with `--api-version v3`).
    public func listAccounts(instance: String, offset: Int? = nil, limit: Int? = nil, showingExtended: Bool = false) async throws -> AccountPage {
        try await versioned(.listAccounts, gap: DDMAPI.V3Gap.extended, v3: showingExtended && configuration.apiVersion == .auto ? nil : {
            try await self.send(self.api.listAccountsV3(instance: instance, offset: offset, limit: limit)).common
        }, older: { try await send(api.listAccounts(instance: instance, offset: offset, limit: limit)) })
    }
    @discardableResult
    public func modifyAccount(instance: String, name: String, _ change: ModifyAccountRequest) async throws -> NameResult {
        let v3 = try api.modifyAccountV3(instance: instance, name: name, change)
        return try await versioned(.modifyAccount, gap: DDMAPI.V3Gap.extended, v3: v3.map { op in {
            _ = try await self.send(op)
            return NameResult(name: name)
        } }, older: {
            guard change.passwordLifetime == nil else { throw Self.onlyV3(.modifyAccount, DDMAPI.V3Gap.lifetime) }
            return try await send(try api.modifyAccount(instance: instance, name: name, change))
        })
    }
    @discardableResult
    public func deleteAccount(instance: String, name: String) async throws -> NameResult {
        try await versioned(.deleteAccount, v3: {
            _ = try await self.send(self.api.deleteAccountV3(instance: instance, name: name))
            return NameResult(name: name)
        }, older: { try await send(api.deleteAccount(instance: instance, name: name)) })
    }
    @discardableResult
    public func resetPassword(instance: String, account: String, password: String) async throws -> PasswordResetResult {
        try await versioned(.resetPassword, v3: {
            _ = try await self.send(self.api.resetPasswordV3(instance: instance, account: account, password: password))
            return PasswordResetResult(success: true, instanceId: instance, userName: account)
        }, older: { try await send(api.resetPassword(instance: instance, account: account, password: password)) })
    }

    // MARK: helpers
    public func listEngines(offset: Int? = nil, limit: Int? = nil) async throws -> EnginePage {
        try await versioned(.listEngines, v3: { try await self.send(self.api.listEnginesV3(offset: offset, limit: limit)).common },
                            older: { try await send(api.listEngines(offset: offset, limit: limit)) })
    }
    public func listFlavors(engineId: String, offset: Int? = nil, limit: Int? = nil) async throws -> FlavorPage {
        try await versioned(.listFlavors, v3: {
            try await self.send(self.api.listFlavorsV3(engineId: engineId, offset: offset, limit: limit)).common
        }, older: { try await send(api.listFlavors(engineId: engineId, offset: offset, limit: limit)) })
    }
    public func listAvailableRDS(instance: String, offset: Int? = nil, limit: Int? = nil) async throws -> AvailableRDSPage {
        try await versioned(.listAvailableRDS, v3: {
            try await self.send(self.api.listAvailableRDSV3(instance: instance, offset: offset, limit: limit)).common
        }, older: { try await send(api.listAvailableRDS(instance: instance, offset: offset, limit: limit)) })
    }
    public func listNodes(instance: String, offset: Int? = nil, limit: Int? = nil) async throws -> NodePage {
        try await send(api.listNodes(instance: instance, offset: offset, limit: limit))
    }
    public func showNode(instance: String, node: String) async throws -> NodeDetail {
        try await versioned(.showNode, v3: { try await self.send(self.api.showNodeV3(instance: instance, node: node)).common },
                            older: { try await send(api.showNode(instance: instance, node: node)) })
    }
    public func showJob(_ id: String) async throws -> Job { try await send(api.showJobEnvelope(id)).job }
    public func apiVersions() async throws -> [APIVersion] { try await send(api.apiVersions()).versions }

    // MARK: every page

    /// Pages by `offset += limit` until a short page or `offset ≥ total` (§3).
    static func collectPages<T>(limit: Int = pageSize,
                                _ page: (Int, Int) async throws -> (items: [T], total: Int?)) async throws -> [T] {
        var all: [T] = []
        var offset = 0
        while true {
            let (items, total) = try await page(offset, limit)
            all += items
            offset += limit
            if items.count < limit { break }
            if let total, offset >= total { break }
        }
        return all
    }

    public func allInstances() async throws -> [Instance] {
        try await Self.collectPages { offset, limit in
            let p = try await self.listInstances(offset: offset, limit: limit)
            return (p.instances, p.totalRecord)
        }
    }
    public func allSchemas(instance: String) async throws -> [Schema] {
        try await Self.collectPages { offset, limit in
            let p = try await self.listSchemas(instance: instance, offset: offset, limit: limit)
            return (p.databases, p.total)
        }
    }
    public func allAccounts(instance: String, showingExtended: Bool = false) async throws -> [Account] {
        try await Self.collectPages { offset, limit in
            let p: AccountPage
            do {
                p = try await self.listAccounts(instance: instance, offset: offset, limit: limit, showingExtended: showingExtended)
            } catch let e as DDMError where showingExtended && e.isMissingAPI {
                // An endpoint without v1's list: v3's is all there is, extended privileges unseen.
                p = try await self.listAccounts(instance: instance, offset: offset, limit: limit)
            }
            return (p.users, p.totalRecord)
        }
    }
    public func allAvailableRDS(instance: String) async throws -> [AvailableRDS] {
        try await Self.collectPages { offset, limit in
            let p = try await self.listAvailableRDS(instance: instance, offset: offset, limit: limit)
            return (p.instances, p.total)
        }
    }
}
