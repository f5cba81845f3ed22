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
    static let rules = [ParseRule("restart node", RestartNode<Parsed>.parse), ParseRule("show node", ShowNode<Parsed>.parse)]
}

struct RestartNode<P: Phase>: Sendable, Equatable {
    var node: P.Text
    var wait: Bool
}

extension RestartNode: StatementSyntax where P == Parsed {
    /// restart node <node-id> [wait]
    static func parse(_ p: inout Parser) throws -> Self { Self(node: try p.name("node id"), wait: p.match("wait")) }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        RestartNode<Resolved>(node: try c.scalar(node, "node id"), wait: wait)
    }
}

extension RestartNode: Step where P == Resolved {
    var id: StatementID { .restartNode }
    var text: String { "restart node \(SourceText.name(node))\(wait ? " wait" : "")" }
    var calls: [Action.Call] { [Action.Call(.restartNode, "restart node", object: node)] + (wait ? [Action.Call(.showJob, "poll until done")] : []) }
    var question: String? { "restart node \(node)? Its sessions are cut." }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client, node = node
        let write = Write(summary: "restart node \(node)", question: question, journal: .change(instance, "restarted node \(node)")) {
            try await client.restartNode(instance: instance, node: node)
        }
        guard let r = try await e.perform(write) else { return nil }
        await e.sink.message("restarting node \(node) (job \(r.jobId ?? "-"))")
        if wait, let job = r.jobId { try await e.waitJob(job) }
        return "restarted node \(node)"
    }
}

struct ShowNode<P: Phase>: Sendable, Equatable {
    var node: P.Text
}

extension ShowNode: StatementSyntax where P == Parsed {
    /// show node <node-id>
    static func parse(_ p: inout Parser) throws -> Self { Self(node: try p.name("node id")) }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { ShowNode<Resolved>(node: try c.scalar(node, "node id")) }
}

extension ShowNode: Step where P == Resolved {
    var id: StatementID { .showNode }
    var text: String { "show node \(SourceText.name(node))" }
    var calls: [Action.Call] { [Action.Call(.showNode, "show node", object: node)] }

    func run(in e: isolated Evaluator) async throws -> String? {
        await e.sink.table(ShowTables.node(try await e.client.showNode(instance: try await e.instanceId(), node: node)))
        return nil
    }
}
