import DDMSigning
import Foundation
import Synchronization

/// Logs and checks: who killed which session, the slow-query analysis, the read/write ratio,
/// transaction logs (TMLOG), the weak-password check, and the API versions (their call is in
/// CatalogOperations, where version discovery uses it).
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (method, path, query and body from the SDK's `_<op>_http_info` and request models,
/// `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let logs: [DDMOperationID] = [.listKilledSessions, .analyzeSlowQueries, .listReadWriteRatio, .listTransactionLogs, .moveTransactionLogs,
                                         .checkWeakPassword, .listAPIVersions]

    public static let listKilledSessions = DDMOperationID("listKilledSessions", sdk: "show_processes_audit_log", v3: nil) { api, at in
        Routes(api.listKilledSessions(instance: at.instance, from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 0)))
    }
    public static let analyzeSlowQueries = DDMOperationID("analyzeSlowQueries", sdk: "list_slow_log_analysis", v3: nil) { api, at in
        Routes(api.analyzeSlowQueries(instance: at.instance, from: 0, to: 0))
    }
    public static let listReadWriteRatio = DDMOperationID("listReadWriteRatio", sdk: "list_read_write_ratio", v3: nil) { api, at in
        Routes(api.listReadWriteRatio(instance: at.instance, from: 0, to: 0))
    }
    public static let listTransactionLogs = DDMOperationID("listTransactionLogs", sdk: "show_tmlog_infos", v3: nil) { api, at in
        Routes(api.listTransactionLogs(instance: at.instance))
    }
    public static let moveTransactionLogs = DDMOperationID("moveTransactionLogs", sdk: "move_tmlog_files", v3: nil) { api, at in
        Routes(api.moveTransactionLogs(instance: at.instance, nodes: []))
    }
    /// A check: it posts the password it checks and changes nothing.
    public static let checkWeakPassword = DDMOperationID("checkWeakPassword", sdk: "validate_weak_password", v3: nil, checksOnly: true) { api, at in
        Routes(api.checkWeakPassword(""))
    }
    public static let listAPIVersions = DDMOperationID("listAPIVersions", sdk: "list_api_version", v3: nil) { api, at in
        Routes(api.apiVersions())
    }
}

extension DDMAPI {
    /// `show_processes_audit_log`: `start_time`/`end_time` required, `yyyy-mm-ddThh:mm:ssZ` with
    /// the offset as `+0000`, at most 7 days apart (the SDK's request model). Whole seconds: both
    /// ends are rounded up, so the window takes in its last second and stays as long as it was.
    public func listKilledSessions(instance: String, from: Date, to: Date, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<KilledSessionPage> {
        DDMOperation(name: "list killed sessions", method: "GET", path: v3("instances", instance, "processes-audit-log"),
                     query: pageQuery(offset: offset, limit: limit) + [("start_time", Self.auditTime(from)), ("end_time", Self.auditTime(to))],
                     repeatability: .safe)
    }

    static func auditTime(_ d: Date) -> String {
        let up = Date(timeIntervalSince1970: d.timeIntervalSince1970.rounded(.up))
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return f.string(from: up)
    }

    /// `list_slow_log_analysis`: `start_date`/`end_date` required. Their format the SDK does not
    /// state; ddmsh sends epoch milliseconds, as the slow log (`list_slow_logs`) takes them.
    public func analyzeSlowQueries(instance: String, from: Int64, to: Int64, order: String? = nil, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<SlowQueryAnalysisPage> {
        DDMOperation(name: "analyze slow queries", method: "GET", path: v3("instances", instance, "slow-log-analysis"),
                     query: [("start_date", String(from)), ("end_date", String(to))] + pageQuery(offset: offset, limit: limit) + (order.map { [("order", $0)] } ?? []),
                     repeatability: .safe)
    }

    /// `list_read_write_ratio` (v2): pages as `curPage`/`perPage`, `startDate`/`endDate` in epoch
    /// milliseconds at most a month apart.
    public func listReadWriteRatio(instance: String, from: Int64, to: Int64, page: Int = 1, perPage: Int = 100) -> DDMOperation<ReadWriteRatioPage> {
        DDMOperation(name: "list read/write ratio", method: "GET", path: v2("instances", instance, "read-write-ratio"),
                     query: [("curPage", String(page)), ("perPage", String(perPage)), ("startDate", String(from)), ("endDate", String(to))],
                     repeatability: .safe)
    }

    public func listTransactionLogs(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<TransactionLogPage> {
        DDMOperation(name: "list transaction logs", method: "GET", path: v3("instances", instance, "tmlogs"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct NodesBody: Encodable { var node_ids: [String] }

    public func moveTransactionLogs(instance: String, nodes: [String]) -> DDMOperation<JobAnswer> {
        DDMOperation(name: "move transaction logs", method: "POST", path: v3("instances", instance, "tmlogs"),
                     body: JSONBody.encode(NodesBody(node_ids: nodes)), repeatability: .safe)
    }

    private struct PasswordBody: Encodable { var password: String }

    public func checkWeakPassword(_ password: String) -> DDMOperation<WeakPasswordAnswer> {
        DDMOperation(name: "check password", method: "POST", path: v3("weak-password-verification"),
                     body: JSONBody.encode(PasswordBody(password: password)), repeatability: .safe, checksOnly: true)
    }
}

extension DDMClient {
    public func allKilledSessions(instance: String, from: Date, to: Date) async throws -> [KilledSession] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listKilledSessions(instance: instance, from: from, to: to, offset: offset, limit: limit))
            return (p.processAuditLogs ?? [], p.totalCount)
        }
    }
    public func allSlowQueryAnalysis(instance: String, from: Int64, to: Int64) async throws -> [SlowQueryTemplate] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.analyzeSlowQueries(instance: instance, from: from, to: to, offset: offset, limit: limit))
            return (p.slowLogList ?? [], p.total)
        }
    }
    public func allReadWriteRatios(instance: String, from: Int64, to: Int64) async throws -> [ReadWriteRatio] {
        try await collectPages(limit: 100, numbering: .pages) { offset, limit in
            let p = try await self.send(self.api.listReadWriteRatio(instance: instance, from: from, to: to, page: offset / limit + 1, perPage: limit))
            return (p.readWriteRatioList ?? [], p.totalRecord)
        }
    }
    public func allTransactionLogs(instance: String) async throws -> [TransactionLog] {
        try await collectPages { offset, limit in
            let p = try await self.send(self.api.listTransactionLogs(instance: instance, offset: offset, limit: limit))
            return (p.tmlogs ?? [], p.total)
        }
    }
    public func moveTransactionLogs(instance: String, nodes: [String]) async throws -> JobAnswer {
        guard !nodes.isEmpty else { throw DDMError.invalid("name at least one node") }
        return try await send(api.moveTransactionLogs(instance: instance, nodes: nodes))
    }
    /// Whether DDM calls the password weak; nil where the endpoint does not have the check. The
    /// check is the project's, not an instance's, so each password is asked about once per client
    /// (a fleet's targets, running at once, share the one question), and an endpoint without the
    /// check is asked once.
    public func isWeakPassword(_ password: String) async throws -> Bool? {
        try await passwordVerdicts.verdict(Digest.sha256Hex(Array(password.utf8))) {
            do {
                return try await self.send(self.api.checkWeakPassword(password)).isWeakPassword
            } catch let e as DDMError where e.isMissingAPI {
                throw PasswordVerdicts.NoCheck()
            }
        }
    }
}

