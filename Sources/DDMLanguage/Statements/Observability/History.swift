import DDMKit

extension StatementID {
    static let showJob = StatementID("showJob")
    static let waitJob = StatementID("waitJob")
    static let showAudit = StatementID("showAudit")
    static let showSlowQueries = StatementID("showSlowQueries"), showTasks = StatementID("showTasks")
}

/// What happened: the current instance's slow queries, the project's tasks (jobs) one or all,
/// and this machine's audit log of ddmsh's writes.
enum HistoryStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showSlowQueries, topic: "show", path: ["show", "slow", "queries"],
                       grammar: "show slow queries [since '<when>'] [user <u>] [schema <s>] [limit <n>];  (newest first; default the last 7 days, 20)",
                       example: "show slow queries since '1d' user app limit 10;", words: ["since", "user", "schema", "limit"],
                       needsInstance: true, operations: [.listSlowQueries]),
        StatementEntry(.showTasks, topic: "show", path: ["show", "tasks"],
                       grammar: "show tasks [since '<when>'];  (the project's jobs; default the last 7 days, at most 30)",
                       example: "show tasks;", operations: [.listTasks]),
        StatementEntry(.showJob, topic: "show", path: ["show", "job"], grammar: "show job <id>;",
                       example: "show job 0a1b2c3d;", operations: [.showJob]),
        StatementEntry(.waitJob, topic: "wait", path: ["wait", "job"], grammar: "wait job <id>;  (a job, or a shard configuration task)", example: "wait job 0a1b2c3d;",
                       operations: [.showJob, .listTasks]),
        StatementEntry(.showAudit, topic: "show", path: ["show", "audit"], grammar: "show audit [limit <n>];  (the newest writes in this machine's audit log; default 20)",
                       example: "show audit limit 50;", words: ["limit"]),
    ]
    static let rules = [
        ParseRule("show slow queries", ShowSlowQueries<Parsed>.parse), ParseRule("show tasks", ShowTasks<Parsed>.parse),
        showJob.rule,
        waitJob.rule,
        ParseRule("show audit", { p in ShowAudit<Parsed>(limit: p.match("limit") ? try p.value() : nil) }),
    ]
}

/// Which slow queries to show: a window back from now (DDM's list takes 7 days at most), and
/// the account and schema, filtered here (the API filters neither).
struct ShowSlowQueries<P: Phase>: Sendable, Equatable {
    var since: P.Window?
    var user: P.Text?
    var schema: P.Text?
    var limit: P.Number?
}

extension ShowSlowQueries: StatementSyntax where P == Parsed {
    /// show slow queries [since '<when>'] [user <u>] [schema <s>] [limit <n>], in any order
    static func parse(_ p: inout Parser) throws -> Self {
        var q = Self()
        var seen: Set<String> = []
        while true {
            if p.match("since") { try p.once("since", &seen); q.since = try p.value() }
            else if p.match("user") { try p.once("user", &seen); q.user = try p.name("account name") }
            else if p.match("schema") { try p.once("schema", &seen); q.schema = try p.name("schema name") }
            else if p.match("limit") { try p.once("limit", &seen); q.limit = try p.value() }
            else { return q }
        }
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let n = try limit.map { try c.int($0, "limit") } ?? 20
        guard (1...1000).contains(n) else { throw Compiler.Failure(.notInRange("limit", 1...1000, got: n), range: limit?.range ?? range) }
        return ShowSlowQueries<Resolved>(since: try since.map { try c.since($0) } ?? .days(7), user: try user.map { try c.scalar($0, "account name") },
                                         schema: try schema.map { try c.schemaName($0) }, limit: n)
    }
}

