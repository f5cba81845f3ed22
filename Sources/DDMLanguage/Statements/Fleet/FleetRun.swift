import DDMKit
import Foundation
import Synchronization

/// Runs a fleet. The targets are found with one instance list (which also spares every target
/// its own lookup); each target's body runs on an evaluator of its own that shares the client,
/// and so its pacer: one call budget per credential, as DDM's limit is per user. Canaries run
/// first and alone; then up to `concurrency` targets at once; once failures exceed the
/// tolerance no target starts, the running ones finish and the rest are not started. Each
/// target's output is shown as one block when it ends, then one row per target.
struct FleetRun {
    let fleet: Fleet<Resolved>

    enum Status: String, Sendable {
        case ok, unchanged, failed, interrupted
        case notStarted = "not started"
        /// In a dry run: the target differs from what the body says (drift), or it does not.
        case drift = "would change"
        case inSync = "in sync"
    }

    struct Outcome: Sendable {
        var instance: String
        var status: Status
        /// The region it is in, in a fleet across regions.
        var region: String?
        /// Statements that changed something (in a dry run: changes it would make).
        var changes = 0
        var jobs: [String] = []
        var error = ""
        var code = ""
        var request = ""
        var seconds: Double?
        var output: [BufferedSink.Item] = []
        /// The body's steps (by index) that applied their change, over this run and the ones it retried.
        var appliedSteps: [Int] = []
        /// Jobs a stopped wait left running.
        var runningJobs: [String] = []
        /// A write's answer was lost and could not be read back: a retry must not guess.
        var unknown: [String] = []

        /// `region/instance` in a fleet across regions, else the instance.
        var key: String { region.map { "\($0)/\(instance)" } ?? instance }
    }

    /// Without `max failures`, every target runs whatever the others do.
    static let defaultConcurrency = 4

    /// A target: an instance, and the region (with its client and instance list) it is in.
    struct Target: Sendable, Hashable {
        /// The instance's name, or `name (id)` where another instance of the region has the same name.
        var name: String
        var region: Int
        /// What `$instance` stands for and the target's evaluator resolves: the name, or the id
        /// where the name is not unique.
        var ref: String
        /// As the record of a fleet across regions keys it.
        func key(_ regions: [Region]) -> String { regions[region].name.map { "\($0)/\(name)" } ?? name }
    }

    /// The region's instances a fleet names (by name or id) or matches, each once; names given
    /// that none has are returned apart.
    static func targets(in instances: [Instance], region: Int, names: [String]?, like: String?) -> (found: [Target], missing: [String]) {
        func target(_ i: Instance) -> Target {
            let shared = instances.filter { $0.name == i.name }.count > 1
            return Target(name: shared ? "\(i.name) (\(i.id))" : i.name, region: region, ref: shared ? i.id : i.name)
        }
        if let like { return (instances.filter { SQLLike.matches($0.name, like) }.map(target), []) }
        var found: [Target] = [], missing: [String] = []
        for n in names ?? [] {
            let matched = instances.filter { $0.id == n }.isEmpty ? instances.filter { $0.name == n } : instances.filter { $0.id == n }
            if matched.isEmpty { missing.append(n) }
            for t in matched.map(target) where !found.contains(t) { found.append(t) }
        }
        return (found, missing)
    }

