import DDMKit
import Foundation

extension StatementID {
    static let showKilledSessions = StatementID("showKilledSessions"), showSlowQueryAnalysis = StatementID("showSlowQueryAnalysis")
    static let showReadWriteRatio = StatementID("showReadWriteRatio"), showTransactionLogs = StatementID("showTransactionLogs")
    static let moveTransactionLogs = StatementID("moveTransactionLogs"), checkPassword = StatementID("checkPassword")
    static let showAPIVersions = StatementID("showAPIVersions")
}

/// Logs and checks (docs/language.md, "Logs and checks"): who killed which session, the slow
/// queries by kind, the read/write ratio, transaction logs, the weak-password check, the API
/// versions.
enum LogStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showKilledSessions, topic: "logs", path: ["show", "killed", "sessions"],
                       grammar: "show killed sessions [since '<when>'];  (who killed which session; the last day unless given, 7 at most)",
                       example: "show killed sessions since '2d';", words: ["since"],
                       needsInstance: true, operations: [.listKilledSessions]),
        StatementEntry(.showSlowQueryAnalysis, topic: "logs", path: ["show", "slow", "query", "analysis"],
                       grammar: "show slow query analysis [since '<when>'];  (slow statements by kind, slowest in total first; 7 days at most, 1 unless given)",
                       example: "show slow query analysis since '3d';", words: ["since"],
                       needsInstance: true, operations: [.analyzeSlowQueries]),
        StatementEntry(.showReadWriteRatio, topic: "logs", path: ["show", "read", "write", "ratio"],
                       grammar: "show read write ratio [since '<when>'];  (reads and writes per schema and table; 31 days at most, 1 unless given)",
                       example: "show read write ratio since '7d';", words: ["since"],
                       needsInstance: true, operations: [.listReadWriteRatio]),
        StatementEntry(.showTransactionLogs, topic: "logs", path: ["show", "transaction", "logs"],
                       grammar: "show transaction logs;  (each node's TMLOG, the XA transaction log, and the files earlier moves made)",
                       example: "show transaction logs;", needsInstance: true, operations: [.listTransactionLogs]),
        StatementEntry(.moveTransactionLogs, topic: "logs", path: ["move", "transaction", "logs"],
                       grammar: "move transaction logs [on node <n>, …];  (compresses each node's TMLOG into its backup directory; every node unless named)",
                       example: "move transaction logs;", words: ["on", "node"],
                       needsInstance: true, operations: [.listTransactionLogs, .moveTransactionLogs]),
        StatementEntry(.checkPassword, topic: "logs", path: ["check", "password"],
                       grammar: "check password <secret>;  (whether DDM calls it weak; create user and password changes check by themselves)",
                       example: "check password prompt;", words: ["prompt", "env", "file"],
                       operations: [.checkWeakPassword]),
        StatementEntry(.showAPIVersions, topic: "logs", path: ["show", "api", "versions"],
                       grammar: "show api versions;  (the API generations the endpoint serves)", example: "show api versions;",
                       operations: [.listAPIVersions]),
    ]

    static let rules = [
        ParseRule("show killed sessions", { p in LogRead<Parsed>(kind: .killedSessions, since: p.match("since") ? try p.stringValue("time") : nil) }),
        ParseRule("show slow query analysis", { p in LogRead<Parsed>(kind: .slowQueryAnalysis, since: p.match("since") ? try p.stringValue("time") : nil) }),
        ParseRule("show read write ratio", { p in LogRead<Parsed>(kind: .readWriteRatio, since: p.match("since") ? try p.stringValue("time") : nil) }),
        ParseRule("show transaction logs", { _ in
            PlainRead(.showTransactionLogs, "show transaction logs", calls: [PlannedCall(.listTransactionLogs, "each node's transaction log, every page")]) { e in
                let logs = try await e.client.allTransactionLogs(instance: try await e.instanceId())
                return [ResultTable(columns: ["node", "size_mb", "moved files"], rows: logs.map {
                    [$0.nodeId ?? "", $0.tmlogSize.map { String(format: "%.1f", $0) } ?? "", ($0.fileList ?? []).joined(separator: ", ")]
                }, kinds: [.text, .number, .list])]
            }
        }),
        ParseRule("move transaction logs", { p in
            guard p.match("on") else { return MoveTransactionLogs<Parsed>(nodes: nil) }
            try p.expect("node", "after 'on'")
            return MoveTransactionLogs<Parsed>(nodes: try p.list("node id"))
        }),
        ParseRule("check password", { p in CheckPassword(password: try p.secret()) }),
        ParseRule("show api versions", { _ in
            PlainRead(.showAPIVersions, "show api versions", calls: [PlannedCall(.listAPIVersions, "the endpoint's API versions")]) { e in
                let all = try await e.client.apiVersions()
                return [ResultTable(columns: ["id", "status", "version", "updated"], rows: all.map { [$0.id, $0.status ?? "", $0.version ?? "", $0.updated ?? ""] })]
            }
        }),
    ]
}

