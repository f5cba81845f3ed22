import DDMKit

/// Schema statements.
extension Evaluator {
    func createSchema(_ s: SchemaPlan) async throws -> String? {
        let instance = try await instanceId()
        if s.ifNotExists, try await client.allSchemas(instance: instance).contains(where: { $0.name == s.name }) {
            await sink.message("schema \(s.name) already exists")
            return nil
        }
        let rdsIds = try await rdsIds(s.rds, instance: instance)
        let unit = s.mode == .single ? 1 : (s.shards + s.rds.count - 1) / s.rds.count
        if options.dryRun { dryRunSchemas.insert(s.name) }
        let adminPassword = try s.adminPassword.map { try secretForWrite($0, purpose: "RDS admin password") } ?? ""
        let request = CreateSchemaRequest(
            name: s.name, shardMode: s.mode, shardNumber: s.shards,
            shardUnit: s.shards % s.rds.count == 0 ? unit : nil,
            usedRds: rdsIds.map { RDSCredential(id: $0, adminUser: s.adminUser ?? "root", adminPassword: adminPassword) })
        let client = self.client
        let write = Write(summary: "create schema \(s.name)", journal: .createSchema(name: s.name)) {
            try await client.createSchemas(instance: instance, [request])
        }
        guard let r = try await perform(write) else { return nil }
        let shards = "\(s.shards) shard\(s.shards == 1 ? "" : "s")"
        guard s.wait else {
            // DDM sets the schema up after answering: say so, rather than "created" while it is CREATING.
            await sink.message("creating schema \(s.name) (\(shards)\(r.jobId.map { ", job \($0)" } ?? ""))")
            return "created schema \(s.name)"
        }
        try await waitRunning(instance, name: currentInstanceName ?? instance, job: r.jobId, operation: "create schema \(s.name)",
                              announce: false)
        await sink.message("created schema \(s.name) (\(shards))")
        return "created schema \(s.name)"
    }

    func dropSchema(_ name: String, ifExists: Bool, deleteData: Bool) async throws -> String? {
        let instance = try await instanceId()
        let client = self.client
        return try await drop("schema \(name)", ifExists: ifExists, Write(
            summary: "drop schema \(name)", question: "drop schema \(name)\(deleteData ? " and its data on the RDS instances" : "")? undo cannot bring it back",
            journal: .dropSchema(name: name)) {
            _ = try await client.deleteSchema(instance: instance, name: name, deleteRDSData: deleteData)
        })
    }

    /// RDS instances may be named by id or by name; names cost one read of the available list.
    func rdsIds(_ refs: [String], instance: String) async throws -> [String] {
        guard refs.contains(where: { !Names.looksLikeRDSId($0) }) else { return refs }
        let available = try await client.allAvailableRDS(instance: instance)
        return try refs.map { ref in
            if available.contains(where: { $0.id == ref }) || Names.looksLikeRDSId(ref) { return ref }
            let named = available.filter { $0.name == ref }
            if named.count == 1 { return named[0].id }
            if named.count > 1 {
                throw EvaluationError("RDS name '\(ref)' is ambiguous: \(named.map(\.id).joined(separator: ", ")); use the id", kind: .ambiguous)
            }
            throw EvaluationError("RDS instance '\(ref)' is not available to this instance; see 'show available rds;'", kind: .notFound)
        }
    }
}