    /// Where targets are found: the session's endpoint, or each region's in a fleet across regions.
    struct Region: Sendable {
        var name: String?
        var client: DDMClient
        var instances: [Instance]
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        var regions: [Region] = []
        var outcomes: [Outcome] = []
        if let names = fleet.regions {
            guard let connect = e.options.regionClient else {
                throw EvaluationError("a fleet across regions needs a connection per region, which this session cannot make")
            }
            for name in names {
                do {
                    let client = try await connect(name)
                    regions.append(Region(name: name, client: client, instances: try await client.allInstances()))
                } catch {
                    outcomes.append(Outcome(instance: "(every instance)", status: .failed, region: name, error: Evaluator.message(error)))
                }
            }
        } else {
            regions = [Region(name: nil, client: e.client, instances: try await e.client.allInstances())]
        }
        var targets: [Target] = []
        var missingEverywhere = Set(fleet.names ?? [])
        for (i, region) in regions.enumerated() {
            let (found, missing) = Self.targets(in: region.instances, region: i, names: fleet.names, like: fleet.like)
            targets += found
            missingEverywhere.formIntersection(missing)
        }
        for missing in fleet.names ?? [] where missingEverywhere.contains(missing) {
            outcomes.append(Outcome(instance: missing, status: .failed, error: "no instance named \(missing) (nor with that id)"))
        }
        let record = FleetRecord(directory: e.options.journalDirectory,
                                 fleet: fleet.identity, endpoint: e.options.journalEndpoint ?? e.client.baseURL,
                                 project: e.client.configuration.projectId)
        let last = record.load()
        var resume: [String: FleetRecord.Target] = [:]
        if e.options.retryFailed {
            if let last {
                targets = targets.filter { last[$0.key(regions)].map { !$0.succeeded } ?? true }
                outcomes = outcomes.filter { last[$0.key].map { !$0.succeeded } ?? true }
                for t in targets { resume[t.key(regions)] = last[t.key(regions)] }
                let again = targets.map { $0.key(regions) } + outcomes.map(\.key)
                await e.sink.message("retrying the targets that did not succeed last time: \(again.isEmpty ? "none" : again.joined(separator: ", "))")
                if again.isEmpty { return nil }
            } else {
                await e.sink.message("no earlier run of this fleet is recorded; running every target")
            }
        }
        if targets.isEmpty && outcomes.isEmpty {
            await e.sink.message(fleet.like.map { "no instance matches '\($0)'" } ?? "no target to run")
            return nil
        }
        let shown = targets.map { $0.key(regions) }.joined(separator: ", ")
        if await e.declined("run this on \(targets.count) instance\(targets.count == 1 ? "" : "s") (\(shown))?") { return nil }

        let concurrency = fleet.concurrency ?? Self.defaultConcurrency
        let live = FleetProgress(sink: e.sink)
        // Kept as each target ends, and as each of its writes is sent and answered, so a run
        // killed part-way (even SIGKILL, before any target ended) leaves its retry what it did.
        let keeper = FleetRecordKeeper(record, last ?? [:], keeping: !e.options.dryRun)
        // A new run (not a retry) replaces the last one's record before any target starts: a run
        // killed before it reached a target must not leave that target "ok" from the run before.
        if !e.options.retryFailed {
            keeper.replace(with: Dictionary(targets.map { ($0.key(regions), FleetRecord.Target(status: Status.notStarted.rawValue)) }) { a, _ in a })
        }
        let context = Context(regions: regions, secrets: e.secrets, options: childOptions(e, sharing: min(concurrency, max(1, targets.count))),
                              block: fleet.body, live: live, ledger: e.ledger, keeper: keeper, sessionClient: e.client)
        // Canaries exist to stop a bad change early: with them, a failure stops the fleet unless
        // `max failures` tolerates more (StackSets' tolerance also defaults to zero). Without
        // canaries or a tolerance, every target runs whatever the others do.
        let limit = fleet.tolerance?.limit(of: targets.count + outcomes.count) ?? (fleet.canary != nil ? 0 : Int.max)
        var failures = outcomes.count
        let canaries = targets.prefix(fleet.canary ?? 0)
        var waiting = targets.dropFirst(canaries.count)[...]
        var stopped = false
        var started: Set<Target> = []

        // One live line for the whole fleet (on a terminal; the sink drops it elsewhere).
        let missing = outcomes.count
        func progress() async {
            await live.summary("fleet: \(outcomes.count)/\(targets.count + missing) done, \(started.count + missing - outcomes.count) running, \(failures) failed")
        }

        func keep(_ o: Outcome) { keeper.set(o.key, FleetRecord.Target(o, over: resume[o.key])) }

