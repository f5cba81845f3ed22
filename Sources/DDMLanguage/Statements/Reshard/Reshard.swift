import DDMKit

extension StatementID {
    static let reshard = StatementID("reshard"), showReshard = StatementID("showReshard")
    static let switchRoute = StatementID("switchRoute"), cleanReshard = StatementID("cleanReshard")
    static let retryReshard = StatementID("retryReshard"), rollbackReshard = StatementID("rollbackReshard")
    static let cancelReshard = StatementID("cancelReshard"), showReshardTargets = StatementID("showReshardTargets")
}

/// Resharding a schema online: more shards and/or more data nodes, the pre-check first, the task
/// followed through its states (docs/language.md, "Resharding"). v3 only.
enum ReshardStatements: StatementFamily {
    private static let find: [DDMOperationID] = [.listTasks]
    private static func entry(_ id: StatementID, _ grammar: String, _ example: String, words: [String], _ operations: [DDMOperationID]) -> StatementEntry {
        StatementEntry(id, topic: "reshard", path: ["alter", "schema"], grammar: grammar, example: example, words: words,
                       slots: ["user <u>": .unlisted], needsInstance: true, operations: operations)
    }
    static let entries: [StatementEntry] = [
        entry(.reshard, "alter schema <s> reshard [shards <n>] [add rds <rds>[, …]] [admin user <u> password <secret>] [switch at '<hh:mm:ss>' | switch manually] [wait];",
              "alter schema orders reshard shards 16 add rds rds-billing switch manually wait;",
              words: ["reshard", "shards", "add", "rds", "admin", "user", "password", "prompt", "env", "file", "switch", "at", "manually", "wait"],
              [.showSchema, .listReshardTargets, .precheckReshard, .showReshardPrecheck, .startReshard, .listTasks]),
        StatementEntry(.showReshard, topic: "reshard", path: ["show", "reshard"], grammar: "show reshard [of <s>];  (the schema's shard configuration tasks, the newest in detail)",
                       example: "show reshard of orders;", words: ["of"], needsInstance: true,
                       operations: [.listTasks, .showReshard, .showReshardLog]),
        StatementEntry(.showReshardTargets, topic: "reshard", path: ["show", "reshard", "targets"],
                       grammar: "show reshard targets of <s>;  (the data nodes the schema's shards can move to)",
                       example: "show reshard targets of orders;", words: ["of"],
                       needsInstance: true, operations: [.listReshardTargets]),
        entry(.switchRoute, "alter schema <s> switch route [at '<hh:mm:ss>'];  (now, or the window's new start)",
              "alter schema orders switch route;", words: ["switch", "route", "at"], find + [.switchReshardRoute, .changeReshardSwitchWindow]),
        entry(.cleanReshard, "alter schema <s> clean reshard;  (removes the source data of a completed one)", "alter schema orders clean reshard;",
              words: ["clean", "reshard"], find + [.cleanReshard]),
        entry(.retryReshard, "alter schema <s> retry reshard;", "alter schema orders retry reshard;", words: ["retry", "reshard"], find + [.retryReshard]),
        entry(.rollbackReshard, "alter schema <s> rollback reshard;", "alter schema orders rollback reshard;", words: ["rollback", "reshard"],
              find + [.rollbackReshard]),
        entry(.cancelReshard, "alter schema <s> cancel reshard;", "alter schema orders cancel reshard;", words: ["cancel", "reshard"], find + [.cancelReshard]),
    ]
    static let alterClauses = [AlterSchemaClauses.Clause(words: ["reshard", "switch", "clean", "retry", "rollback", "cancel"], parse: AlterSchema<Parsed>.parse)]
    static let rules = [ParseRule("show reshard", { p in ShowReshard<Parsed>(schema: p.match("of") ? try p.name("schema name") : nil) }),
                        ParseRule("show reshard targets", { p in
                            try p.expect("of", "after 'show reshard targets'")
                            return ShowReshardTargets<Parsed>(schema: try p.name("schema name"))
                        })]
}

struct AlterSchema<P: Phase>: Sendable, Equatable {
    var schema: P.Text
    var change: Change

    enum Change: Sendable, Equatable {
        /// `at`: the switch window's start ('hh:mm:ss'); nil with `manual` false: by hand too.
        case reshard(shards: P.Number?, add: P.Texts?, user: P.Text?, password: SecretSource?, at: P.Text?, wait: Bool)
        case switchRoute(at: P.Text?)
        case clean, retry, rollback, cancel
    }
}

