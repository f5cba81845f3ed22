import DDMKit

/// What a run needs from the service that the compiler cannot know, checked before its first
/// write so that a run (and its dry run) fails where it would fail, not halfway: today, that
/// every schema a grant or a new account names exists, or is created earlier in the same run.
/// One read of the schema list, and only for runs that name schemas.
extension Evaluator {
    func preflight(_ plan: Plan) async throws {
        var created: Set<String> = []
        var named: [(schema: String, step: PlanStep, range: SourceRange, file: String)] = []
        // The instance the named schemas are on: the current one, or the one a `use instance`
        // before them selects (as most scripts begin).
        var used: String?
        scan: for step in plan.steps {
            if let use = step.step as? UseInstance<Resolved> {
                guard named.isEmpty else { break scan }
                used = use.instance
                created = []
                continue
            }
            // A batch names its schemas per statement, and is blamed where each names them.
            if let batch = step.step.grants {
                for c in batch.changes where c.kind != .revoke {
                    for s in c.schemas ?? [] where !created.contains(s) { named.append((s, step, c.range, c.file)) }
                }
                continue
            }
            switch step.step.schemaEffect {
            case .creates(let name): created.insert(name)
            case .drops(let name): created.remove(name)
            // Another instance from here on: its schemas are its own.
            case .otherInstance: break scan
            case .needs(let schemas):
                for s in schemas where !created.contains(s) { named.append((s, step, step.range, step.file)) }
            case .none: continue
            }
        }
        guard !named.isEmpty, used != nil || currentInstance != nil || pendingInstance != nil else { return }
        // Calls are the budget: a run whose only write is one statement has nothing to leave half
        // done (the service refuses a missing schema for every account alike), so it spends no read
        // on the check. A dry run always checks: it has no write to be refused.
        if !options.dryRun, let only = named.first?.step, named.allSatisfy({ $0.step.range == only.range }),
           plan.steps.filter({ !$0.step.onlyReads }).count == 1 {
            if let batch = only.step.grants { if batch.changes.count == 1 { return } }
            else if case .needs = only.step.schemaEffect { return }
        }
        // Resolved through the session's instance list, which `use instance` then reads again
        // from the cache: no call of its own.
        var target: Instance?
        if let used { target = try await resolve(used) }
        let id: String
        if let target { id = target.id } else { id = try await instanceId() }
        let live = Set(try await client.allSchemas(instance: id).map { $0.name.lowercased() })
            .union(dryRunSchemas)
        var reported: Set<String> = []
        let missing = named.filter { !live.contains($0.schema) && reported.insert($0.schema).inserted }
        guard !missing.isEmpty else { return }
        let instance = target?.name ?? currentInstanceName ?? "the instance"
        throw BatchFailure(diagnostics: missing.map {
            Diagnostic(.error, "schema \($0.schema) does not exist on \(instance) (see 'show schemas;'); nothing was run",
                       at: $0.range, file: $0.file, focus: $0.schema)
        }, applied: [])
    }
}
