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
    static let alterClauses = [AlterSchemaClauses.Clause(words: ["reshard"] + ReshardVerb.said.map { $0.words[0] }, parse: AlterSchema<Parsed>.parse)]
    static let rules = [ParseRule("show reshard", { p in ShowReshard<Parsed>(schema: p.match("of") ? try p.name("schema name") : nil) }),
                        ParseRule("show reshard targets", { p in
                            try p.expect("of", "after 'show reshard targets'")
                            return ShowReshardTargets<Parsed>(schema: try p.name("schema name"))
                        })]
}

/// A verb on a schema's shard configuration task, one row each: the words that say it, the
/// statement it is, the `JobItem.operations` word that allows it, the call that sends it, and
/// what it asks in the REPL.
struct ReshardVerb: Sendable, Equatable {
    let id: StatementID
    /// The two words after the schema.
    let words: [String]
    let operation: String
    let call: PlannedCall
    /// The client's action; nil for the switch window's change, which takes the window's start.
    let action: ReshardAction?
    let ask: (@Sendable (_ schema: String) -> String)?

    static func == (a: Self, b: Self) -> Bool { a.operation == b.operation }

    static let switchRoute = Self(id: .switchRoute, words: ["switch", "route"], operation: "toBeSwitched",
                                  call: PlannedCall(.switchReshardRoute, "switch route"), action: .switchRoute,
                                  ask: { "switch \($0)'s routes to its new shards now?" })
    /// `switch route at '<hh:mm:ss>'`: the window's new start.
    static let window = Self(id: .switchRoute, words: ["switch", "route"], operation: "modifySwitchingStrategy",
                             call: PlannedCall(.changeReshardSwitchWindow, "change route switch window"), action: nil, ask: nil)
    static let clean = Self(id: .cleanReshard, words: ["clean", "reshard"], operation: "toBeCleaned",
                            call: PlannedCall(.cleanReshard, "clean shard configuration"), action: .clean,
                            ask: { "remove the source data of \($0)'s completed shard configuration? (it cannot be rolled back after)" })
    static let retry = Self(id: .retryReshard, words: ["retry", "reshard"], operation: "toBeRetried",
                            call: PlannedCall(.retryReshard, "retry shard configuration"), action: .retry, ask: nil)
    static let rollback = Self(id: .rollbackReshard, words: ["rollback", "reshard"], operation: "toBeRolled",
                               call: PlannedCall(.rollbackReshard, "roll back shard configuration"), action: .rollback,
                               ask: { "roll back the shard configuration of \($0)?" })
    static let cancel = Self(id: .cancelReshard, words: ["cancel", "reshard"], operation: "toBeCanceled",
                             call: PlannedCall(.cancelReshard, "cancel shard configuration"), action: .cancel,
                             ask: { "cancel the shard configuration of \($0)?" })

    /// The verbs as statements say them (the window is `switch route` with a time).
    static let said: [Self] = [switchRoute, clean, retry, rollback, cancel]
    static let all: [Self] = said + [window]

    /// How messages say it: `clean reshard`, `switch route at '02:00:00'`.
    func words(at: String?) -> String { words.joined(separator: " ") + (at.map { " at '\($0)'" } ?? "") }

    /// The statement that does what a task's operation word allows.
    static func statement(for operation: String, schema: String) -> String {
        guard let verb = all.first(where: { $0.operation == operation }) else { return operation }
        return "alter schema \(schema) " + verb.words(at: verb.action == nil ? "<hh:mm:ss>" : nil)
    }
}

struct AlterSchema<P: Phase>: Sendable, Equatable {
    var schema: P.Text
    var change: Change

