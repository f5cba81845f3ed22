import DDMKit

/// The `show` statements: read, then print one of `ShowTables`' layouts.
extension Evaluator {
    func show(_ action: Action) async throws {
        switch action {
        case .showInstances:
            await sink.table(ShowTables.instances(try await instances(refresh: true)))
        case .showInstance(let ref):
            let listed = try await resolve(ref)
            var detail = try await client.showInstance(listed.id).completed(with: listed)
            if detail.nodes?.contains(where: { $0.ip == nil }) == true {
                detail = detail.withNodeAddresses(try await client.listNodes(instance: listed.id, limit: 128).nodes)
            }
            // DDM's API does not report read-only: what ddmsh last set is shown as such.
            let readOnly = options.journalDirectory.flatMap { Journal.lastReadOnly(instance: listed.id, in: $0) }
            for t in ShowTables.instance(detail, readOnly: readOnly) { await sink.table(t) }
        case .showEngines:
            await sink.table(ShowTables.engines(try await client.listEngines(limit: 128).engineGroups))
        case .showFlavors:
            var byEngine: [(engine: EngineGroup, flavors: [Flavor])] = []
            for e in try await client.listEngines(limit: 128).engineGroups {
                byEngine.append((e, try await client.listFlavors(engineId: e.id, limit: 128).computeFlavorGroups.flatMap(\.computeFlavors)))
            }
            await sink.table(ShowTables.flavors(byEngine))
        case .showJob(let id):
            await sink.table(ShowTables.job(try await client.showJob(id)))
        case .showAudit(let limit):
            guard let path = (client.configuration.audit as? AuditFile)?.path else {
                throw EvaluationError("the audit log is off (--audit-log off)")
            }
            await sink.table(ShowTables.audit(try AuditFile.newest(limit, at: path)))
        case .showNodes:
            await sink.table(ShowTables.nodes(try await client.listNodes(instance: try await instanceId(), limit: 128).nodes))
        default:
            preconditionFailure("not a show statement: \(action)")
        }
    }
}
