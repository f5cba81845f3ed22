import DDMKit

extension StatementID {
    static let restartNode = StatementID("restartNode"), showNode = StatementID("showNode")
}

/// The current instance's nodes, one at a time (all of them: `show nodes`).
enum NodeStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.restartNode, topic: "restart", path: ["restart", "node"], grammar: "restart node <node-id> [wait];  (asks in the REPL)",
                       example: "restart node 116ba14da45678d28ecd83a38c218907no09 wait;", words: ["wait"],
                       needsInstance: true, operations: [.restartNode, .showJob]),
        StatementEntry(.showNode, topic: "show", path: ["show", "node"], grammar: "show node <node-id>;",
                       example: "show node 116ba14da45678d28ecd83a38c218907no09;", needsInstance: true,
                       operations: [.showNode]),
    ]
    static let rules = [restart.rule, show.rule]

    /// restart node <node-id> [wait]
    static let restart = NameStatementForm(.restartNode, "restart node", noun: "node id", waits: true,
                                           calls: { node, wait in [PlannedCall(.restartNode, "restart node", object: node)] + (wait ? [PlannedCall(.showJob, "poll until done")] : []) },
                                           question: { "restart node \($0)? Its sessions are cut." }) { e, s in
        let instance = try await e.instanceId()
        let client = e.client, node = s.name
        // The run is refused for a node the instance does not have: the dry run reads it to say so.
        if e.options.dryRun {
            do { _ = try await client.showNode(instance: instance, node: node) } catch let error as DDMError where error.isNotFound {
                throw e.refusal(EvaluationError("node \(node) does not exist on this instance; see 'show nodes;'", kind: .notFound, focus: node))
            }
        }
        let write = Write(summary: "restart node \(node)", question: s.question, journal: .change(instance, "restarted node \(node)")) {
            try await client.restartNode(instance: instance, node: node)
        }
        guard let r = try await e.perform(write) else { return nil }
        await e.sink.message("restarting node \(node) (job \(r.jobId ?? "-"))")
        if s.wait, let job = r.jobId { try await e.waitJob(job) }
        return "restarted node \(node)"
    }

    /// show node <node-id>
    static let show = NameStatementForm(.showNode, "show node", noun: "node id", calls: { node, _ in [PlannedCall(.showNode, "show node", object: node)] }) { e, s in
        await e.sink.table(ShowTables.node(try await e.client.showNode(instance: try await e.instanceId(), node: s.name)))
        return nil
    }
}