extension Evaluator {
    /// Refuses, before it is sent, a password DDM's weak-password check calls weak. The client
    /// asks about each password once (`DDMClient.isWeakPassword`), and not at all where the
    /// endpoint lacks the check; a dry run reads no password and checks none.
    func refuseWeak(_ password: String, for account: String) async throws {
        guard !options.dryRun, !password.isEmpty else { return }
        if try await client.isWeakPassword(password) == true {
            throw EvaluationError("DDM calls the password for \(account) weak (its weak-password check); nothing was sent with it; choose another", kind: .failed)
        }
    }
}

// MARK: show killed sessions / slow query analysis / read write ratio

enum LogKind: Sendable, Equatable {
    case killedSessions, slowQueryAnalysis, readWriteRatio

    /// How far back a window may reach (days), and the default.
    var limits: (most: Int, given: Int) {
        switch self {
        // The SDK's request model: "结束时间与开始时间，间隔不能超过7天" (at most 7 days apart).
        case .killedSessions: (7, 1)
        case .slowQueryAnalysis: (7, 1)
        case .readWriteRatio: (31, 1)
        }
    }
}

struct LogRead<P: Phase>: Sendable, Equatable {
    var kind: LogKind
    var since: P.Text?
    var when: TaskWindow.Since? = nil
}

extension LogRead: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let when = try since.map { try c.since($0) } ?? TaskWindow.Since.days(kind.limits.given)
        return LogRead<Resolved>(kind: kind, since: when.description, when: when)
    }
}

