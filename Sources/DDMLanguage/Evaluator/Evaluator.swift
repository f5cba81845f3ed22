import DDMKit
import Foundation

/// Runs a compiled plan through DDMKit, statement by statement. An actor: the REPL's completer
/// reads the current instance from another task while `use instance` changes it.
///
/// The statements live in their families (`Statements/`); what several share is in the
/// `Evaluator+…` files beside this one.
public actor Evaluator {
    public struct Options: Sendable {
        public var dryRun = false
        public var continueOnError = false
        /// Concurrent writes in a batch (all paced by the client's pacer).
        public var concurrency = 8
        public var pollInterval: Duration = .seconds(2)
        /// How long `wait` (and every `… wait`) polls before giving up.
        public var waitTimeout: Duration = .seconds(1800)
        /// How long a wait keeps polling an endpoint it cannot reach.
        public var pollOutage: Duration = .seconds(60)
        /// The time an export's header gives.
        public var clock: @Sendable () -> Date = Date.init
        /// Where each run that writes keeps its journal (for `undo`); nil keeps none.
        public var journalDirectory: String?
        /// The system calls journal lines go through (a test's full disk).
        public var journalIO: LineAppend.IO = .system
        /// The endpoint as the journal names it (undo offers only runs of the endpoint it is on);
        /// nil: the client's base URL. The local service gets a name of its own, as its port changes.
        public var journalEndpoint: String?
        /// The run this one undoes, recorded in its journal.
        public var undoing: String?
        /// Asked before a disruptive step (the REPL asks the user); nil runs them (scripts are intentional).
        public var confirm: (@Sendable (String) async -> Bool)?
        /// True once the run must stop before its next step although no cancellation has reached
        /// it yet: output that could not be delivered (a closed pipe) stops at the next statement,
        /// not at whichever one the signal's watcher reaches first.
        public var stopRequested: @Sendable () -> Bool = { false }
        /// A fleet runs only the targets that did not succeed the last time it ran (`--retry-failed`).
        public var retryFailed = false
        /// The fleet run this evaluator's target belongs to: its journal says so, and undo takes
        /// the fleet's targets back together.
        public var fleetRun: String?
        /// A client for another region (`on instances … in regions (…)`): the shell connects with
        /// the profile for that region. Nil where no such connection can be made.
        public var regionClient: (@Sendable (String) async throws -> DDMClient)?
        /// A dry run that saves its plan (`--plan-out`): what each statement would write is kept.
        public var planRecorder: PlanRecorder?
        /// A saved plan being applied (`ddmsh apply`): only its writes may be sent.
        public var planGuard: PlanGuard?
        /// Hears each write as the executor sends it: how a test sees that every write, a
        /// batch's too, takes the one path.
        public var observeWrites: (@Sendable (SentWrite) -> Void)?
        /// Hears each write's progress as it happens, by step (a fleet keeps its record by it, so
        /// a run killed in the middle of a target leaves what it sent there). A grant batch's
        /// writes are not told one by one: run again whole, a batch sends only what still differs.
        public var writeWatch: (@Sendable (WriteEvent) -> Void)?
        public init() {}
    }

    public struct BatchCount: Sendable, Equatable {
        public var applied: Int
        public var total: Int
    }

    /// What a run did, for the exit status and the final report.
    public struct Report: Sendable {
        public var succeeded = 0
        public var failures: [Diagnostic] = []
        /// One line per statement that changed something.
        public var applied: [String] = []
        public var interrupted = false
        /// A batch the interruption cut short: how many of its changes were applied.
        public var interruptedBatch: BatchCount?
        /// Writes whose answer was lost in the interruption and could not be read back.
        public var unknown: [String] = []
        public var stoppedEarly = false
        /// In a dry run: the changes the plan would have made (drift, for `--detailed-exitcode`).
        public var wouldChange = 0
        /// DDM's error code and request id of the first failure, when the service gave them.
        public var errorCode: String?
        public var requestId: String?
        /// The plan's steps (by index) that applied their change, a change whose wait was stopped
        /// included: a fleet's `--retry-failed` does not send them again.
        public var appliedSteps: [Int] = []
        /// Jobs a stopped wait left running.
        public var runningJobs: [String] = []
        /// Every write the run applied, as the ledger has them (a fleet's per target): the account
        /// of a run whose output found no reader, though the run itself finished.
        public var written: [String] = []
        public init() {}
    }

    public nonisolated let client: DDMClient
    let sink: any OutputSink
    let secrets: any SecretResolver
    public private(set) var options: Options
    public internal(set) var currentInstance: (id: String, name: String)?

    /// Called as each failure happens, so output and errors keep their order.
    private var onFailure: (@Sendable (Diagnostic) async -> Void)?

    /// Accounts a dry run would have created (or dropped), so later dry-run statements see them.
    var dryRunAccounts: [String: Account] = [:]
    var dryRunDropped: Set<String> = []
    /// Schemas a dry run would have created, so a later dry run in the same session sees them.
    var dryRunSchemas: Set<String> = []
    /// Other objects a dry run would have created (`group <instance>/<name>`, `parameter template
    /// <name>`): a later statement on one is a change the dry run cannot read, not a failure.
    var dryRunCreated: Set<String> = []
    /// Changes the current step would have made in a dry run.
    var wouldChange = 0
    /// The write being made now (its plan text), for the account of an interruption.
    var inFlight: String?
    /// The plan step running now, as `writeWatch` names it.
    var currentStep = 0
    /// The write of the current step whose answer was lost after it was sent (a dropped
    /// connection, a timeout, a 5xx): the run reads it back before calling it failed.
    var answerLost: String?
    /// This run's journal, opened at its first write.
    var journal: Journal?
    /// Every write applied, recorded as its answer arrives (`Ledger`); a fleet target's evaluator
    /// records into its fleet's, under `ledgerTarget`.
    private(set) var ledger = Ledger()
    private(set) var ledgerTarget: String?

    /// The run's view of the current instance's accounts and schemas (`KnownNames`).
    var known: [KnownNames.Kind: KnownNames] = [:]
    /// The account list as this run last read it, until its next write (`RunCache`).
    var accountSnapshot: RunCache.Accounts?
    /// The run has a grant batch whose read must show extended privileges: every account read of
    /// the run is that one, so one list serves them all (an export's creates and grants).
    var accountsReadExtended = false
    /// The RDS instances available to an instance, read once per run (`RunCache`).
    var availableRDS: (instance: String, list: [AvailableRDS])?

    /// Set by `--instance`: resolved at first use.
    var pendingInstance: String?
    var instanceCache: [Instance]?

    public init(client: DDMClient, sink: any OutputSink, secrets: any SecretResolver, options: Options = Options(),
                instance: String? = nil) {
        self.client = client; self.sink = sink; self.secrets = secrets; self.options = options
        self.pendingInstance = instance
    }

    public var currentInstanceName: String? { currentInstance?.name ?? pendingInstance }

    public func setOptions(_ change: @Sendable (inout Options) -> Void) { change(&options) }
    public func setOnFailure(_ handler: (@Sendable (Diagnostic) async -> Void)?) { onFailure = handler }

    public func run(_ plan: Plan) async -> Report {
        var report = Report()
        let runMark = ledger.mark
        journal = nil
        known = [:]
        accountSnapshot = nil
        accountsReadExtended = plan.steps.contains { $0.step.grants?.changes.contains(where: \.readsExtended) ?? false }
        availableRDS = nil
        do {
            try await preflight(plan)
        } catch let e as BatchFailure {
            for d in e.diagnostics { await onFailure?(d) }
            report.failures = e.diagnostics
            return report
        } catch {
            // The check could not be made (no instance, the network): the statements say why themselves.
        }
        if !options.dryRun {
            do { try await preflightSecrets(plan) } catch {
                let diagnostics = (error as? BatchFailure)?.diagnostics ?? [Diagnostic(.error, Self.message(error), at: plan.steps[0].range, file: plan.steps[0].file)]
                for d in diagnostics { await onFailure?(d) }
                report.failures = diagnostics
                return report
            }
        }
        for (index, step) in plan.steps.enumerated() {
            defer { report.wouldChange += wouldChange; wouldChange = 0 }
            if Task.isCancelled || options.stopRequested() { report.interrupted = true; break }
            let mark = ledger.mark
            /// What the step applied before it stopped (a fleet's targets included): the ledger
            /// has it even when the step's own line never came back.
            func recorded(dropping last: Bool = false) {
                var entries = ledger.since(mark, target: ledgerTarget)
                if last, let i = entries.lastIndex(where: { $0.known && $0.target == ledgerTarget }) { entries.remove(at: i) }
                report.applied += entries.filter(\.known).map(\.line)
                report.unknown += entries.filter { !$0.known }.map(\.line)
            }
            options.planRecorder?.begin(step)
            answerLost = nil
            currentStep = index
            func stepApplied(_ index: Int) {
                report.appliedSteps.append(index)
                options.writeWatch?(.stepApplied(step: index))
            }
            do {
                if step.step.setsRunOption {
                    _ = try await step.step.run(in: self)
                    continue
                }
                let applied = try await step.step.run(in: self)
                if let applied { report.applied.append(applied) }
                if applied != nil || !ledger.since(mark, target: ledgerTarget).isEmpty { stepApplied(index) }
                report.succeeded += 1
            } catch let stopped as BatchInterrupted {
                report.applied += stopped.applied
                report.unknown += stopped.unknown
                report.interruptedBatch = BatchCount(applied: stopped.applied.count, total: stopped.total)
                report.interrupted = true
                break
            } catch is CancellationError {
                recorded()
                // A single write may have reached the service before its answer was lost.
                // `perform` cleared `inFlight` on its way out; `journaled` kept the write here.
                if let write = answerLost {
                    switch await settle(step) {
                    case .applied:
                        ledger.record(write + " (answer lost; read back: applied)", target: ledgerTarget)
                        report.applied.append(write + " (answer lost; read back: applied)")
                        stepApplied(index)
                    case .notApplied: break
                    case .unknown:
                        ledger.record(write, target: ledgerTarget, known: false)
                        report.unknown.append(write)
                    }
                }
                report.interrupted = true
                break
            } catch let created as CreatedInDryRun {
                // The run would find it (this run makes it first): the dry run cannot read what
                // the statement would change on it, and counts it as a change.
                await sink.message("dry run: would run this on \(created.what), which this run creates first (what it changes there cannot be read before it exists)")
                wouldChange += 1
                report.succeeded += 1
            } catch let stopped as WaitStopped {
                // The operation was made; only the waiting stopped: its line says so, in place of
                // the ledger's.
                recorded(dropping: true)
                report.applied.append(stopped.applied)
                stepApplied(index)
                if let job = stopped.job { report.runningJobs.append(job) }
                report.interrupted = true
                break

            } catch let e as BatchFailure {
                for d in e.diagnostics { await onFailure?(d) }
                report.failures += e.diagnostics
                if !e.applied.isEmpty { report.applied.append(contentsOf: e.applied) }
                // No later write could be recorded either: said once, not once per statement.
                if !options.continueOnError || e.recordRefused { report.stoppedEarly = true; break }
            } catch {
                recorded()
                var message = Self.message(error)
                if let write = answerLost {
                    // Sent, and the answer lost: not "failed" until a read says so.
                    answerLost = nil
                    switch await settle(step) {
                    case .applied:
                        ledger.record(write + " (answer lost; read back: applied)", target: ledgerTarget)
                        await sink.message("\(write): the answer was lost (\(message)); read back: applied")
                        report.applied.append(write + " (answer lost; read back: applied)")
                        stepApplied(index)
                        report.succeeded += 1
                        continue
                    case .notApplied:
                        message += "; read back: not applied"
                    case .unknown:
                        ledger.record(write, target: ledgerTarget, known: false)
                        report.unknown.append(write)
                        message = "outcome unknown: \(write) was sent and its answer lost (\(message)); read it back before repeating it"
                    }
                }
                if let e = error as? DDMError, report.errorCode == nil, report.requestId == nil {
                    report.errorCode = e.code
                    report.requestId = e.requestId
                }
                // A write's dry run refused because what it names is not there (a group, a schema,
                // an instance), or not one thing, is where the run would fail: said so, as
                // `refusal` says it. (A secret the dry run lacks says what it needs in its own words.)
                if options.dryRun, !step.step.onlyReads, let refused = error as? EvaluationError,
                   refused.kind == .notFound || refused.kind == .ambiguous, !message.hasPrefix("would fail: ") {
                    message = "would fail: " + message
                }
                let d = Diagnostic(.error, message, at: step.range, file: step.file, focus: (error as? EvaluationError)?.focus)
                await onFailure?(d)
                report.failures.append(d)
                // No later write could be recorded either: said once, not once per statement.
                if !options.continueOnError || BatchRunner.isRecordNotKept(error) { report.stoppedEarly = true; break }
            }
        }
        report.written = ledger.since(runMark, target: ledgerTarget).filter(\.known).map(\.line)
        return report
    }

    static func message(_ error: Error) -> String {
        if let e = error as? DDMError {
            var detail: [String] = []
            if let code = e.code { detail.append(code) }
            if let status = e.status { detail.append("HTTP \(status)") }
            let prefix = e.kind == .transport && !e.isUnreachable ? "network error: " : ""
            return prefix + e.message + (detail.isEmpty ? "" : " (\(detail.joined(separator: ", ")))")
        }
        return "\(error)"
    }

    /// `set on_error`: whether a failed statement stops the run.
    func setContinueOnError(_ on: Bool) { options.continueOnError = on }

    /// Asks `question` where someone can answer (the REPL), never in a dry run; true when the
    /// answer is no, said as "not done". The one place a disruptive step is confirmed.
    func declined(_ question: String?) async -> Bool {
        guard !options.dryRun, let question, let confirm = options.confirm, !(await confirm(question)) else { return false }
        await sink.message("not done")
        return true
    }

    /// A precondition the run checks after a read, refused the same way in a dry run, which says
    /// it would fail (and so exits 1, as the run would) instead of predicting a change.
    func refusal(_ error: EvaluationError) -> EvaluationError {
        guard options.dryRun else { return error }
        var e = error
        e.description = "would fail: " + e.description
        return e
    }

    /// A delete through the executor; with `if exists`, the service's 404 means there was
    /// nothing to drop.
    /// - Parameters:
    ///   - job: the job the answer carries, said and followed with `wait` (`reportJob`).
    ///   - instance: what `wait` watches until it is RUNNING again; nil follows the job alone.
    func drop<Answer>(_ what: String, ifExists: Bool, _ delete: Write<Answer>, job: (Answer) -> String? = { _ in nil },
                      wait: Bool = false, on instance: (id: String, name: String)? = nil) async throws -> String? {
        let answer: Answer
        do {
            guard let a = try await perform(delete) else { return nil }
            answer = a
        } catch let e as DDMError where ifExists && e.isNotFound {
            await sink.message("\(what) does not exist; nothing to drop")
            return nil
        }
        try await reportJob(job(answer), doing: "dropping \(what)", done: "dropped \(what)", wait: wait, on: instance, operation: "drop \(what)")
        return "dropped \(what)"
    }

    /// A secret the write needs, asked for only when the write is really made, and before the
    /// journal records it, so a prompt given up on leaves no intent. A dry run asks for nothing
    /// but fails, as the run would, on a variable or file that is not there: it is called only
    /// once the reads show the write would be made.
    func secretForWrite(_ source: SecretSource, purpose: String) throws -> String {
        guard options.dryRun else { return try secrets.resolve(source, purpose: purpose) }
        if let reason = secrets.unavailable(source) { throw EvaluationError("\(reason): the \(purpose) is needed, as this statement would write", kind: .failed) }
        return ""
    }

    /// The journal writes of this run go to (opened now if needed); nil in a dry run or without one.
    func journalForWrites() async -> Journal? {
        guard let directory = options.journalDirectory, !options.dryRun else { return nil }
        if let journal { return journal }
        // The run's instance, even when its first write named one explicitly (`alter instance x …`)
        // and no statement has used the preselected one yet: undo needs it to know where to go.
        if currentInstance == nil, pendingInstance != nil { _ = try? await instanceId() }
        let header = Journal.Header(run: Journal.newRunId(now: options.clock()), time: ISO8601DateFormatter().string(from: options.clock()),
                                    endpoint: options.journalEndpoint ?? client.baseURL, project: client.configuration.projectId,
                                    instance: currentInstance?.id, instanceName: currentInstance?.name, undoes: options.undoing,
                                    fleet: options.fleetRun, profile: client.configuration.profile)
        let opened = Journal(directory: directory, header: header, io: options.journalIO)
        journal = opened
        return opened
    }

    /// A single write through `send`, into the run's journal.
    func journaled<T>(_ entry: Journal.Entry?, summary: String, audit: AuditContext, _ write: () async throws -> T) async throws -> T {
        let journal = await journalForWrites()
        accountSnapshot = nil
        do {
            return try await Self.send(entry, summary: summary, to: journal, audit: audit, observe: options.observeWrites,
                                       watch: options.writeWatch, write)
        } catch {
            // A journal that refused the intent sent nothing.
            if error is JournalError { throw error }
            // Cancelled mid-call (a signal, a closed pipe): the request may have reached the
            // service, so it is read back like a lost answer. `perform` clears `inFlight` on its way out.
            if Self.outcomeUnknown(error) || error is CancellationError || Task.isCancelled { answerLost = inFlight }
            throw error
        }
    }

    /// The write may have been applied: it was sent and no answer says otherwise.
    static func outcomeUnknown(_ error: Error) -> Bool {
        guard let e = error as? DDMError, !e.certainlyNotApplied else { return false }
        return e.kind == .transport || e.isServerError
    }

    /// The instances as a fleet listed them: its targets need no lookup of their own.
    func knowInstances(_ instances: [Instance]) { instanceCache = instances }

    /// A batch's writes, once read back (`sendAll` leaves them to it), recorded as `perform` records its own.
    func recordWrites(_ lines: [String]) {
        for line in lines { ledger.record(line, target: ledgerTarget) }
    }

    /// A fleet target's evaluator records its writes in the fleet's ledger, under its target.
    func shareLedger(_ ledger: Ledger, as target: String) {
        self.ledger = ledger
        ledgerTarget = target
    }

    // For the batch runner.
    func countWouldChange(_ n: Int) { wouldChange += n }
    func dryRunView() -> (accounts: [String: Account], dropped: Set<String>) { (dryRunAccounts, dryRunDropped) }
}

/// A dry-run statement on an object that an earlier statement of the same dry run would create.
struct CreatedInDryRun: Error {
    var what: String
}
