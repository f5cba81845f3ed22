import Foundation

/// Schemas (logical databases): create, list, show, delete.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let schemas: [DDMOperationID] = [.createSchemas, .listSchemas, .showSchema, .deleteSchema]

    public static let createSchemas = DDMOperationID("createSchemas", sdk: "create_database", v3: "create_ddm_database") { api, at in
        Routes(api.createSchemas(instance: at.instance, []),
               v3: api.createSchemaV3(instance: at.instance, CreateSchemaRequest(name: "", shardMode: .cluster, shardNumber: 2, usedRds: [])))
    }

    public static let listSchemas = DDMOperationID("listSchemas", sdk: "list_databases", v3: nil) { api, at in
        Routes(api.listSchemas(instance: at.instance))
    }

    public static let showSchema = DDMOperationID("showSchema", sdk: "show_database", v3: "show_instance_database") { api, at in
        Routes(api.showSchemaEnvelope(instance: at.instance, name: at.object ?? "{name}"),
               v3: api.showSchemaV3(instance: at.instance, name: at.object ?? "{name}"))
    }

    public static let deleteSchema = DDMOperationID("deleteSchema", sdk: "delete_database", v3: "delete_ddm_database") { api, at in
        Routes(api.deleteSchema(instance: at.instance, name: at.object ?? "{name}", deleteRDSData: at.deleteData),
               v3: api.deleteSchemaV3(instance: at.instance, name: at.object ?? "{name}", deleteData: at.deleteData))
    }
}

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

    private struct CreateSchemaV3Body: Encodable {
        struct DataNode: Encodable { var id: String; var user_name: String; var user_password: String }
        var name: String
        var shard_mode: String
        var shard_number: Int
        var dn_instances: [DataNode]
    }

    /// One schema per call in v3. v3 has no shard unit: one that spreads the shards evenly over
    /// the data nodes (the only kind v1 accepts) is what the service derives anyway. Without a
    /// unit a cluster needs more shards than data nodes (the SDK's `shard_number`: "shard_unit
    /// empty: greater than the DN count"), so one shard per data node is v1's (unit 1).
    func createSchemaV3(instance: String, _ s: CreateSchemaRequest) -> DDMOperation<JobAnswerV3>? {
        if let unit = s.shardUnit, unit * max(1, s.usedRds.count) != s.shardNumber { return nil }
        if s.shardMode == .cluster, s.shardNumber <= s.usedRds.count { return nil }
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

extension DDMClient {
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
                            older: {
            guard let d = try await send(api.showSchemaEnvelope(instance: instance, name: name)).database else {
                throw DDMError.emptyAnswer("show schema", "schema \(name)")
            }
            return d
        })
    }
    @discardableResult
    public func deleteSchema(instance: String, name: String, deleteRDSData: Bool = false) async throws -> JobOnly {
        try await versioned(.deleteSchema, v3: {
            JobOnly(jobId: try await self.send(self.api.deleteSchemaV3(instance: instance, name: name, deleteData: deleteRDSData)).jobId)
        }, older: { try await send(api.deleteSchema(instance: instance, name: name, deleteRDSData: deleteRDSData)) })
    }
    public func allSchemas(instance: String) async throws -> [Schema] {
        try await collectPages { offset, limit in
            let p = try await self.listSchemas(instance: instance, offset: offset, limit: limit)
            return (p.databases, p.total)
        }
    }
}