    enum Change: Sendable, Equatable {
        /// `at`: the switch window's start ('hh:mm:ss'); nil with `manual` false: by hand too.
        case reshard(shards: P.Number?, add: P.Texts?, user: P.Text?, password: SecretSource?, at: P.Text?, wait: Bool)
        /// `at`: the window's start, with `ReshardVerb.window`.
        case task(ReshardVerb, at: P.Text?)
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
        for verb in ReshardVerb.said where p.match(verb.words[0]) {
            try p.expect(verb.words[1], "after '\(verb.words[0])'")
            if verb == .switchRoute, p.match("at") { return Self(schema: schema, change: .task(.window, at: try p.stringValue("time (hh:mm:ss)"))) }
            return Self(schema: schema, change: .task(verb, at: nil))
        }
        throw p.failure(.expected("reshard, switch route, clean, retry, rollback or cancel reshard", after: "the schema", found: p.found))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        func time(_ e: Expr) throws -> String {
            let t = try c.scalar(e, "time")
            guard ReshardWindow.seconds(t) != nil else { throw Compiler.Failure(.schema(.invalidSwitchTime(t)), range: e.range) }
            return t
        }
        let change: AlterSchema<Resolved>.Change
        switch self.change {
        case .reshard(let shards, let add, let user, let password, let at, let wait):
            let n = try shards.map { e -> Int in
                let n = try c.int(e, "shards")
                guard (1...64).contains(n) else { throw Compiler.Failure(.schema(.reshardShardsOutOfRange(n)), range: e.range) }
                return n
            }
            let added = try add.map { try c.strings($0) }
            if n == nil && added == nil { throw Compiler.Failure(.schema(.reshardNeedsChange), range: range) }
            change = .reshard(shards: n, add: added, user: try user.map { try c.scalar($0, "administrator") }, password: password,
                              at: try at.map(time), wait: wait)
        case .task(let verb, let at): change = .task(verb, at: try at.map(time))
        }
        return AlterSchema<Resolved>(schema: try c.schemaName(schema), change: change)
    }
}

extension AlterSchema: Step where P == Resolved {
    var id: StatementID {
        switch change {
        case .reshard: .reshard
        case .task(let verb, _): verb.id
        }
    }

    var text: String {
        let s = "alter schema \(SourceText.name(schema))"
        switch change {
        case .reshard(let shards, let add, let user, let password, let at, let wait):
            return s + " reshard" + (shards.map { " shards \($0)" } ?? "") + (add.map { " add rds \(SourceText.names($0))" } ?? "")
                + (user.map { " admin user \(SourceText.name($0)) password \(password.map(SourceText.secret) ?? "prompt")" } ?? "")
                + (at.map { " switch at \(SourceText.string($0))" } ?? " switch manually") + (wait ? " wait" : "")
        case .task(let verb, let at): return s + " " + verb.words.joined(separator: " ") + (at.map { " at \(SourceText.string($0))" } ?? "")
        }
    }

    var calls: [PlannedCall] {
        switch change {
        case .reshard(_, let add, _, _, _, let wait):
            return [PlannedCall(.showSchema, "the schema's shards and data nodes", object: schema),
                    PlannedCall(.listTasks, "a task already open for the schema is followed, not started again")]
                + (add?.contains { !Names.looksLikeRDSId($0) } == true ? [PlannedCall(.listReshardTargets, "find the data nodes by name")] : [])
                + [PlannedCall(.precheckReshard, "pre-check (changes nothing)"),
                   PlannedCall(.showReshardPrecheck, "its findings, where the pre-check's answer leaves them to its job"),
                   PlannedCall(.startReshard, "start shard configuration")]
                + (wait ? [PlannedCall(.listTasks, "poll the task until it waits for its switch, or ends")] : [])
        case .task(let verb, _): return [PlannedCall(.listTasks, "find the schema's shard configuration task (the last 30 days)"), verb.call]
        }
    }

    var question: String? {
        switch change {
        // Asked when the layout is known, after the pre-check (`Evaluator.reshard`).
        case .reshard: nil
        case .task(let verb, _): verb.ask?(schema)
        }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        switch change {
        case .reshard(let shards, let add, let user, let password, let at, let wait):
            return try await e.reshard(schema, shards: shards, add: add ?? [], user: user ?? "root",
                                       password: password ?? .env(Exporter.rdsPasswordVariable, SourceRange(0, 0)), at: at, wait: wait)
        case .task(let verb, let at): return try await e.reshardAction(on: schema, verb, at: at, question: question)
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
    var calls: [PlannedCall] {
        [PlannedCall(.listTasks, "the shard configuration tasks (the last 30 days)"), PlannedCall(.showReshard, "the newest in detail"),
         PlannedCall(.showReshardLog, "its run log")]
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
    var calls: [PlannedCall] { [PlannedCall(.listReshardTargets, "the data nodes that can take the schema's shards, every page", object: schema)] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let nodes = try await e.client.reshardTargets(instance: try await e.instanceId(), schema: schema)
        await e.sink.table(ShowTables.availableRDS(nodes))
        return nil
    }
}
