import DDMKit

extension StatementID {
    static let syncDataNodes = StatementID("syncDataNodes")
}

/// An instance's data nodes: the RDS instances its schemas' shards live on (docs/language.md,
/// "Data nodes").
enum DataNodeStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.syncDataNodes, topic: "data nodes", path: ["sync", "data", "nodes"],
                       grammar: "sync data nodes [on instance <i>] [wait];  (after a change on the RDS side: replicas, address, port, security group, class)",
                       example: "sync data nodes on instance ddm-prod wait;", words: ["on", "instance", "wait"],
                       followers: ["sync": ["data"], "data": ["nodes"]], needsInstance: true,
                       operations: [.listInstances, .syncDataNodes, .showJob]),
    ]
    static let rules = [ParseRule("sync data nodes", SyncDataNodes<Parsed>.parse)]
}

struct SyncDataNodes<P: Phase>: Sendable, Equatable {
    var instance: P.Text?
    var wait: Bool
}

extension SyncDataNodes: StatementSyntax where P == Parsed {
    /// sync data nodes [on instance <i>] [wait]
    static func parse(_ p: inout Parser) throws -> Self { Self(instance: try p.onInstance(), wait: p.match("wait")) }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        SyncDataNodes<Resolved>(instance: try instance.map { try c.scalar($0, "instance name") }, wait: wait)
    }
}

extension SyncDataNodes: Step where P == Resolved {
    var id: StatementID { .syncDataNodes }
    var text: String { "sync data nodes" + (instance.map { " on instance \(SourceText.name($0))" } ?? "") + (wait ? " wait" : "") }
    var calls: [Action.Call] {
        (instance == nil ? [] : [.resolve]) + [Action.Call(.syncDataNodes, "sync data node information")]
            + (wait ? [Action.Call(.showJob, "poll the job until done, when the call gives one (v1)")] : [])
    }
    var needsInstance: Bool { instance == nil }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (id, name) = try await e.target(instance)
        let client = e.client
        let write = Write(summary: "sync the data node information of \(name)", journal: .change(id, "synchronized the data node information of \(name)")) {
            try await client.syncDataNodes(instance: id)
        }
        // The v3 call answers nothing; the v1 call a job.
        guard let job = try await e.perform(write) else { return nil }
        if let job {
            await e.sink.message("synchronizing the data node information of \(name) (job \(job))")
            if wait { try await e.waitJob(job) }
        } else {
            await e.sink.message("synchronized the data node information of \(name)")
        }
        return "synchronized the data node information of \(name)"
    }
}