extension AlterSchema: StatementSyntax where P == Parsed {
    /// alter schema <s> reshard [shards <n>] [add rds <rds>[, …]] [admin user <u> password <secret>]
    ///   [switch at '<hh:mm:ss>' | switch manually] [wait]
    /// alter schema <s> switch route [at '<hh:mm:ss>']
    /// alter schema <s> clean | retry | rollback | cancel reshard
    static func parse(schema: Expr, _ p: inout Parser) throws -> any StatementSyntax {
        if p.match("reshard") {
            let keyword = p.previousRange
            var shards: Expr?, add: Expr?, user: Expr?, password: SecretSource?, at: Expr?
            var seen: Set<String> = []
            while true {
                if p.match("shards") { try p.once("shards", &seen); shards = try p.value() }
                else if p.match("add") { try p.once("add rds", &seen); try p.expect("rds", "after 'add'"); add = try p.list("data node (RDS instance id or name)") }
                else if p.match("admin") {
                    try p.once("admin user", &seen)
                    try p.expect("user", "after 'admin'")
                    user = try p.name("administrator of the data nodes")
                    try p.expect("password", "after the administrator")
                    password = try p.secret()
                } else if p.match("switch") {
                    try p.once("switch", &seen)
                    if p.match("manually") { at = nil } else {
                        try p.expect("at", "after 'switch' (switch at '<hh:mm:ss>' or switch manually)")
                        at = try p.stringValue("time (hh:mm:ss)")
                    }
                } else { break }
            }
            // The pre-check logs in to the data nodes, dry run included: without an administrator
            // given, ddmsh uses root and DDM_RDS_PASSWORD, which must then be there before the run.
            if password == nil { password = p.implicitSecret(Exporter.rdsPasswordVariable, at: keyword) }
            return Self(schema: schema, change: .reshard(shards: shards, add: add, user: user, password: password, at: at, wait: p.match("wait")))
        }
        if p.match("switch") {
            try p.expect("route", "after 'switch'")
            return Self(schema: schema, change: .switchRoute(at: p.match("at") ? try p.stringValue("time (hh:mm:ss)") : nil))
        }
        for (word, change) in [("clean", Change.clean), ("retry", .retry), ("rollback", .rollback), ("cancel", .cancel)] where p.match(word) {
            try p.expect("reshard", "after '\(word)'")
            return Self(schema: schema, change: change)
        }
        throw p.failure("expected reshard, switch route, clean, retry, rollback or cancel reshard after the schema, found \(p.found)")
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        func time(_ e: Expr) throws -> String {
            let t = try c.scalar(e, "time")
            guard ReshardWindow.seconds(t) != nil else { throw Compiler.Failure(message: "a switch time is hh:mm:ss, such as '02:00:00' (got '\(t)')", range: e.range) }
            return t
        }
        let change: AlterSchema<Resolved>.Change
        switch self.change {
        case .reshard(let shards, let add, let user, let password, let at, let wait):
            let n = try shards.map { e -> Int in
                let n = try c.int(e, "shards")
                guard (1...64).contains(n) else { throw Compiler.Failure(message: "a schema has 1 to 64 shards (got \(n))", range: e.range) }
                return n
            }
            let added = try add.map { try c.strings($0) }
            if n == nil && added == nil { throw Compiler.Failure(message: "reshard needs more shards (shards <n>), more data nodes (add rds …), or both", range: range) }
            change = .reshard(shards: n, add: added, user: try user.map { try c.scalar($0, "administrator") }, password: password,
                              at: try at.map(time), wait: wait)
        case .switchRoute(let at): change = .switchRoute(at: try at.map(time))
        case .clean: change = .clean
        case .retry: change = .retry
        case .rollback: change = .rollback
        case .cancel: change = .cancel
        }
        return AlterSchema<Resolved>(schema: try c.schemaName(schema), change: change)
    }
}

extension AlterSchema: Step where P == Resolved {
    var id: StatementID {
        switch change {
        case .reshard: .reshard
        case .switchRoute: .switchRoute
        case .clean: .cleanReshard
        case .retry: .retryReshard
        case .rollback: .rollbackReshard
        case .cancel: .cancelReshard
        }
    }

    var text: String {
        let s = "alter schema \(SourceText.name(schema))"
        switch change {
        case .reshard(let shards, let add, let user, let password, let at, let wait):
            return s + " reshard" + (shards.map { " shards \($0)" } ?? "") + (add.map { " add rds \(SourceText.names($0))" } ?? "")
                + (user.map { " admin user \(SourceText.name($0)) password \(password.map(SourceText.secret) ?? "prompt")" } ?? "")
                + (at.map { " switch at \(SourceText.string($0))" } ?? " switch manually") + (wait ? " wait" : "")
        case .switchRoute(let at): return s + " switch route" + (at.map { " at \(SourceText.string($0))" } ?? "")
        case .clean: return s + " clean reshard"
        case .retry: return s + " retry reshard"
        case .rollback: return s + " rollback reshard"
        case .cancel: return s + " cancel reshard"
        }
    }

