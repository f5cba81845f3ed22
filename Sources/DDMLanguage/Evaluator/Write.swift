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

/// One of many writes a statement sends at once (a batch's, one per account): a `Write` whose
/// call may run beside the others, asked nothing in the REPL.
struct ConcurrentWrite: Sendable {
    /// What it is for, to tell the answers apart (the account).
    var key: String
    /// What it does, as the plan holds it.
    var summary: String
    var journal: Journal.Entry?
    var audit: AuditContext
    var call: @Sendable () async throws -> Void
}

/// A write's progress, as the executor tells a watcher (`Evaluator.Options.writeWatch`).
public enum WriteEvent: Sendable, Equatable {
    /// About to be sent: until it is answered, its outcome is unknown.
    case sending(summary: String)
    /// Answered, applied or refused for certain. A write whose answer was lost gets no event: it
    /// stays unknown.
    case answered(summary: String)
    /// A job the step's write started: its write is done, only the waiting is left, so whoever
    /// resumes the run waits for the job and does not send the step again.
    case job(step: Int, id: String)
    /// The step did what it does (all of its writes).
    case stepApplied(step: Int)
}

/// A write as the executor sends it, for an observer (`Evaluator.Options.observeWrites`).
public struct SentWrite: Sendable {
    public var summary: String
    /// Its intent went to the run's journal before the call.
    public var journaled: Bool
    /// What the audit record of its call says.
    public var audit: AuditContext
}

extension Evaluator {
    /// The one way a statement writes, the same for every statement: in a dry run says what it
    /// would do and stops (`admit`); asks in the REPL; journals the intent before the call and
    /// its end after, and audits the call under the summary (`send`); marks it in flight for an
    /// interruption's account; and forgets what the call made stale. Nil when nothing was sent.
    func perform<Answer>(_ w: Write<Answer>) async throws -> Answer? {
        if options.dryRun { await sink.message("dry run: would \(w.summary)") }
        guard try admit([w.summary]) else { return nil }
        if await declined(w.question) { return nil }
        inFlight = w.summary
        defer { inFlight = nil }
        let answer = try await journaled(w.journal, summary: w.summary, audit: AuditContext(instance: currentInstanceName, after: w.summary)) {
            try await w.call()
        }
        ledger.record(w.summary, target: ledgerTarget)
        if w.staleInstances { instanceCache = nil }
        return answer
    }

    /// The first stage of every write, one or many: in a dry run each is kept in the saved plan
    /// being made and counted as a change, and none is sent (false); applying a saved plan, each
    /// must be one of its writes, all checked before any is sent.
    func admit(_ summaries: [String]) throws -> Bool {
        if options.dryRun {
            wouldChange += summaries.count
            for s in summaries { options.planRecorder?.write(plannedWrite(s)) }
            return false
        }
        if let g = options.planGuard { for s in summaries { try g.admit(plannedWrite(s)) } }
        return true
    }

    /// Sends one write: its intent in the journal (on disk before the call: a run killed between
    /// two writes can still be undone), the call under its audit context, its end in the journal.
    /// Every write reaches the service here, alone (`perform`) or beside others (`sendAll`).
    static func send<T>(_ entry: Journal.Entry?, summary: String, to journal: Journal?, audit: AuditContext,
                        observe: (@Sendable (SentWrite) -> Void)?, watch: (@Sendable (WriteEvent) -> Void)? = nil, isolation: isolated (any Actor)? = #isolation,
                        _ call: () async throws -> T) async throws -> T {
        let seq = try entry.flatMap { try journal?.intent($0) }
        observe?(SentWrite(summary: summary, journaled: seq != nil, audit: audit))
        watch?(.sending(summary: summary))
        do {
            let result = try await AuditContext.$current.withValue(audit) { try await call() }
            if let seq { journal?.done(seq, ok: true) }
            watch?(.answered(summary: summary))
            return result
        } catch {
            if let seq { journal?.failed(seq, error) }
            // Refused for certain: nothing to find out later. Otherwise it stays unknown.
            if !outcomeUnknown(error), !(error is CancellationError), !Task.isCancelled {
                watch?(.answered(summary: summary))
            }
            throw error
        }
    }

    /// Many writes, admitted together (`admit`), sent `concurrency` at a time through `send`;
    /// `each` hears every answer as it comes and says whether to send more. Each stays in the
    /// caller's account until it is read back: a batch settles lost answers and merges with
    /// other runs before it records what it applied.
    static func sendAll(_ writes: [ConcurrentWrite], to journal: Journal?, concurrency: Int, observe: (@Sendable (SentWrite) -> Void)?,
                        each: (String, Result<Void, Error>) async -> Bool) async {
        await withTaskGroup(of: (String, Result<Void, Error>).self) { group in
            var next = 0
            func launch() {
                let w = writes[next]
                next += 1
                group.addTask { (w.key, await sent(w, to: journal, observe: observe)) }
            }
            while next < min(max(1, concurrency), writes.count) { launch() }
            for await (key, result) in group {
                if await each(key, result), next < writes.count { launch() }
            }
        }
    }

    /// One of many writes through `send`, its outcome as a value.
    static func sent(_ w: ConcurrentWrite, to journal: Journal?, observe: (@Sendable (SentWrite) -> Void)?) async -> Result<Void, Error> {
        do {
            try await send(w.journal, summary: w.summary, to: journal, audit: w.audit, observe: observe) { try await w.call() }
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    /// `perform` of a write that starts a job on an instance: says `doing` with the job, waits
    /// for the instance (and the job) when asked, naming `operation` if Ctrl-C stops the wait, and
    /// gives `done` as the applied-changes line. Nil when nothing was sent.
    func performJob(_ w: Write<JobAnswer>, doing: String, operation: String, done: String, wait: Bool,
                    on instance: (id: String, name: String)) async throws -> String? {
        guard let r = try await perform(w) else { return nil }
        if let job = r.jobId { options.writeWatch?(.job(step: currentStep, id: job)) }
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