extension LogRead: Step where P == Resolved {
    var id: StatementID {
        switch kind {
        case .killedSessions: .showKilledSessions
        case .slowQueryAnalysis: .showSlowQueryAnalysis
        case .readWriteRatio: .showReadWriteRatio
        }
    }
    var text: String {
        let head = switch kind {
        case .killedSessions: "show killed sessions"
        case .slowQueryAnalysis: "show slow query analysis"
        case .readWriteRatio: "show read write ratio"
        }
        return head + (since.map { " since \($0)" } ?? "")
    }
    var calls: [PlannedCall] {
        switch kind {
        case .killedSessions: [PlannedCall(.listKilledSessions, "the killed-session audit log, every page")]
        case .slowQueryAnalysis: [PlannedCall(.analyzeSlowQueries, "slow statements by kind, every page")]
        case .readWriteRatio: [PlannedCall(.listReadWriteRatio, "reads and writes per table, every page")]
        }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let what = switch kind {
        case .killedSessions: "killed sessions"
        case .slowQueryAnalysis: "slow queries"
        case .readWriteRatio: "read/write ratios"
        }
        let (from, to) = try (when ?? .days(kind.limits.given)).window(now: e.options.clock(), atMost: TimeInterval(kind.limits.most) * 86_400, of: "\(what) of the last")
        let ms = { (d: Date) in Int64(d.timeIntervalSince1970 * 1000) }
        switch kind {
        case .killedSessions:
            let all = try await e.client.allKilledSessions(instance: instance, from: from, to: to)
            await e.sink.table(ResultTable(columns: ["session", "killed by", "at"], rows: all.map { [$0.processId ?? "", $0.executeUserName ?? "", $0.executeTime ?? ""] }))
        case .slowQueryAnalysis:
            let all = try await e.client.allSlowQueryAnalysis(instance: instance, from: ms(from), to: ms(to))
            func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "" }
            await e.sink.table(ResultTable(columns: ["statement", "schema", "runs", "avg_s", "max_s", "total_s", "avg_rows"], rows: all.map {
                [$0.querySample ?? "", $0.database ?? "", $0.executeTimes.map { String(Int($0)) } ?? "", f($0.avgTime), f($0.maxTime), f($0.costTimeSum),
                 $0.avgRowsExamined.map { String(Int($0)) } ?? ""]
            }, kinds: [.text, .text, .number, .number, .number, .number, .number]))
        case .readWriteRatio:
            let all = try await e.client.allReadWriteRatios(instance: instance, from: ms(from), to: ms(to))
            await e.sink.table(ResultTable(columns: ["schema", "table", "reads", "writes", "updated"], rows: all.map {
                [$0.schema ?? "", $0.table ?? "", $0.readCount ?? "", $0.writeCount ?? "", $0.lastUpdated ?? ""]
            }, kinds: [.text, .text, .number, .number, .text]))
        }
        return nil
    }
}

// MARK: move transaction logs

struct MoveTransactionLogs<P: Phase>: Sendable, Equatable {
    var nodes: P.Texts?
}

extension MoveTransactionLogs: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { MoveTransactionLogs<Resolved>(nodes: try nodes.map { try c.strings($0) }) }
}

extension MoveTransactionLogs: Step where P == Resolved {
    var id: StatementID { .moveTransactionLogs }
    var text: String { "move transaction logs" + (nodes.map { " on node \(SourceText.names($0))" } ?? "") }
    var calls: [PlannedCall] {
        (nodes == nil ? [PlannedCall(.listTransactionLogs, "the nodes")] : []) + [PlannedCall(.moveTransactionLogs, "move transaction logs")]
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let ids: [String]
        if let nodes { ids = nodes } else { ids = try await e.client.allTransactionLogs(instance: instance).compactMap(\.nodeId) }
        guard !ids.isEmpty else { throw EvaluationError("the instance lists no node with a transaction log", kind: .notFound) }
        let client = e.client
        let n = "\(ids.count) node\(ids.count == 1 ? "" : "s")"
        let write = Write(summary: "move the transaction logs of \(n) into their backup directories", journal: .change(instance, "moved the transaction logs of \(n)")) {
            try await client.moveTransactionLogs(instance: instance, nodes: ids)
        }
        guard let r = try await e.perform(write) else { return nil }
        await e.sink.message("moved the transaction logs of \(n) (job \(r.jobId ?? "-"))")
        return "moved the transaction logs of \(n)"
    }
}

// MARK: check password

struct CheckPassword: StatementSyntax, Step, Equatable {
    var password: SecretSource

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { self }
    var id: StatementID { .checkPassword }
    var text: String { "check password \(SourceText.secret(password))" }
    var calls: [PlannedCall] { [PlannedCall(.checkWeakPassword, "DDM's weak-password check (changes nothing)")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let secret = try e.secrets.resolve(password, purpose: "password to check")
        switch try await e.client.isWeakPassword(secret) {
        case nil: await e.sink.message("this endpoint has no weak-password check")
        case true?: await e.sink.message("DDM calls this password weak; choose another")
        case false?: await e.sink.message("DDM does not call this password weak")
        }
        return nil
    }
}