    var calls: [Action.Call] {
        let find = Action.Call(.listTasks, "find the schema's shard configuration task (the last 30 days)")
        switch change {
        case .reshard(_, let add, _, _, _, let wait):
            return [Action.Call(.showSchema, "the schema's shards and data nodes", object: schema),
                    Action.Call(.listTasks, "a task already open for the schema is followed, not started again")]
                + (add?.contains { !Names.looksLikeRDSId($0) } == true ? [Action.Call(.listReshardTargets, "find the data nodes by name")] : [])
                + [Action.Call(.precheckReshard, "pre-check (changes nothing)"),
                   Action.Call(.showReshardPrecheck, "its findings, where the pre-check's answer leaves them to its job"),
                   Action.Call(.startReshard, "start shard configuration")]
                + (wait ? [Action.Call(.listTasks, "poll the task until it waits for its switch, or ends")] : [])
        case .switchRoute(let at):
            return [find, at == nil ? Action.Call(.switchReshardRoute, "switch route") : Action.Call(.changeReshardSwitchWindow, "change route switch window")]
        case .clean: return [find, Action.Call(.cleanReshard, "clean shard configuration")]
        case .retry: return [find, Action.Call(.retryReshard, "retry shard configuration")]
        case .rollback: return [find, Action.Call(.rollbackReshard, "roll back shard configuration")]
        case .cancel: return [find, Action.Call(.cancelReshard, "cancel shard configuration")]
        }
    }

    var question: String? {
        switch change {
        // Asked when the layout is known, after the pre-check (`Evaluator.reshard`).
        case .reshard: nil
        case .switchRoute(let at): at == nil ? "switch \(schema)'s routes to its new shards now?" : nil
        case .rollback: "roll back the shard configuration of \(schema)?"
        case .cancel: "cancel the shard configuration of \(schema)?"
        case .clean: "remove the source data of \(schema)'s completed shard configuration? (it cannot be rolled back after)"
        case .retry: nil
        }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        switch change {
        case .reshard(let shards, let add, let user, let password, let at, let wait):
            return try await e.reshard(schema, shards: shards, add: add ?? [], user: user ?? "root",
                                       password: password ?? .env(Exporter.rdsPasswordVariable, SourceRange(0, 0)), at: at, wait: wait)
        case .switchRoute(let at): return try await e.reshardAction(on: schema, at.map(ReshardStep.window) ?? .switchRoute, question: question)
        case .clean: return try await e.reshardAction(on: schema, .clean, question: question)
        case .retry: return try await e.reshardAction(on: schema, .retry, question: question)
        case .rollback: return try await e.reshardAction(on: schema, .rollback, question: question)
        case .cancel: return try await e.reshardAction(on: schema, .cancel, question: question)
        }
    }
}

struct ShowReshard<P: Phase>: Sendable, Equatable {
    var schema: P.Text?
}

extension ShowReshard: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ShowReshard<Resolved>(schema: try schema.map { try c.schemaName($0) })
    }
}

extension ShowReshard: Step where P == Resolved {
    var id: StatementID { .showReshard }
    var text: String { "show reshard" + (schema.map { " of \(SourceText.name($0))" } ?? "") }
    var calls: [Action.Call] {
        [Action.Call(.listTasks, "the shard configuration tasks (the last 30 days)"), Action.Call(.showReshard, "the newest in detail"),
         Action.Call(.showReshardLog, "its run log")]
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        try await e.showReshard(schema)
        return nil
    }
}

struct ShowReshardTargets<P: Phase>: Sendable, Equatable {
    var schema: P.Text
}

extension ShowReshardTargets: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { ShowReshardTargets<Resolved>(schema: try c.schemaName(schema)) }
}

extension ShowReshardTargets: Step where P == Resolved {
    var id: StatementID { .showReshardTargets }
    var text: String { "show reshard targets of \(SourceText.name(schema))" }
    var calls: [Action.Call] { [Action.Call(.listReshardTargets, "the data nodes that can take the schema's shards, every page", object: schema)] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let nodes = try await e.client.reshardTargets(instance: try await e.instanceId(), schema: schema)
        await e.sink.table(ShowTables.availableRDS(nodes))
        return nil
    }
}
