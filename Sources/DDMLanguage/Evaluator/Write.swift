import DDMKit

/// One change to the service, as a statement hands it to the executor: what it does, what to
/// ask first, what the journal keeps, and the call.
struct Write<Answer: Sendable> {
    /// What it does, as the dry run ("dry run: would …") and an interruption's report say it.
    var summary: String
    /// Asked in the REPL before the call; nil asks nothing.
    var question: String?
    /// What the journal keeps (with the statement that reverses it); nil keeps nothing.
    var journal: Journal.Entry?
    /// The call changes what the cached instance list says (name, flavor, nodes, port).
    var staleInstances = false
    var call: () async throws -> Answer
}

extension Journal.Entry {
    /// A change to an instance, reversed by `inverse` (printed by its statement's printer) when
    /// there is one.
    static func change(_ instance: String, _ description: String, undo inverse: (any Step)? = nil, readOnly: Bool? = nil,
                       readWeights: [String: Int]? = nil) -> Self {
        .instanceChange(instance: instance, description: description, inverse: inverse.map { $0.text + ";" }, readOnly: readOnly,
                        readWeights: readWeights)
    }
}

extension Evaluator {
    /// The one way a statement writes, the same for every statement: in a dry run says what it
    /// would do and stops; asks in the REPL; journals the intent before the call and its end
    /// after; audits the call under the summary; marks it in flight for an interruption's
    /// account; and forgets what the call made stale. Nil when nothing was sent.
    func perform<Answer>(_ w: Write<Answer>) async throws -> Answer? {
        if options.dryRun {
            await sink.message("dry run: would \(w.summary)")
            wouldChange += 1
            options.planRecorder?.write(plannedWrite(w.summary))
            return nil
        }
        // Applying a saved plan: a write it does not hold is not sent.
        try options.planGuard?.admit(plannedWrite(w.summary))
        if await declined(w.question) { return nil }
        inFlight = w.summary
        defer { inFlight = nil }
        let answer = try await AuditContext.$current.withValue(AuditContext(instance: currentInstanceName, after: w.summary)) {
            try await journaled(w.journal) { try await w.call() }
        }
        ledger.record(w.summary, target: ledgerTarget)
        if w.staleInstances { instanceCache = nil }
        return answer
    }

    /// `perform` of a write that starts a job on an instance: says `doing` with the job, waits
    /// for the instance (and the job) when asked, naming `operation` if Ctrl-C stops the wait, and
    /// gives `done` as the applied-changes line. Nil when nothing was sent.
    func performJob(_ w: Write<JobAnswer>, doing: String, operation: String, done: String, wait: Bool,
                    on instance: (id: String, name: String)) async throws -> String? {
        guard let r = try await perform(w) else { return nil }
        if let ordered = await ordered(r, doing: doing, operation: operation, wait: wait, on: instance.name) { return ordered }
        await sink.message("\(doing) (job \(r.jobId ?? "-"))")
        if wait { try await waitRunning(instance.id, name: instance.name, job: r.jobId, operation: operation) }
        return done
    }

    /// A yearly/monthly instance answers a change with an order instead of a job (the SDK's
    /// `order_id`; `job_id` comes for pay-per-use): the change starts once the order is paid, so
    /// it is said with its order, and `wait` does not claim it done. Nil for any other answer.
    func ordered(_ r: JobAnswer, doing: String, operation: String, wait: Bool, on instance: String) async -> String? {
        guard r.jobId == nil, let order = r.orderId else { return nil }
        await sink.message("\(doing) (order \(order): it starts once the order is paid)")
        if wait { await sink.message("not waiting for \(instance): the change waits for order \(order) to be paid") }
        return "\(operation) (order \(order), waiting for payment)"
    }

    /// Says the job a write's answer carries (`dropping schema x (job …)`), and with `wait` follows
    /// it: on the instance until it is RUNNING again and the job done, or the job alone when the
    /// instance is the thing going away. An answer without a job says `done` at once.
    func reportJob(_ job: String?, doing: String, done: String, wait: Bool, on instance: (id: String, name: String)?,
                   operation: String) async throws {
        guard let job else { await sink.message(done); return }
        await sink.message("\(doing) (job \(job))")
        guard wait else { return }
        if let instance {
            try await waitRunning(instance.id, name: instance.name, job: job, operation: operation, announce: false)
        } else {
            try await waitJob(job)
        }
        await sink.message(done)
    }

    /// `perform`, then says `done` and gives it as the applied-changes line: the whole run of a
    /// write that has nothing else to report. Nil when nothing was sent.
    func perform<Answer>(_ w: Write<Answer>, done: String) async throws -> String? {
        guard try await perform(w) != nil else { return nil }
        await sink.message(done)
        return done
    }
}
