import DDMKit
import Foundation

/// The states of a schema's shard configuration task.
enum ReshardTask {
    /// The states in which a task moves data or routes on its own: a new reshard follows it.
    static let moving: Set<String> = ["Running", "Expanding", "ToBeSwitched", "Switching", "Canceling", "Rollbacking"]

    /// The states a shard configuration task goes through (issue 23, from DDM's task list).
    static let states: Set<String> = ["Running", "Completed", "Failed", "Expanding", "Canceling", "Rollbacking", "RollbackSuccess",
                                      "CancelSuccess", "ToBeSwitched", "Switching"]
}

/// A route-switch window as DDM takes it: `hh:mm:ss`, at least 60 minutes long (OTC's API
/// reference, "Performing Shard Configuration"). `switch at T` asks for T to T + 1 hour.
enum ReshardWindow {
    static func seconds(_ hms: String) -> Int? {
        let p = hms.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 3, p.allSatisfy({ $0.count == 2 }), let h = Int(p[0]), let m = Int(p[1]), let s = Int(p[2]),
              (0..<24).contains(h), (0..<60).contains(m), (0..<60).contains(s) else { return nil }
        return h * 3600 + m * 60 + s
    }

    static func end(after begin: String) -> String {
        let t = ((seconds(begin) ?? 0) + 3600) % 86_400
        return String(format: "%02d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
    }
}

extension Evaluator {
    /// The schema's shard configuration tasks of the last 30 days (all the task list keeps within
    /// reach), newest first.
    func reshardTasks(instance: String, schema: String?) async throws -> [TaskItem] {
        let now = options.clock()
        let from = now.addingTimeInterval(-DDMAPI.taskWindowLimit + 60)
        var all: [TaskItem] = []
        var offset = 0
        while true {
            let page = try await client.listTasks(from: from, to: now, offset: offset, limit: 100)
            all += page.jobs
            offset += page.jobs.count
            if page.jobs.count < 100 || offset >= (page.total ?? 0) { break }
        }
        return all.filter { t in
            t.instanceId == instance && ReshardTask.states.contains(t.status ?? "") && t.databaseName != nil
                && (schema == nil || t.databaseName?.lowercased() == schema)
        }.sorted { ($0.createdTime ?? "") > ($1.createdTime ?? "") }
    }

