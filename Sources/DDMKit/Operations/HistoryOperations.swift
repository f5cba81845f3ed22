import Foundation

/// What happened: slow queries, tasks, jobs.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let history: [DDMOperationID] = [.showJob, .listSlowQueries, .listTasks]

    public static let showJob = DDMOperationID("showJob", sdk: "show_ddm_job_result", v3: nil) { api, at in
        Routes(api.showJobEnvelope(at.object ?? "{job_id}"))
    }

    public static let listSlowQueries = DDMOperationID("listSlowQueries", sdk: "list_slow_log", v3: "list_slow_logs") { api, at in
        Routes(api.listSlowQueriesV2(instance: at.instance, from: 0, to: 0), v3: api.listSlowQueries(instance: at.instance, from: 0, to: 0))
    }

    public static let listTasks = DDMOperationID("listTasks", sdk: "list_tasks", v3: nil) { api, at in
        Routes(api.listTasks(from: Date(timeIntervalSince1970: 0), to: Date(timeIntervalSince1970: 0)))
    }
}

extension DDMAPI {
    func showJobEnvelope(_ id: String) -> DDMOperation<JobEnvelope> {
        DDMOperation(name: "show job", method: "GET", path: PathBuilder.path(["v3", projectId, "jobs", id]), repeatability: .safe)
    }

    /// `list_slow_logs`: `start_date`/`end_date` in epoch milliseconds, at most 7 days apart;
    /// `limit` 1–100 (OTC: "Monitoring Slow Query Logs (a V3 API)").
    public func listSlowQueries(instance: String, from: Int64, to: Int64, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<SlowQueryPage> {
        DDMOperation(name: "list slow queries", method: "GET", path: v3("instances", instance, "slow-logs"),
                     query: pageQuery(offset: offset, limit: limit) + [("start_date", String(from)), ("end_date", String(to))],
                     repeatability: .safe)
    }

    /// `list_slow_log` (v2): pages from 1 (`curPage`, `perPage`), `startDate`/`endDate` in epoch
    /// milliseconds at most 7 days apart; its answer has the v3 one's fields in camelCase, which
    /// decode alike.
    func listSlowQueriesV2(instance: String, from: Int64, to: Int64, offset: Int = 0, limit: Int = 100) -> DDMOperation<SlowQueryPage> {
        DDMOperation(name: "list slow queries", method: "GET", path: v2("instances", instance, "slowlog"),
                     query: [("curPage", String(offset / max(1, limit) + 1)), ("perPage", String(limit)), ("startDate", String(from)), ("endDate", String(to))],
                     repeatability: .safe)
    }

    /// The SDK's `ListTasksRequest` always sends `start_time` and `end_time` (epoch milliseconds;
    /// OTC's API reference: mandatory, at most 30 days back), so ddmsh does too.
    public func listTasks(from start: Date, to end: Date, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<TaskPage> {
        let window = [("start_time", String(Int64(start.timeIntervalSince1970 * 1000))), ("end_time", String(Int64(end.timeIntervalSince1970 * 1000)))]
        return DDMOperation(name: "list tasks", method: "GET", path: v3("jobs"), query: window + pageQuery(offset: offset, limit: limit),
                            repeatability: .safe)
    }

    /// The furthest back a task list may start (OTC API reference, "Querying DDM Tasks").
    public static let taskWindowLimit: TimeInterval = 30 * 86_400
}

extension DDMClient {
    public func showJob(_ id: String) async throws -> Job {
        guard let job = try await send(api.showJobEnvelope(id)).job else { throw DDMError.emptyAnswer("show job", "job \(id)") }
        return job
    }
    /// Up to `max` slow queries between two times (at most 7 days apart) that `keep` accepts (the
    /// API filters only by time), newest pages first as the service orders them, reading pages of
    /// 100 until there are enough, none are left, or the listing cap is reached.
    public func slowQueries(instance: String, from: Date, to: Date, max: Int,
                            keep: (SlowQuery) -> Bool = { _ in true }) async throws -> (queries: [SlowQuery], total: Int?) {
        let start = Int64(from.timeIntervalSince1970 * 1000), end = Int64(to.timeIntervalSince1970 * 1000)
        var kept: [SlowQuery] = []
        var read = 0
        var total: Int?
        var previous: [SlowQuery]?
        while kept.count < max, read < configuration.maxListedRows {
            let page = try await versioned(.listSlowQueries, v3: { try await self.send(self.api.listSlowQueries(instance: instance, from: start, to: end, offset: read, limit: 100)) },
                                           older: { try await send(api.listSlowQueriesV2(instance: instance, from: start, to: end, offset: read, limit: 100)) })
            total = page.totalRecord
            // The same page again: the service ignores the offset (DDMClient.collectPages).
            if page.slowLogList == previous { warn("the service served the same page of slow queries twice; the listing ends at \(read)"); break }
            previous = page.slowLogList
            read += page.slowLogList.count
            kept += page.slowLogList.filter(keep)
            if page.slowLogList.isEmpty || read >= (page.totalRecord ?? 0) { break }
        }
        // Stopped by the cap, as `collectPages` says it.
        if kept.count < max, read >= configuration.maxListedRows, let total, total > read {
            warn("the listing stops at \(configuration.maxListedRows) slow queries (the service said \(total))")
        }
        return (Array(kept.prefix(max)), total)
    }
    public func listTasks(from start: Date, to end: Date = Date(), offset: Int? = nil, limit: Int? = nil) async throws -> TaskPage {
        try await send(api.listTasks(from: start, to: end, offset: offset, limit: limit))
    }
}
