import DDMKit

extension StatementID {
    static let showSlowQueries = StatementID("showSlowQueries"), showTasks = StatementID("showTasks")
}

/// What happened: the current instance's slow queries and the project's tasks (jobs).
enum HistoryStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showSlowQueries, topic: "show", path: ["show", "slow", "queries"],
                       grammar: "show slow queries [since '<when>'] [user <u>] [schema <s>] [limit <n>];  (newest first; default the last 7 days, 20)",
                       example: "show slow queries since '1d' user app limit 10;", words: ["since", "user", "schema", "limit"],
                       followers: StatementCatalog.showFollowers.merging(["slow": ["queries"]]) { $1 }, needsInstance: true, operations: [.listSlowQueries]),
        StatementEntry(.showTasks, topic: "show", path: ["show", "tasks"],
                       grammar: "show tasks [since '<when>'];  (the project's jobs; default the last 7 days, at most 30)",
                       example: "show tasks;", followers: StatementCatalog.showFollowers, operations: [.listTasks]),
    ]
    static let rules = [ParseRule("show slow queries", ShowSlowQueries<Parsed>.parse), ParseRule("show tasks", ShowTasks<Parsed>.parse)]
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
        while true {
            if p.match("since") { q.since = try p.value() }
            else if p.match("user") { q.user = try p.name("account name") }
            else if p.match("schema") { q.schema = try p.name("schema name") }
            else if p.match("limit") { q.limit = try p.value() }
            else { return q }
        }
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let n = try limit.map { try c.int($0, "limit") } ?? 20
        guard (1...1000).contains(n) else { throw Compiler.Failure(message: "limit must be from 1 to 1000 (got \(n))", range: limit?.range ?? range) }
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
    var calls: [Action.Call] { [Action.Call(.listSlowQueries, "list slow queries in the window (7 days at most), by pages of 100")] }

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
    var calls: [Action.Call] { [Action.Call(.listTasks, "list tasks in the window, by pages of 100")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let (start, now) = try window.window(now: e.options.clock(), atMost: DDMAPI.taskWindowLimit, of: "tasks of the last")
        let page = try await e.client.listTasks(from: start, to: now, offset: 0, limit: 100)
        await e.sink.table(ShowTables.tasks(page.jobs))
        if let total = page.total, total > page.jobs.count { await e.sink.message("the \(page.jobs.count) most recent of \(total) tasks") }
        return nil
    }
}
