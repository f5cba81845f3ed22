import DDMKit

/// A secret behind `if not exists` is needed only when the object is missing, so the compiler
/// leaves an unavailable one to the run (a drift check of an instance in sync needs no password).
/// The run must then find out before its first write, not halfway: this reads whether each such
/// object exists (the reads the statements make anyway, kept in `known` for them) and refuses the
/// run, naming statement and variable, when one that a write will need is not there.
extension Evaluator {
    func preflightSecrets(_ plan: Plan) async throws {
        var pending: [(step: PlanStep, condition: SecretCondition, reason: String)] = []
        for step in plan.steps {
            guard let c = step.step.secretCondition else { continue }
            if let reason = c.secrets.lazy.compactMap({ self.secrets.unavailable($0) }).first { pending.append((step, c, reason)) }
        }
        guard !pending.isEmpty else { return }
        var failures: [Diagnostic] = []
        // The instance each step will run on, and the objects earlier steps may remove: an object
        // found now but dropped before its step counts as missing.
        var instance: String? = currentInstance?.id ?? pendingInstance
        var removed: Set<SecretCondition.Object> = []
        var unknownFrom: Int?
        for (index, step) in plan.steps.enumerated() {
            let s = step.step
            if let use = s as? UseInstance<Resolved> {
                instance = use.instance
                removed = []
                continue
            }
            switch s.schemaEffect {
            case .drops(let name): removed.insert(.schema(name))
            case .otherInstance: if unknownFrom == nil { unknownFrom = index }
            default: break
            }
            if let drop = s as? DropUser<Resolved> { removed.insert(.account(drop.name)) }
            guard let p = pending.first(where: { $0.step.range == step.range && $0.step.file == step.file }) else { continue }
            let needed: Bool
            if unknownFrom != nil || removed.contains(p.condition.object) {
                needed = true
            } else if let instance {
                do { needed = try await !exists(p.condition.object, on: instance) } catch {
                    failures.append(Diagnostic(.error, "\(p.reason), and whether \(p.condition.described) exists could not be read (\(Self.message(error))); nothing was run",
                                               at: step.range, file: step.file))
                    continue
                }
            } else {
                needed = true
            }
            if needed {
                failures.append(Diagnostic(.error, "\(p.reason): \(p.condition.described) does not exist, so this statement would create it and needs it; nothing was run",
                                           at: step.range, file: step.file))
            }
        }
        if !failures.isEmpty { throw BatchFailure(diagnostics: failures, applied: []) }
    }

    /// Whether `object` exists on `instance` (a name or an id), through the run's view of names.
    private func exists(_ object: SecretCondition.Object, on ref: String) async throws -> Bool {
        let id = currentInstance.map { $0.id == ref || $0.name == ref } == true ? currentInstance!.id
            : pendingInstance == ref ? try await instanceId() : try await resolve(ref).id
        let client = client
        switch object {
        case .account(let name):
            // Through the run's account list, so the statements after it read it no more.
            let list = try await accounts(instance: id)
            return try await exists(name, in: .accounts, instance: id, read: { list.map(\.name) })
        case .schema(let name):
            return try await exists(name, in: .schemas, instance: id, read: { try await client.allSchemas(instance: id).map(\.name) })
        }
    }
}
