import DDMKit

/// Failures of a batch, one diagnostic per account, plus what was applied anyway.
struct BatchFailure: Error {
    var diagnostics: [Diagnostic]
    var applied: [String]
}

/// A batch stopped by an interruption (or an endpoint that went away): what was applied,
/// counting the writes in flight as their read-back says, and what stayed unknown.
struct BatchInterrupted: Error {
    var applied: [String]
    var unknown: [String]
    var total: Int
}

/// The batch engine: reads the instance's accounts once (every page), works
/// out each account's final state, and sends one modify call per account that
/// actually changes, concurrently up to a bound, paced by the client's limiter.
struct BatchRunner {
    let evaluator: Evaluator
    let sink: any OutputSink

    /// "batch: 12/100 accounts written, 20 calls/min, about 264 s left". With a pace (calls per
    /// minute, from the client's pacer) the time left is the calls left at that pace; without one
    /// it is the rate so far, extrapolated.
    static func progressLine(done: Int, total: Int, elapsed: Duration, pace: Double? = nil) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        var line = "batch: \(done)/\(total) accounts written"
        guard done < total else { return line }
        if let pace, pace > 0 {
            line += pace < 10 ? String(format: ", %.1f calls/min", pace) : ", \(Int(pace.rounded())) calls/min"
        }
        let left: Double? = if let pace, pace > 0 { Double(total - done) * 60 / pace }
            else if done > 0 { seconds / Double(done) * Double(total - done) } else { nil }
        if let left {
            line += left < 1 ? ", under a second left" : ", about \(Int(left.rounded(.up))) s left"
        }
        return line
    }

    func run(_ changes: [Change], step: PlanStep, write: Bool) async throws -> String? {
        let client = evaluator.client
        let instance = try await evaluator.instanceId()
        let instanceName = await evaluator.currentInstanceName
        let before = await client.callCounts()
        // A change that names an extended privilege needs a read that shows them (v1's, under auto).
        let extended = changes.contains { !$0.extended.isEmpty }
        var accounts = try await client.allAccounts(instance: instance, showingExtended: extended)
        if !write {
            // A dry run sees the accounts earlier dry-run statements would have created or dropped.
            let view = await evaluator.dryRunView()
            accounts.removeAll { view.dropped.contains($0.name) || view.accounts[$0.name] != nil }
            accounts += view.accounts.values.sorted { $0.name < $1.name }
        }
        let outcome = BatchPlanner.plan(changes, accounts: accounts)
        if !outcome.errors.isEmpty {
            // Plan-time errors stop the whole batch before any write.
            throw BatchFailure(diagnostics: outcome.errors.map {
                Diagnostic(.error, $0.message, at: $0.change.range, file: $0.change.file, focus: $0.account)
            }, applied: [])
        }
        for note in outcome.notes { await sink.message("note: " + note) }
        let changed = outcome.targets.filter(\.changed)
        let unchanged = outcome.targets.count - changed.count
        // A saved plan keeps these writes (dry run) or admits only these (apply), before any is sent.
        try await evaluator.planned(changed.map {
            PlanRecorder.accountWrite($0.account, before: "\($0.before.privilegeText) on \($0.before.schemaText)",
                                      after: "\($0.after.privilegeText) on \($0.after.schemaText)")
        }, sending: write)
        guard write else {
            if !changed.isEmpty { await sink.table(ResultTable(title: "would change", columns: ["account", "before", "after"], rows: changed.map {
                [$0.account, "\($0.before.privilegeText) on \($0.before.schemaText)", "\($0.after.privilegeText) on \($0.after.schemaText)"]
            })) }
            await sink.message("dry run: \(changed.count) account\(changed.count == 1 ? "" : "s") would change, \(unchanged) unchanged; no writes")
            await evaluator.countWouldChange(changed.count)
            return nil
        }

        let journal = await evaluator.journalForWrites()
        let started = ContinuousClock.now
        var results: [String: Result<Void, Error>] = [:]
        let total = changed.count
        let limit = max(1, await evaluator.options.concurrency)
        var cancelled = false
        var unreachable = false
        var inFlight: Set<String> = []
        var checked: Set<String> = []
        await withTaskGroup(of: (String, Result<Void, Error>).self) { group in
            var next = 0
            func launch() {
                let target = changed[next]
                next += 1
                let audit = AuditContext(instance: instanceName, before: "\(target.before.privilegeText) on \(target.before.schemaText)",
                                         after: "\(target.after.privilegeText) on \(target.after.schemaText)")
                group.addTask {
                    var seq: Int?
                    do {
                        // On disk before the call: a run killed between two writes can still be undone.
                        seq = try journal?.intent(.modifyAccount(name: target.account, before: target.before.journaled))
                        try await AuditContext.$current.withValue(audit) {
                        try await client.modifyAccount(instance: instance, name: target.account, ModifyAccountRequest(
                            baseAuthority: target.after.base,
                            extendAuthority: target.after.extended != target.before.extended ? target.after.extended : nil,
                            description: target.after.comment != target.before.comment ? target.after.comment : nil,
                            databases: target.after.schemas))
                        }
                        if let seq { journal?.done(seq, ok: true) }
                        return (target.account, .success(()))
                    } catch {
                        if let seq { journal?.failed(seq, error) }
                        return (target.account, .failure(error))
                    }
                }
            }
            while next < min(limit, total) { launch() }
            for await (account, result) in group {
                if case .failure(let e) = result, e is CancellationError {
                    // Sent, perhaps applied: its answer was lost. Read back below.
                    cancelled = true
                    inFlight.insert(account)
                    continue
                }
                results[account] = result
                await sink.progress(Self.progressLine(done: results.count, total: total, elapsed: ContinuousClock.now - started,
                                                      pace: await client.pace()))
                if Task.isCancelled { cancelled = true }
                // An endpoint that cannot be reached fails every later write the same way: stop here.
                if case .failure(let e as DDMError) = result, e.isUnreachable { unreachable = true }
                if next < total && !cancelled && !unreachable { launch() }
            }
        }
        await sink.progress(nil)
        var unknown: Set<String> = []
        if !inFlight.isEmpty {
            let read = await Evaluator.uncancelled { try await client.allAccounts(instance: instance) }
            for t in changed where inFlight.contains(t.account) {
                let now = read?.first { $0.name == t.account }.map(BatchPlanner.State.init)
                if let now, now.sameGrants(as: t.after) { results[t.account] = .success(()); checked.insert(t.account) }
                else if let now, now.sameGrants(as: t.before) { continue }
                else { unknown.insert(t.account) }
            }
        }
        let after = await client.callCounts()

        var rows: [[String]] = []
        var failures: [Diagnostic] = []
        var applied: [String] = []
        for t in changed {
            switch results[t.account] {
            case .success:
                rows.append([t.account, "changed", t.after.privilegeText, t.after.schemaText])
                applied.append(t.changeText + (checked.contains(t.account) ? " (answer lost; read back: applied)" : ""))
            case .failure(let e):
                rows.append([t.account, "failed", Evaluator.message(e), ""])
                failures.append(Diagnostic(.error, "account '\(t.account)': \(Evaluator.message(e))", at: step.range, file: step.file))
            case nil:
                rows.append([t.account, unknown.contains(t.account) ? "unknown" : "not applied", "", ""])
            }
        }
        for t in outcome.targets where !t.changed {
            rows.append([t.account, "unchanged", t.after.privilegeText, t.after.schemaText])
        }
        await sink.table(ResultTable(columns: ["account", "result", "privileges", "schemas"], rows: rows))
        await sink.message("batch: \(applied.count) changed, \(unchanged) unchanged, \(failures.count) failed"
            + " (API calls: \(after.reads - before.reads) read, \(after.writes - before.writes) write)")
        if cancelled {
            throw BatchInterrupted(applied: applied, unknown: changed.filter { unknown.contains($0.account) }.map(\.changeText), total: total)
        }
        if unreachable {
            let notSent = changed.count - results.count
            if notSent > 0 {
                failures.append(Diagnostic(.error, "\(notSent) change\(notSent == 1 ? " was" : "s were") not sent: the endpoint cannot be reached",
                                           at: step.range, file: step.file))
            }
        }
        if !failures.isEmpty { throw BatchFailure(diagnostics: failures, applied: applied) }
        return applied.isEmpty ? nil : "batch: changed \(applied.count) account\(applied.count == 1 ? "" : "s")"
    }
}