    /// Pre-checks, shows the pre-check's findings, and starts the task when they all passed; a
    /// dry run stops after the pre-check (which changes nothing).
    func reshard(_ schema: String, shards: Int?, add: [String], user: String, password: SecretSource, at: String?, wait: Bool) async throws -> String? {
        let instance = try await instanceId()
        let detail = try await client.showSchema(instance: instance, name: schema)
        // A task already open (a run killed in its wait, another session's) is followed, not
        // pre-checked again: DDM would refuse a second one (DBS.300358) and say nothing of the first.
        if let open = try await reshardTasks(instance: instance, schema: schema).first(where: Self.isOpen) {
            let status = open.status ?? "?"
            guard ReshardTask.moving.contains(status) else {
                let allowed = (open.operations ?? []).map { ReshardVerb.statement(for: $0, schema: schema) }
                throw refusal(EvaluationError("the last shard configuration of \(schema) (task \(open.id)) is \(status) and not finished"
                    + (allowed.isEmpty ? "" : "; it allows \(allowed.joined(separator: "; "))") + "; no new one was started", kind: .failed))
            }
            await sink.message("resharding \(schema) is already under way (task \(open.id), \(status)); following it, not starting another"
                               + (wait ? "" : " ('show reshard of \(schema);' shows it)"))
            if wait && !options.dryRun { try await waitReshard(schema, job: open.id, instance: instance) }
            return nil
        }
        let current = (detail.usedRds ?? []).map(\.id)
        var names = Dictionary((detail.usedRds ?? []).map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { a, _ in a })
        var added: [String] = []
        if !add.isEmpty {
            let targets = add.contains { !Names.looksLikeRDSId($0) } ? try await client.reshardTargets(instance: instance, schema: schema) : []
            for ref in add {
                if let node = try RDSReference.find(ref, in: targets) {
                    added.append(node.id)
                    names[node.id] = node.name ?? node.id
                } else if Names.looksLikeRDSId(ref) {
                    added.append(ref)
                } else {
                    throw EvaluationError("data node '\(ref)' cannot take shards of \(schema); see 'show reshard targets of \(schema);'", kind: .notFound, focus: ref)
                }
            }
        }
        let nodes = added.reduce(into: current) { if !$0.contains($1) { $0.append($1) } }
        let from = detail.shardNumber ?? 0, to = shards ?? from
        // The pre-check logs in to the data nodes: a dry run needs the password too.
        let secret = try secrets.resolve(password, purpose: "password of \(user) on the data nodes")
        let window = at.map { ($0, ReshardWindow.end(after: $0)) }
        let request = ReshardRequest(dataNodes: nodes.map { .init(id: $0, user: user, password: secret) }, shards: to,
                                     switchBegin: window?.0, switchEnd: window?.1)
        var check = try await client.precheckReshard(instance: instance, schema: schema, request)
        // An answer without its findings gives the pre-check's job: they are read from it.
        if (check.preCheckResults ?? []).isEmpty, let job = check.jobId {
            check = try await client.reshardPrecheck(instance: instance, schema: schema, job: job)
        }
        let items = check.preCheckResults ?? []
        await sink.table(ResultTable(columns: ["pre-check", "result", "note"], rows: items.map { i in
            [i.name ?? "", i.passed ? "passed" : "failed",
             (i.passed ? [i.note] : [i.errorMessage ?? i.note, i.handlingSuggestion]).compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")]
        }))
        if let failed = items.first(where: { !$0.passed }) {
            throw EvaluationError("the pre-check of resharding \(schema) failed: \(failed.name ?? "a check"): \(failed.errorMessage ?? failed.note ?? "no reason given"); nothing was started", kind: .failed)
        }
        let layout = "\(from) → \(to) shards on \(nodes.map { names[$0] ?? $0 }.joined(separator: ", "))"
            + (window.map { ", routes switching between \($0.0) and \($0.1)" } ?? ", routes switched by hand")
        let client = client
        let write = Write(summary: "reshard \(schema): \(layout)", question: "reshard \(schema): \(layout)?",
                          journal: .change(instance, "started resharding \(schema): \(layout)")) {
            try await client.startReshard(instance: instance, schema: schema, request)
        }
        guard let started = try await perform(write) else { return nil }
        let job = started ?? "-"
        await sink.message("resharding \(schema): \(layout) (task \(job))")
        if wait, let started { try await waitReshard(schema, job: started, instance: instance) }
        return "started resharding \(schema)"
    }

    /// A task that is not over: moving, failed (to retry or roll back), or completed with its
    /// source data still to clean.
    static func isOpen(_ t: TaskItem) -> Bool {
        let status = t.status ?? ""
        return ReshardTask.moving.contains(status) || status == "Failed"
            || status == "Completed" && (t.operations ?? []).contains(ReshardVerb.clean.operation)
    }

    /// Polls the task until it waits for its switch or ends. Ctrl-C stops the waiting, not the task.
    func waitReshard(_ schema: String, job: String, instance: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + options.waitTimeout
        do {
            while true {
                let task = try await poll { try await self.reshardTasks(instance: instance, schema: schema).first { $0.id == job } }
                let status = task?.status ?? "Running"
                switch status {
                case "ToBeSwitched":
                    await sink.progress(nil)
                    await sink.message("resharding \(schema): data copied; routes switch in the window, or now with 'alter schema \(schema) switch route;'")
                    return
                case "Completed":
                    await sink.progress(nil)
                    await sink.message("resharding \(schema) completed; 'alter schema \(schema) clean reshard;' removes the source data")
                    return
                case "Failed":
                    await sink.progress(nil)
                    throw EvaluationError("resharding \(schema) failed\(task?.failReason.map { ": \($0)" } ?? ""); it allows \((task?.operations ?? []).map { ReshardVerb.statement(for: $0, schema: schema) }.joined(separator: ", "))", kind: .failed)
                case "CancelSuccess", "RollbackSuccess":
                    await sink.progress(nil)
                    await sink.message("resharding \(schema) ended: \(status)")
                    return
                default:
                    await sink.progress("resharding \(schema): \(status) \(task?.process ?? "")")
                }
                guard clock.now < deadline else {
                    await sink.progress(nil)
                    throw EvaluationError("gave up waiting for resharding \(schema) (still \(status)); it goes on in the service", kind: .timedOut)
                }
                try await Task.sleep(for: options.pollInterval)
            }
        } catch where error is CancellationError || Task.isCancelled {
            await sink.progress(nil)
            await sink.message("stopped waiting; resharding \(schema) goes on in the service ('show reshard of \(schema);' to follow it)")
            throw WaitStopped(applied: "resharding \(schema) (task \(job), still running)")
        }
    }

    /// A verb on the schema's newest task, refused before sending when its state does not allow
    /// it, naming what it allows. `at`: the window's start, with `ReshardVerb.window`.
    func reshardAction(on schema: String, _ verb: ReshardVerb, at: String?, question: String?) async throws -> String? {
        let instance = try await instanceId()
        guard let task = try await reshardTasks(instance: instance, schema: schema).first else {
            // Said as it is: a schema that is not there has no task either (one read, on the way out).
            if try await !client.allSchemas(instance: instance).contains(where: { $0.name.lowercased() == schema }) {
                throw EvaluationError("schema \(schema) does not exist on \(currentInstanceName ?? instance) (see 'show schemas;')", kind: .notFound, focus: schema)
            }
            throw EvaluationError("\(schema) has no shard configuration in the last 30 days (the task list reaches no further back)", kind: .notFound)
        }
        let allowed = task.operations ?? []
        let words = verb.words(at: at)
        guard allowed.contains(verb.operation) else {
            let can = allowed.isEmpty ? "it allows nothing more" : "it allows " + allowed.map { ReshardVerb.statement(for: $0, schema: schema) }.joined(separator: "; ")
            throw EvaluationError("the shard configuration of \(schema) (task \(task.id)) is \(task.status ?? "?"): \(can); not \(words)", kind: .failed)
        }
        let client = client, job = task.id
        let write = Write(summary: "\(words) of \(schema) (task \(job))", question: question,
                          journal: .change(instance, "\(words) of \(schema) (task \(job))")) { () async throws -> String in
            if let action = verb.action {
                try await client.reshard(action, instance: instance, schema: schema, job: job)
            } else if let at {
                try await client.changeReshardSwitchWindow(instance: instance, schema: schema, job: job, begin: at, end: ReshardWindow.end(after: at))
            }
            return job
        }
        guard try await perform(write) != nil else { return nil }
        await sink.message("\(words) of \(schema): sent (task \(job)); 'show reshard of \(schema);' follows it")
        return "\(words) of \(schema)"
    }

    /// The tasks, the newest in detail with its run log.
    func showReshard(_ schema: String?) async throws {
        let instance = try await instanceId()
        let tasks = try await reshardTasks(instance: instance, schema: schema)
        guard let newest = tasks.first, let db = newest.databaseName else {
            // A schema named that is not there is said to be so, not taken for one never resharded.
            if let schema { _ = try await client.showSchema(instance: instance, name: schema) }
            await sink.message("no shard configuration\(schema.map { " of \($0)" } ?? "") in the last 30 days (the task list reaches no further back)")
            return
        }
        // The task list outlives its schema, and a dropped schema's task still names actions no
        // statement can take: one read of the schemas, only when some task offers any.
        let offering = tasks.contains { !($0.operations ?? []).isEmpty }
        let present = offering ? Set(try await client.allSchemas(instance: instance).map(\.name)) : []
        await sink.table(ResultTable(columns: ["schema", "task", "status", "progress", "next", "started", "ended", "failure"], rows: tasks.map { t in
            let actions = (t.operations ?? []).map { ReshardVerb.statement(for: $0, schema: t.databaseName ?? "?") }
            let next = actions.isEmpty || present.contains(t.databaseName ?? "") ? actions.joined(separator: "; ") : "none (the schema was dropped)"
            return [t.databaseName ?? "", t.id, t.status ?? "", t.process ?? "", next, t.createdTime ?? "", t.endTime ?? "", t.failReason ?? ""]
        }))
        // The task list outlives its schema: a dropped schema's task has no detail to read.
        let d: ReshardDetail
        do {
            d = try await client.reshard(instance: instance, schema: db, job: newest.id)
        } catch let e as DDMError where e.isNotFound || e.status == 400 {
            await sink.message("task \(newest.id) of \(db): its detail cannot be read (\(Self.message(e)))")
            return
        }
        func names(_ nodes: [ReshardDetail.DataNode]?) -> String { (nodes ?? []).map { $0.dnInstanceName ?? $0.dnInstanceId ?? "?" }.joined(separator: ", ") }
        let routes = d.switchRouteIsManual == false ? "switch between \(d.autoSwitchBeginTime ?? "?") and \(d.autoSwitchEndTime ?? "?")" : "switched by hand"
        await sink.message("task \(newest.id) of \(db): \(d.originalShardNum.map(String.init) ?? "?") → \(d.afterShardNum.map(String.init) ?? "?") shards, "
                           + "data nodes \(names(d.originalDnInfoList)) → \(names(d.afterDnInfoList)); routes \(routes)")
        let log = try await client.reshardLog(instance: instance, task: newest.id)
        if !log.isEmpty {
            await sink.table(ResultTable(columns: ["time", "level", "message"], rows: log.map { l in
                [l.createdTime.map { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: $0 / 1000)) } ?? "", l.level ?? "", l.message ?? ""]
            }))
        }
    }
}