        func finished(_ o: Outcome) async {
            keep(o)
            if o.status == .failed { failures += 1 }
            await live.done(o.key)
            let changes = o.changes > 0 && o.status != .drift ? ", \(o.changes) change\(o.changes == 1 ? "" : "s")" : ""
            await e.sink.message("── \(o.key): \(o.status.rawValue)\(changes) ──")
            for item in o.output { await item.replay(to: e.sink) }
            if o.status == .failed { await e.sink.message("error: \(o.error)") }
            outcomes.append(o)
            await progress()
        }

        for target in canaries {
            if failures > limit || Task.isCancelled || e.options.stopRequested() { stopped = true; break }
            started.insert(target)
            await finished(await context.run(target, resume: resume[target.key(regions)]))
        }
        if failures > limit { stopped = true }
        if !stopped {
            await withTaskGroup(of: Outcome.self) { group in
                var running = 0
                while true {
                    while running < concurrency, let target = waiting.first, failures <= limit, !Task.isCancelled, !e.options.stopRequested() {
                        waiting = waiting.dropFirst()
                        started.insert(target)
                        running += 1
                        let from = resume[target.key(regions)]
                        group.addTask { await context.run(target, resume: from) }
                    }
                    await progress()
                    guard let o = await group.next() else { break }
                    running -= 1
                    await finished(o)
                }
            }
        }
        await live.clear()
        for target in targets where !started.contains(target) {
            let o = Outcome(instance: target.name, status: .notStarted, region: regions[target.region].name)
            keep(o)
            outcomes.append(o)
        }
        // As written (named targets), else as found; region by region in the order given.
        let order = (fleet.names ?? []) + targets.map(\.name) + targets.map(\.ref)
        func rank(_ o: Outcome) -> (Int, Int) {
            (fleet.regions?.firstIndex { $0 == o.region } ?? -1, order.firstIndex(of: o.instance) ?? -1)
        }
        outcomes.sort { rank($0) < rank($1) }
        await e.sink.table(Self.table(outcomes, regions: fleet.regions != nil))
        // A fleet's drift is its targets': `--dry-run --detailed-exitcode` exits 3 when any would change.
        e.countWouldChange(outcomes.filter { $0.status == .drift }.reduce(0) { $0 + $1.changes })
        for o in outcomes where o.status == .failed && !keeper.has(o.key) { keep(o) }

        let failed = outcomes.filter { $0.status == .failed }.count
        let notStarted = outcomes.filter { $0.status == .notStarted }.count
        let changed = outcomes.filter { $0.status == .ok }.count
        if failed > 0 || notStarted > 0 || outcomes.contains(where: { $0.status == .interrupted }) {
            // Stopped by a signal or a closed pipe: the run's account (from the ledger) says what
            // each target applied, and the exit status is the signal's.
            if Task.isCancelled || e.options.stopRequested() { throw CancellationError() }
            throw EvaluationError("fleet: \(failed) of \(outcomes.count) target\(outcomes.count == 1 ? "" : "s") failed"
                                  + (notStarted > 0 ? ", \(notStarted) not started" : ""))
        }
        return changed > 0 ? "fleet: \(changed) of \(outcomes.count) instance\(outcomes.count == 1 ? "" : "s") changed" : nil
    }

    /// A target's evaluator asks nothing (the fleet asked once) and journals under the fleet's id,
    /// so `ddmsh undo` takes back every target's writes together. The targets running at once
    /// share one run's concurrent writes: as many calls are in flight as in a run on one
    /// instance, so the shared pacer meets the service's limit no harder than that run would.
    private func childOptions(_ e: isolated Evaluator, sharing targets: Int) -> Evaluator.Options {
        var o = e.options
        o.concurrency = max(1, o.concurrency / targets)
        o.confirm = nil
        o.fleetRun = Journal.newRunId(now: o.clock())
        return o
    }