/// Weak-password verdicts by the password's SHA-256 (never the password itself), each asked for
/// once: callers that come while the question is out wait for its answer. A failed question is
/// forgotten, so the next caller asks again.
final class PasswordVerdicts: Sendable {
    struct NoCheck: Error {}
    private let state = Mutex<(asked: [String: Task<Bool?, Error>], lacksCheck: Bool)>(([:], false))

    func verdict(_ digest: String, ask: @escaping @Sendable () async throws -> Bool?) async throws -> Bool? {
        let task: Task<Bool?, Error>? = state.withLock { s in
            if s.lacksCheck { return nil }
            if let t = s.asked[digest] { return t }
            let t = Task { try await ask() }
            s.asked[digest] = t
            return t
        }
        guard let task else { return nil }
        do {
            return try await task.value
        } catch is NoCheck {
            state.withLock { $0.lacksCheck = true }
            return nil
        } catch {
            state.withLock { s in if s.asked[digest] == task { s.asked[digest] = nil } }
            throw error
        }
    }
}

/// `ShowProcessesAuditLogResponse`.
public struct KilledSessionPage: Decodable, Sendable {
    public var processAuditLogs: [KilledSession]?
    public var totalCount: Int?
}

/// `UserProcessAuditLog`: a session killed, by whom, when (UTC).
public struct KilledSession: Decodable, Sendable, Equatable {
    public var processId: String?
    public var executeUserName: String?
    public var executeTime: String?
    public var instanceName: String?
}

/// `ListSlowLogAnalysisResponse`.
public struct SlowQueryAnalysisPage: Decodable, Sendable {
    public var slowLogList: [SlowQueryTemplate]?
    public var total: Int?
}

/// `ESDBSlowSqlTemplateItem`: one kind of slow statement, over the window; times in seconds.
public struct SlowQueryTemplate: Decodable, Sendable, Equatable {
    public var querySample: String?
    public var database: String?
    public var executeTimes: Double?
    public var avgTime: Double?
    public var maxTime: Double?
    public var costTimeSum: Double?
    public var avgRowsExamined: Double?
    public var maxRowsExamined: Double?
}

/// `ListReadWriteRatioResponse` (camelCase on the wire).
public struct ReadWriteRatioPage: Decodable, Sendable {
    public var totalRecord: Int?
    public var readWriteRatioList: [ReadWriteRatio]?
}

public struct ReadWriteRatio: Decodable, Sendable, Equatable {
    public var schema: String?
    public var table: String?
    public var readCount: String?
    public var writeCount: String?
    public var lastUpdated: String?
}

/// `ShowTmlogInfosResponse`.
public struct TransactionLogPage: Decodable, Sendable {
    public var tmlogs: [TransactionLog]?
    public var total: Int?
}

/// `TmlogInfo`: a node's TMLOG size (MB) and the compressed files earlier moves made.
public struct TransactionLog: Decodable, Sendable, Equatable {
    public var nodeId: String?
    public var fileList: [String]?
    public var tmlogSize: Double?
}

/// `ValidateWeakPasswordResponse`.
public struct WeakPasswordAnswer: Decodable, Sendable { public var isWeakPassword: Bool? }