extension ShowSlowQueries: Step where P == Resolved {
    var id: StatementID { .showSlowQueries }
    var window: TaskWindow.Since { since ?? .days(7) }
    var text: String {
        "show slow queries since \(window)" + (user.map { " user \(SourceText.name($0))" } ?? "")
            + (schema.map { " schema \(SourceText.name($0))" } ?? "") + " limit \(limit ?? 20)"
    }
    var calls: [PlannedCall] { [PlannedCall(.listSlowQueries, "list slow queries in the window (7 days at most), by pages of 100")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (from, to) = try window.window(now: e.options.clock(), atMost: 7 * 86_400, of: "slow queries over")
        let filtered = user != nil || schema != nil
        let user = user, schema = schema
        let (queries, total) = try await e.client.slowQueries(instance: try await e.instanceId(), from: from, to: to, max: limit ?? 20) { query in
            (user.map { query.users == $0 } ?? true) && (schema.map { query.database?.lowercased() == $0 } ?? true)
        }
        await e.sink.table(ShowTables.slowQueries(queries))
        if !filtered, let total, total > queries.count {
            await e.sink.message("\(queries.count) of \(total) slow queries since \(window); 'show slow queries limit <n>' shows more")
        }
        return nil
    }
}

struct ShowTasks<P: Phase>: Sendable, Equatable {
    var since: P.Window?
}

extension ShowTasks: StatementSyntax where P == Parsed {
    /// show tasks [since '<when>']
    static func parse(_ p: inout Parser) throws -> Self { Self(since: p.match("since") ? try p.value() : nil) }
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ShowTasks<Resolved>(since: try since.map { try c.since($0) } ?? .days(7))
    }
}

extension ShowTasks: Step where P == Resolved {
    var id: StatementID { .showTasks }
    var window: TaskWindow.Since { since ?? .days(7) }
    var text: String { "show tasks since \(window)" }
    var calls: [PlannedCall] { [PlannedCall(.listTasks, "list tasks in the window, by pages of 100")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (start, now) = try window.window(now: e.options.clock(), atMost: DDMAPI.taskWindowLimit, of: "tasks of the last")
        let page = try await e.client.listTasks(from: start, to: now, offset: 0, limit: 100)
        await e.sink.table(ShowTables.tasks(page.jobs))
        if let total = page.total, total > page.jobs.count { await e.sink.message("the \(page.jobs.count) most recent of \(total) tasks") }
        return nil
    }
}

extension HistoryStatements {
    /// show job <id>
    static let showJob = NameStatementForm(.showJob, "show job", noun: "job id", calls: { job, _ in [PlannedCall(.showJob, "show job", object: job)] }) { e, s in
        await e.sink.table(ShowTables.job(try await e.client.showJob(s.name)))
        return nil
    }

    /// wait job <id>
    static let waitJob = NameStatementForm(.waitJob, "wait job", noun: "job id", calls: { job, _ in
        [PlannedCall(.showJob, "poll until done", object: job),
         PlannedCall(.listTasks, "a shard configuration task, which the job call does not know: followed in the task list")]
    }) { e, s in
        let job = s.name
        do {
            try await e.waitJob(job)
        } catch let error as DDMError where error.isNotFound {
            // A shard configuration task is no job the job call knows: `resharding … (task <id>)`
            // said to follow it, so it is found in the task list and followed there.
            guard let instance = try? await e.instanceId(),
                  let task = (try? await e.reshardTasks(instance: instance, schema: nil))?.first(where: { $0.id == job }),
                  let schema = task.databaseName else { throw error }
            try await e.waitReshard(schema, job: job, instance: instance)
        }
        return nil
    }
}

/// The newest lines of this machine's audit log: no call.
struct ShowAudit<P: Phase>: Sendable, Equatable {
    var limit: P.Number?
}

extension ShowAudit: StatementSyntax where P == Parsed {
    /// show audit [limit <n>]
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        guard let limit else { return ShowAudit<Resolved>(limit: 20) }
        let n = try c.int(limit, "limit")
        guard (1...10_000).contains(n) else { throw Compiler.Failure(.notInRange("limit", 1...10_000, got: n), range: limit.range) }
        return ShowAudit<Resolved>(limit: n)
    }
}

extension ShowAudit: Step where P == Resolved {
    var id: StatementID { .showAudit }
    var text: String { "show audit limit \(limit ?? 20)" }
    var headline: String { "show audit limit \(limit ?? 20) (the local audit log)" }
    var calls: [PlannedCall] { [] }

    func run(in e: isolated Evaluator) async throws -> String? {
        guard let path = (e.client.configuration.audit as? AuditFile)?.path else {
            throw EvaluationError("the audit log is off (--audit-log off)")
        }
        await e.sink.table(ShowTables.audit(try AuditFile.newest(limit ?? 20, at: path)))
        return nil
    }
}
