import DDMKit

extension StatementID {
    static let showProcesses = StatementID("showProcesses"), killProcesses = StatementID("killProcesses")
}

/// The sessions on the current instance: DDM's own (logical) and the data nodes' (physical).
enum ProcessStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showProcesses, topic: "processes", path: ["show", "processes"], grammar: "show [physical] processes;",
                       example: "show processes;",
                       needsInstance: true, operations: [.listLogicalProcesses, .listPhysicalProcesses]),
        StatementEntry(.killProcesses, topic: "processes", path: ["kill"], grammar: "kill [physical] process <id>[, …];  (asks in the REPL)",
                       example: "kill process 1003;", words: ["physical", "process"],
                       needsInstance: true, operations: [.killLogicalProcesses, .killPhysicalProcesses]),
    ]
    static let rules = [
        ParseRule("show processes", { _ in
            PlainRead(.showProcesses, "show processes", calls: [PlannedCall(.listLogicalProcesses, "show processes")]) { e in
                [ShowTables.processes(try await e.client.allLogicalProcesses(instance: try await e.instanceId()))]
            }
        }),
        ParseRule("show physical", { p in
            try p.expect("processes", "after 'show physical'")
            return PlainRead(.showProcesses, "show physical processes", calls: [PlannedCall(.listPhysicalProcesses, "show physical processes")]) { e in
                [ShowTables.physicalProcesses(try await e.client.allPhysicalProcesses(instance: try await e.instanceId()))]
            }
        }),
        ParseRule("kill", KillProcesses<Parsed>.parse),
    ]
}

struct KillProcesses<P: Phase>: Sendable, Equatable {
    var ids: P.Texts
    var physical: Bool
}

extension KillProcesses: StatementSyntax where P == Parsed {
    /// kill [physical] process <id>[, …]
    static func parse(_ p: inout Parser) throws -> Self {
        let physical = p.match("physical")
        try p.expect("process", physical ? "after 'kill physical'" : "after 'kill'")
        return Self(ids: try p.list("process id"), physical: physical)
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let list = try c.strings(ids)
        if physical, let bad = list.first(where: { Int($0) == nil }) {
            throw Compiler.Failure(.instance(.processIdNotNumber(bad)), range: ids.range)
        }
        return KillProcesses<Resolved>(ids: list, physical: physical)
    }
}

extension KillProcesses: Step where P == Resolved {
    var id: StatementID { .killProcesses }
    var text: String { "kill \(physical ? "physical " : "")process \(SourceText.names(ids))" }
    var calls: [PlannedCall] {
        [physical ? PlannedCall(.killPhysicalProcesses, "kill physical processes") : PlannedCall(.killLogicalProcesses, "kill processes")]
    }
    var question: String? { "kill \(physical ? "physical " : "")process\(ids.count == 1 ? "" : "es") \(ids.joined(separator: ", "))?" }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let what = "\(physical ? "physical " : "")process\(ids.count == 1 ? "" : "es") \(ids.joined(separator: ", "))"
        let client = e.client, ids = ids, physical = physical
        let write = Write(summary: "kill \(what)", question: question, journal: .change(instance, "killed \(what)")) {
            physical ? try await client.killPhysicalProcesses(instance: instance, ids: ids)
                     : try await client.killLogicalProcesses(instance: instance, ids: ids)
        }
        return try await e.perform(write, done: "killed \(what)")
    }
}