    /// DDM's error code as a failure's message quotes it (`… (DBS.300311, HTTP 400)`): a batch's
    /// or a wrapped failure carries no typed error, but its message does.
    static func code(in message: String) -> String? {
        guard let r = message.range(of: #"\b(DBS|APIGW|DDM)\.[0-9]{4,}\b"#, options: .regularExpression) else { return nil }
        return String(message[r])
    }

    static func table(_ outcomes: [Outcome], regions: Bool) -> ResultTable {
        ResultTable(columns: ["instance"] + (regions ? ["region"] : []) + ["status", "changes", "jobs", "error", "code", "request", "seconds"],
                    rows: outcomes.map { o in
            [o.instance] + (regions ? [o.region ?? ""] : []) + [o.status.rawValue, String(o.changes), o.jobs.joined(separator: ", "), o.error,
                                                                  o.code, o.request, o.seconds.map { String(format: "%.1f", $0) } ?? ""]
        })
    }

    /// What every target's run shares.
    struct Context: Sendable {
        let regions: [Region]
        let secrets: any SecretResolver
        let options: Evaluator.Options
        let block: CompiledBlock
        let live: FleetProgress
        let ledger: Ledger
        let keeper: FleetRecordKeeper
        /// The session's own client: a target reached through it journals under the session's
        /// endpoint name; one reached through another region's client under that client's URL.
        let sessionClient: DDMClient

        /// Runs the body on `target`; a retry (`resume`) first waits for the jobs the last run left
        /// running and sends none of the steps it applied.
        func run(_ target: Target, resume: FleetRecord.Target? = nil) async -> Outcome {
            let key = target.key(regions)
            let sink = BufferedSink { [live] text in await live.target(key, text) }
            let started = options.clock()
            let region = regions[target.region]
            let (all, diagnostics) = block.steps(for: target.ref)
            if let first = diagnostics.first {
                return Outcome(instance: target.name, status: .failed, region: region.name, error: first.message)
            }
            if let lost = resume?.unknown, !lost.isEmpty {
                var o = Outcome(instance: target.name, status: .failed, region: region.name,
                                error: "the last run lost the answer to \(lost.joined(separator: "; ")) and could not read it back; "
                                     + "check \(target.name) and change it by hand where needed (running the fleet without --retry-failed "
                                     + "sends every statement to every target again)")
                o.unknown = lost
                return o
            }
            let skip = Set(resume?.applied ?? [])
            let indices = all.indices.filter { !skip.contains($0) }
            let steps = indices.map { all[$0] }
            var options = options
            if region.client !== sessionClient { options.journalEndpoint = nil }
            options.writeWatch = { [keeper] event in keeper.note(key, event, over: resume) { indices[$0] } }
            let evaluator = Evaluator(client: region.client, sink: sink, secrets: secrets, options: options, instance: target.ref)
            await evaluator.knowInstances(region.instances)
            await evaluator.shareLedger(ledger, as: key)
            if !skip.isEmpty {
                await sink.message("retrying: \(skip.count) statement\(skip.count == 1 ? " was" : "s were") applied by the last run and \(skip.count == 1 ? "is" : "are") not sent again")
            }
            for job in resume?.jobs ?? [] {
                do {
                    try await evaluator.waitJob(job)
                } catch {
                    let stopped = error is WaitStopped || error is CancellationError || Task.isCancelled
                    var o = Outcome(instance: target.name, status: stopped ? .interrupted : .failed, region: region.name)
                    o.error = stopped ? "" : "job \(job), left running by the last run: \(Evaluator.message(error))"
                    o.appliedSteps = []
                    o.runningJobs = resume?.jobs ?? []
                    o.output = await sink.items
                    return o
                }
            }
            let report = await CallCounter.$scoped.withValue(CallCounter()) { await evaluator.run(Plan(steps: steps)) }
            var o = Outcome(instance: target.name, status: .ok, region: region.name, changes: report.applied.count)
            o.output = await sink.items
            o.jobs = o.output.compactMap(\.job)
            o.seconds = options.clock().timeIntervalSince(started)
            o.appliedSteps = report.appliedSteps.map { indices[$0] }
            o.runningJobs = report.runningJobs
            o.unknown = report.unknown
            if let failure = report.failures.first {
                o.status = .failed
                o.error = failure.message
                o.code = report.errorCode ?? FleetRun.code(in: failure.message) ?? ""
                o.request = report.requestId ?? ""
            } else if report.interrupted {
                o.status = .interrupted
            } else if options.dryRun {
                o.changes = report.wouldChange
                o.status = report.wouldChange > 0 ? .drift : .inSync
            } else if report.applied.isEmpty {
                o.status = .unchanged
            }
            return o
        }
    }
}

/// A target's output, kept until the target ends so that concurrent targets do not interleave.
actor BufferedSink: OutputSink {
    enum Item: Sendable {
        case table(ResultTable)
        case message(String)

        func replay(to sink: any OutputSink) async {
            switch self {
            case .table(let t): await sink.table(t)
            case .message(let m): await sink.message(m)
            }
        }

        /// The job a message names (`… (job <id>)`), for the fleet's row.
        var job: String? {
            guard case .message(let m) = self, let r = m.range(of: "(job ") ?? m.range(of: "(task ") else { return nil }
            let id = m[r.upperBound...].prefix { $0 != ")" && $0 != " " }
            return id.isEmpty || id == "-" ? nil : String(id)
        }
    }

    private(set) var items: [Item] = []
    /// Where the target's progress goes at once (the fleet's live line), not kept.
    private let onProgress: @Sendable (String?) async -> Void

    init(onProgress: @escaping @Sendable (String?) async -> Void) { self.onProgress = onProgress }

    func table(_ table: ResultTable) { items.append(.table(table)) }
    func message(_ text: String) { items.append(.message(text)) }
    func progress(_ text: String?) async { await onProgress(text) }
}

/// The fleet's one live line: targets done, running and failed, and what each running target
/// is waiting on (its job's percentage, or its state). On a terminal only, as every progress line.
actor FleetProgress {
    private let sink: any OutputSink
    private var head = ""
    private var running: [(key: String, text: String)] = []

    init(sink: any OutputSink) { self.sink = sink }

    func summary(_ text: String) async {
        head = text
        await render()
    }

    func target(_ key: String, _ text: String?) async {
        running.removeAll { $0.key == key }
        if let text { running.append((key, Self.short(text))) }
        await render()
    }

    /// A target ended: its part leaves the line, and the line leaves the terminal until the
    /// target's block of output is printed (the next summary draws it again).
    func done(_ key: String) async {
        running.removeAll { $0.key == key }
        await sink.progress(nil)
    }

    func clear() async { await sink.progress(nil) }

    private func render() async {
        guard !head.isEmpty else { return }
        let jobs = running.map { "\($0.key) \($0.text)" }.joined(separator: ", ")
        await sink.progress(head + (jobs.isEmpty ? "" : " — " + jobs))
    }

    /// `waiting for ddm-a: RESIZING [####……] 45%` → `45%`; without a percentage, the state.
    static func short(_ text: String) -> String {
        if let p = text.range(of: #"[0-9]+%"#, options: .regularExpression) { return String(text[p]) }
        if let colon = text.range(of: ": ") { return String(text[colon.upperBound...].prefix { $0 != " " }) }
        return String(text.prefix(24))
    }
}

/// The fleet's record as the run goes: each target's entry replaced when it ends, and updated
/// while it runs as its writes are sent and answered. Saved whole at each change.
final class FleetRecordKeeper: Sendable {
    private let record: FleetRecord
    private let keeping: Bool
    private let targets: Mutex<[String: FleetRecord.Target]>

    init(_ record: FleetRecord, _ last: [String: FleetRecord.Target], keeping: Bool) {
        self.record = record; self.keeping = keeping; targets = Mutex(last)
    }

    func has(_ key: String) -> Bool { targets.withLock { $0[key] != nil } }

    func replace(with all: [String: FleetRecord.Target]) {
        guard keeping else { return }
        targets.withLock { $0 = all; record.save($0) }
    }

    func set(_ key: String, _ target: FleetRecord.Target) {
        guard keeping else { return }
        targets.withLock { $0[key] = target; record.save($0) }
    }

    /// A write of a running target: while it is unanswered, its outcome is unknown (a retry then
    /// refuses the target rather than guess). Its step counts as applied (a retry does not send
    /// it again) once the step has done all it does, or once a write of it started a job (only
    /// the waiting was left; the retry waits for the job). A step killed between its writes runs
    /// again whole, as one stopped by a signal does. `bodyIndex` maps the run's step to the body's
    /// statement.
    func note(_ key: String, _ event: WriteEvent, over earlier: FleetRecord.Target?, bodyIndex: (Int) -> Int) {
        guard keeping else { return }
        targets.withLock { all in
            var t = all[key].flatMap { $0.status == FleetRecord.running ? $0 : nil } ?? {
                var fresh = FleetRecord.Target(status: FleetRecord.running)
                fresh.applied = earlier?.applied ?? []
                fresh.jobs = earlier?.jobs ?? []
                return fresh
            }()
            switch event {
            case .sending(let summary):
                t.unknown.append(summary)
            case .answered(let summary):
                if let i = t.unknown.firstIndex(of: summary) { t.unknown.remove(at: i) }
            case .job(let step, let id):
                if !t.jobs.contains(id) { t.jobs.append(id) }
                t.applied = Array(Set(t.applied + [bodyIndex(step)])).sorted()
            case .stepApplied(let step):
                t.applied = Array(Set(t.applied + [bodyIndex(step)])).sorted()
            }
            all[key] = t
            record.save(all)
        }
    }
}

/// The last outcome of a fleet, per target, kept beside the journals: `--retry-failed` runs the
/// targets that did not succeed, and sends none of the statements a target already applied.
/// Keyed by the endpoint, project, targets and body, so another fleet, or the same one on
/// another service, has its own. Written as each target ends, so a killed run leaves it too.
struct FleetRecord {
    let path: String?
    /// The status of a target whose run has not ended (or was killed before it could end).
    static let running = "running"

    /// What one target's last run left.
    struct Target: Codable, Sendable, Equatable {
        var status: String
        /// The body's statements (by index) it applied, over every run of the fleet until it succeeded.
        var applied: [Int] = []
        /// Jobs a stopped wait left running: a retry waits for them first.
        var jobs: [String] = []
        /// Writes whose outcome is unknown (the answer lost, not read back).
        var unknown: [String] = []

        var succeeded: Bool { status == FleetRun.Status.ok.rawValue || status == FleetRun.Status.unchanged.rawValue }

        init(status: String) { self.status = status }

        /// An outcome over the record it retried: what that run applied stays applied.
        init(_ o: FleetRun.Outcome, over earlier: Target?) {
            status = o.status.rawValue
            applied = Array(Set((earlier?.applied ?? []) + o.appliedSteps)).sorted()
            jobs = o.status == .ok || o.status == .unchanged ? [] : (o.runningJobs.isEmpty && o.status == .notStarted ? earlier?.jobs ?? [] : o.runningJobs)
            unknown = o.unknown
        }
    }

    private struct File: Codable {
        var version = 2
        var targets: [String: Target]
    }

    init(directory: String?, fleet: String, endpoint: String, project: String) {
        // FNV-1a: a stable name (Hasher is seeded per process).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in (endpoint + "\n" + project + "\n" + fleet).utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        path = directory.map { $0 + "/fleet-" + String(h, radix: 16) + ".json" }
    }

    func load() -> [String: Target]? {
        guard let path, let data = FileManager.default.contents(atPath: path) else { return nil }
        if let file = try? JSONDecoder().decode(File.self, from: data) { return file.targets }
        // The first format: each target's status alone.
        return (try? JSONDecoder().decode([String: String].self, from: data))?.mapValues { Target(status: $0) }
    }

    /// Replaces the record whole (a new file renamed over the old), so a reader never sees half of it.
    func save(_ targets: [String: Target]) {
        guard let path, let data = try? JSONEncoder().encode(File(targets: targets)) else { return }
        let directory = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        FileLock.replace(path, with: data)
    }
}
