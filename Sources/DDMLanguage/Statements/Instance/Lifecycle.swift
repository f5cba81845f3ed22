import DDMKit

extension StatementID {
    static let restartInstance = StatementID("restartInstance")
    static let renameInstance = StatementID("renameInstance")
    static let reloadTableData = StatementID("reloadTableData")
}

/// An instance's restarts, its name and its table metadata.
enum LifecycleStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.restartInstance, topic: "restart", path: ["restart", "instance"], grammar: "restart instance <i> [hard] [wait];",
                       example: "restart instance ddm-prod wait;", words: ["hard", "wait"],
                       operations: [.listInstances, .restartInstance, .showInstance, .showJob]),
        StatementEntry(.renameInstance, topic: "rename", path: ["rename", "instance"], grammar: "rename instance <i> to <new-name>;",
                       example: "rename instance ddm-prod to ddm-main;", words: ["to"],
                       operations: [.listInstances, .modifyInstanceName]),
        StatementEntry(.reloadTableData, topic: "reload", path: ["reload", "table", "data"], grammar: "reload table data on instance <i>;",
                       example: "reload table data on instance ddm-dr;", words: ["on", "instance"],
                       operations: [.listInstances, .reloadTableData]),
    ]
    static let rules = [ParseRule("restart instance", RestartInstance<Parsed>.parse), ParseRule("rename instance", RenameInstance<Parsed>.parse),
                        ParseRule("reload table data", ReloadTableData<Parsed>.parse)]
}

struct RestartInstance<P: Phase>: Sendable, Equatable {
    var instance: P.Text
    var hard: Bool
    var wait: Bool
}

extension RestartInstance: StatementSyntax where P == Parsed {
    /// restart instance <i> [hard | soft] [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        let i = try p.name("instance name")
        let hard = p.match("hard")
        if !hard { _ = p.match("soft") }
        return Self(instance: i, hard: hard, wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        RestartInstance<Resolved>(instance: try c.scalar(instance, "instance name"), hard: hard, wait: wait)
    }
}

extension RestartInstance: Step where P == Resolved {
    var id: StatementID { .restartInstance }
    var text: String { "restart instance \(SourceText.name(instance))\(hard ? " hard" : "")\(wait ? " wait" : "")" }
    var headline: String { "restart instance \(instance) (\(hard ? "hard" : "soft"))" }
    var calls: [PlannedCall] { [.resolve, PlannedCall(.restartInstance, "restart instance")] + (wait ? PlannedCall.pollUntilRunning : []) }

    func run(in e: isolated Evaluator) async throws -> String? {
        let i = try await e.resolve(instance)
        let client = e.client, hard = hard
        let write = Write(summary: "restart \(i.name)", question: "restart instance \(i.name)\(hard ? " (hard)" : "")?",
                          journal: .change(i.id, "restarted \(i.name)")) {
            try await client.restartInstance(i.id, type: hard ? .hard : .soft)
        }
        guard let r = try await e.perform(write) else { return nil }
        await e.sink.message("restarting \(i.name) (job \(r.jobId ?? "-"))")
        if wait { try await e.waitRunning(i.id, name: i.name, job: r.jobId, operation: "restart \(i.name)") }
        return "restarted instance \(i.name)"
    }
}

struct RenameInstance<P: Phase>: Sendable, Equatable {
    var instance: P.Text
    var to: P.Text
}

extension RenameInstance: StatementSyntax where P == Parsed {
    /// rename instance <i> to <new-name>
    static func parse(_ p: inout Parser) throws -> Self {
        let i = try p.name("instance name")
        try p.expect("to", "before the new name")
        return Self(instance: i, to: try p.name("new instance name"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let newName = try c.scalar(to, "instance name")
        guard Names.instance(newName) else {
            throw Compiler.Failure(.invalidInstanceName(newName), range: to.range)
        }
        return RenameInstance<Resolved>(instance: try c.scalar(instance, "instance name"), to: newName)
    }
}

extension RenameInstance: Step where P == Resolved {
    var id: StatementID { .renameInstance }
    var text: String { "rename instance \(SourceText.name(instance)) to \(SourceText.name(to))" }
    var calls: [PlannedCall] { [.resolve, PlannedCall(.modifyInstanceName, "modify instance name")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let i = try await e.resolve(instance)
        let client = e.client, to = to
        let write = Write(summary: "rename \(i.name) to \(to)",
                          journal: .change(i.id, "renamed \(i.name) to \(to)", undo: RenameInstance(instance: i.id, to: i.name)),
                          staleInstances: true) {
            try await client.modifyInstanceName(i.id, name: to)
        }
        guard let r = try await e.perform(write) else { return nil }
        let done = "renamed instance \(i.name) to \(to)"
        // v3 answers the rename's job: said, so `show job` can follow it.
        await e.sink.message(done + (r.jobId.map { " (job \($0))" } ?? ""))
        if e.currentInstance?.id == i.id { e.currentInstance = (i.id, to) }
        return done
    }
}

struct ReloadTableData<P: Phase>: Sendable, Equatable {
    var instance: P.Text
}

extension ReloadTableData: StatementSyntax where P == Parsed {
    /// reload table data on instance <i>
    static func parse(_ p: inout Parser) throws -> Self {
        try p.expect("on", "before the instance"); try p.expect("instance", "after 'on'")
        return Self(instance: try p.name("instance name"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ReloadTableData<Resolved>(instance: try c.scalar(instance, "instance name"))
    }
}

extension ReloadTableData: Step where P == Resolved {
    var id: StatementID { .reloadTableData }
    var text: String { "reload table data on instance \(SourceText.name(instance))" }
    var calls: [PlannedCall] { [.resolve, PlannedCall(.reloadTableData, "reload table data")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let i = try await e.resolve(instance)
        let client = e.client
        let write = Write(summary: "reload table data on \(i.name)", journal: .change(i.id, "reloaded table data on \(i.name)")) {
            try await client.reloadTableData(i.id)
        }
        return try await e.perform(write, done: "reloaded table data on \(i.name)")
    }
}
