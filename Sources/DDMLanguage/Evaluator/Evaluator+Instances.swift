import DDMKit

/// `use`, instance statements and waiting.
extension Evaluator {
    func instances(refresh: Bool = false) async throws -> [Instance] {
        if let cached = instanceCache, !refresh { return cached }
        let all = try await client.allInstances()
        instanceCache = all
        return all
    }

    /// An instance by id or name; an ambiguous name lists the candidates.
    func resolve(_ ref: String) async throws -> Instance {
        for refresh in [false, true] {
            let all = try await instances(refresh: refresh)
            if let byId = all.first(where: { $0.id == ref }) { return byId }
            let named = all.filter { $0.name == ref }
            if named.count == 1 { return named[0] }
            if named.count > 1 {
                throw EvaluationError("instance name '\(ref)' is ambiguous: " +
                    named.map { "\($0.id) (\($0.status))" }.joined(separator: ", ") + "; use the id", kind: .ambiguous)
            }
        }
        throw EvaluationError.notFound("instance '\(ref)'", focus: ref)
    }

    func instanceId() async throws -> String {
        if let currentInstance { return currentInstance.id }
        if let pendingInstance {
            let i = try await resolve(pendingInstance)
            currentInstance = (i.id, i.name)
            return i.id
        }
        throw EvaluationError("no instance selected: write 'use instance <name>;' first", kind: .noInstance)
    }

    /// Polls the instance until RUNNING and, with the operation's job, until the job is done,
    /// showing its progress. Ctrl-C stops the waiting, not the operation: that says so.
    /// - Parameter operation: what was started, for the report when Ctrl-C stops the wait.
    /// - Parameter announce: say "instance … is RUNNING" at the end (a statement that reports its
    ///   own result, as `create schema … wait`, does not).
    func waitRunning(_ id: String, name: String, job: String? = nil, operation: String? = nil, announce: Bool = true) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + options.waitTimeout
        do {
            while true {
                let i = try await poll { try await self.client.showInstance(id) }
                // Progress is a nicety: a job that cannot be read does not stop the wait.
                var j: Job?
                if let job { j = try? await client.showJob(job) }
                if j?.status == "Failed" {
                    await sink.progress(nil)
                    throw EvaluationError("job \(job ?? "") on \(name) failed", kind: .failed)
                }
                switch i.status {
                case "RUNNING" where j == nil || j?.status == "Completed":
                    await sink.progress(nil)
                    if announce { await sink.message("instance \(name) is RUNNING") }
                    return
                case "CREATEFAILED", "ERROR":
                    await sink.progress(nil)
                    throw EvaluationError("instance \(name) ended in \(i.status)\(i.errorMsg.map { ": " + $0 } ?? "")", kind: .failed)
                default:
                    await sink.progress("waiting for \(name): \(i.status)" + (j?.percent.map { " " + ProgressBar.render($0) } ?? ""))
                }
                guard clock.now < deadline else {
                    await sink.progress(nil)
                    throw EvaluationError("gave up waiting for \(name) (still \(i.status))" + (job.map { "; job \($0) goes on in the service" } ?? ""),
                                          kind: .timedOut)
                }
                try await Task.sleep(for: options.pollInterval)
            }
        } catch where error is CancellationError || Task.isCancelled {
            await sink.progress(nil)
            let note = job.map { "job \($0) goes on in the service; 'wait job \($0);' or 'wait instance \(name);' to follow it" }
                ?? "the operation goes on in the service; 'wait instance \(name);' to follow it"
            await sink.message("stopped waiting for \(name); \(note)")
            throw WaitStopped(applied: (operation ?? "the operation on \(name)") + (job.map { " (job \($0), still running)" } ?? " (still running)"),
                              job: job)
        }
    }

    func waitJob(_ id: String) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + options.waitTimeout
        do {
            while true {
                let j = try await poll { try await self.client.showJob(id) }
                switch j.status {
                case "Completed": await sink.progress(nil); await sink.message("job \(id) completed"); return
                case "Failed": await sink.progress(nil); throw EvaluationError("job \(id) (\(j.name ?? "")) failed", kind: .failed)
                default: await sink.progress("job \(j.name ?? id): " + (j.percent.map { ProgressBar.render($0) } ?? j.process ?? j.status))
                }
                guard clock.now < deadline else {
                    await sink.progress(nil)
                    throw EvaluationError("gave up waiting for job \(id) (still \(j.status)); it goes on in the service", kind: .timedOut)
                }
                try await Task.sleep(for: options.pollInterval)
            }
        } catch where error is CancellationError || Task.isCancelled {
            await sink.progress(nil)
            await sink.message("stopped waiting; job \(id) goes on in the service ('wait job \(id);' to follow it)")
            throw WaitStopped(applied: "job \(id) (still running)", job: id)
        }
    }
}

extension Evaluator {
    /// One read of a wait's poll. The operation goes on in the service whatever happens to the
    /// network, so a wait rides out an endpoint that cannot be reached for a while (a restart,
    /// a dropped link), saying so, and gives up only after `options.pollOutage`.
    func poll<T: Sendable>(_ read: () async throws -> T) async throws -> T {
        let clock = ContinuousClock()
        var since: ContinuousClock.Instant?
        while true {
            do {
                return try await read()
            } catch let e as DDMError where e.kind == .transport {
                let start = since ?? clock.now
                since = start
                let down = clock.now - start
                guard down < options.pollOutage else { throw e }
                await sink.progress("\(e.message); still trying (\(Int(down.components.seconds)) s)")
                try await Task.sleep(for: options.pollInterval)
            }
        }
    }
}

/// Ctrl-C during a wait: the operation was made and goes on; the run stops as interrupted.
struct WaitStopped: Error {
    var applied: String
    /// The job still running, when there is one: a retry waits for it instead of starting another.
    var job: String? = nil
}

/// A progress bar for a job's `process` percentage.
enum ProgressBar {
    static func render(_ percent: Int, width: Int = 20) -> String {
        let p = min(100, max(0, percent))
        let filled = p * width / 100
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(p)%"
    }
}

