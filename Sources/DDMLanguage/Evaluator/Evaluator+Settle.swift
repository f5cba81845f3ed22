import DDMKit

/// After an interruption cut off a write's answer: whether the write landed, read back from the
/// service in a task of its own (the interrupted one is cancelled and could make no call).
enum Settled: Sendable { case applied, notApplied, unknown }

extension Evaluator {
    func settle(_ step: PlanStep) async -> Settled {
        let client = self.client
        guard let instance = currentInstance?.id else { return .unknown }
        func exists(_ read: @escaping @Sendable () async throws -> Bool, created: Bool) async -> Settled {
            guard let found = await Self.uncancelled(read) else { return .unknown }
            return found == created ? .applied : .notApplied
        }
        guard let r = step.step.readBack else { return .unknown }
        return await exists({ try await r.present(client, instance) }, created: r.created)
    }

    /// Runs `body` outside the current task, so its cancellation does not reach it.
    static func uncancelled<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> T? {
        try? await Task { try await body() }.value
    }
}
