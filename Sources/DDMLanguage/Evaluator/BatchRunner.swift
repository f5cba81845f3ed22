import DDMKit

/// Failures of a batch, one diagnostic per account, plus what was applied anyway.
struct BatchFailure: Error {
    var diagnostics: [Diagnostic]
    var applied: [String]
    /// The journal or audit log refused a record: no later write of the run can be kept either.
    var recordRefused = false
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

    static func isRecordNotKept(_ error: Error) -> Bool {
        error is JournalError || (error as? DDMError)?.isRecordNotKept == true
    }

    /// One account's modify call, for the executor (`Evaluator.sendAll`), audited with its
    /// before and after.
    static func write(_ target: BatchPlanner.Target, client: DDMClient, instance: String, instanceName: String?) -> ConcurrentWrite {
        let before = "\(target.before.privilegeText) on \(target.before.schemaText)", after = "\(target.after.privilegeText) on \(target.after.schemaText)"
        return ConcurrentWrite(key: target.account, summary: PlanRecorder.accountWrite(target.account, before: before, after: after),
                               journal: .modifyAccount(name: target.account, before: target.before.journaled),
                               audit: AuditContext(instance: instanceName, before: before, after: after)) {
            try await client.modifyAccount(instance: instance, name: target.account, ModifyAccountRequest(
                baseAuthority: target.after.base,
                extendAuthority: target.after.extended != target.before.extended ? target.after.extended : nil,
                description: target.after.comment != target.before.comment ? target.after.comment : nil,
                databases: target.after.schemas))
        }
    }

    /// Rounds of compare-and-merge after a batch's writes.
    static let mergeRounds = 3

    /// DDM's modify call replaces an account's whole privilege list and has no version to compare
    /// against, so two runs that read the same accounts and write at once would each undo the
    /// other's change (last writer wins). After writing, the accounts are read again: each one
    /// that no longer holds what this batch wrote was changed by someone else in between, so this
    /// batch's changes are applied again to what it holds now, written, and checked again (up to
    /// `mergeRounds` times). A change made by another run after the last check is not seen: that
    /// window is left, and the journal shows each merge as a write of its own, with its before.
    /// Returns the accounts merged, with their final target, and those still moving.
    private func remerge(_ changes: [Change], written: [BatchPlanner.Target], read: [Account], instance: String, instanceName: String?,
                         journal: Journal?, observe: (@Sendable (SentWrite) -> Void)?, extended: Bool, range: SourceRange, file: String,
                         mergeFailures: inout [Diagnostic]) async -> ([String: BatchPlanner.Target], [String]) {
        let client = evaluator.client
        var merged: [String: BatchPlanner.Target] = [:]
        var expected = Dictionary(written.map { ($0.account, $0.after) }, uniquingKeysWith: { a, _ in a })
        var current = read
        for round in 0...Self.mergeRounds {
            var redo: [BatchPlanner.Target] = []
            for account in current where expected[account.name] != nil {
                let now = BatchPlanner.State(account)
                guard let wanted = expected[account.name], !now.sameGrants(as: wanted) else { continue }
                let own = changes.compactMap { c -> Change? in
                    guard c.users.contains(account.name) else { return nil }
                    var mine = c
                    mine.users = [account.name]
                    return mine
                }
                let plan = BatchPlanner.plan(own, accounts: [account])
                if let target = plan.targets.first, target.changed, plan.errors.isEmpty { redo.append(target) }
            }
            if redo.isEmpty { return (merged, []) }
            if round == Self.mergeRounds { return (merged, redo.map(\.account)) }
            expected = [:]
            for target in redo {
                switch await Evaluator.sent(Self.write(target, client: client, instance: instance, instanceName: instanceName), to: journal, observe: observe) {
                case .success:
                    merged[target.account] = target
                    expected[target.account] = target.after
                case .failure(let error):
                    mergeFailures.append(Diagnostic(.error, "account '\(target.account)': changed by another run meanwhile, and writing this batch's change again failed: \(Evaluator.message(error))",
                                                    at: range, file: file))
                }
            }
            guard !expected.isEmpty, let again = await Evaluator.uncancelled({
                try await client.allAccounts(instance: instance, showingExtended: extended)
            }) else { return (merged, []) }
            current = again
        }
        return (merged, [])
    }

    /// Runs the batch; with `write` false a dry run's (what would change), and with `rehearsal`
    /// `explain`'s, which a saved plan does not keep.
    func run(_ changes: [Change], at range: SourceRange, file: String, write: Bool, rehearsal: Bool = false) async throws -> String? {
        let client = evaluator.client
        let instance = try await evaluator.instanceId()
        let instanceName = await evaluator.currentInstanceName
        // A fleet target's own calls, where its neighbours share the client.
        let scoped = CallCounter.scoped
        func counts() async -> CallCounter.Snapshot { if let scoped { await scoped.snapshot() } else { await client.callCounts() } }
        let before = await counts()
        let extended = changes.contains(where: \.readsExtended)
        // Held until the batch's last check: another ddmsh batch on this machine and instance waits.
        let lock: BatchLock? = if write, let directory = await evaluator.options.journalDirectory {
            try await BatchLock.acquire(directory: directory, instance: instance) { [sink] in
                await sink.message("waiting for another ddmsh run's batch on this instance to finish")
            }
        } else { nil }
        defer { withExtendedLifetime(lock) {} }
        // Under the lock the list must be read now: a copy from before it may be another run's past.
        if lock != nil { await evaluator.accountsChanged() }
        var accounts = try await evaluator.accounts(instance: instance, showingExtended: extended)
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
        let writes = changed.map { Self.write($0, client: client, instance: instance, instanceName: instanceName) }
        // Through the executor's first stage: a dry run keeps these writes in a saved plan and
        // sends none; applying a plan admits only these, before any is sent. `explain`'s
        // rehearsal is no run: a saved plan keeps nothing of it.
        let send = rehearsal ? false : try await evaluator.admit(writes.map(\.summary))
        guard send else {
            if !changed.isEmpty { await sink.table(ResultTable(title: "would change", columns: ["account", "before", "after"], rows: changed.map {
                [$0.account, "\($0.before.privilegeText) on \($0.before.schemaText)", "\($0.after.privilegeText) on \($0.after.schemaText)"]
            })) }
            await sink.message("dry run: \(changed.count) account\(changed.count == 1 ? "" : "s") would change, \(unchanged) unchanged; no writes")
            if rehearsal { await evaluator.countWouldChange(changed.count) }
            return nil
        }

        let journal = await evaluator.journalForWrites()
        if !changed.isEmpty { await evaluator.accountsChanged() }
        let started = ContinuousClock.now
        var results: [String: Result<Void, Error>] = [:]
        let total = changed.count
        let limit = max(1, await evaluator.options.concurrency)
        let observe = await evaluator.options.observeWrites
        var cancelled = false
        var unreachable = false
        // The journal or audit log refused a record: no later write can be recorded either.
        var recordLost: Error?
        var inFlight: Set<String> = []
        var checked: Set<String> = []
        // A batch is desired state: run again whole it reads the accounts and sends only what
        // still differs, so its writes are not watched one by one (a run killed in the middle of
        // one is not refused on retry for an unanswered modify); its step counts once it is done.
        await Evaluator.sendAll(writes, to: journal, concurrency: limit, observe: observe) { account, result in
            if case .failure(let e) = result, e is CancellationError {
                // Sent, perhaps applied: its answer was lost. Read back below.
                cancelled = true
                inFlight.insert(account)
                return false
            }
            results[account] = result
            await sink.progress(Self.progressLine(done: results.count, total: total, elapsed: ContinuousClock.now - started,
                                                  pace: await client.pace()))
            if Task.isCancelled { cancelled = true }
            // An endpoint that cannot be reached fails every later write the same way: stop here.
            if case .failure(let e as DDMError) = result, e.isUnreachable { unreachable = true }
            if case .failure(let e) = result, Self.isRecordNotKept(e) { recordLost = recordLost ?? e }
            return !cancelled && !unreachable && recordLost == nil
        }
        await sink.progress(nil)
        var unknown: Set<String> = []
        // Writes sent whose answer was lost (a dropped connection, a timeout, a 5xx): read back
        // with the ones an interruption cut off, not reported failed on the error alone.
        var lost: [String: Error] = [:]
        for (account, result) in results {
            if case .failure(let e) = result, Evaluator.outcomeUnknown(e) { lost[account] = e }
        }
        // Accounts written; after the check below, with what they were merged into.
        var merged: [String: BatchPlanner.Target] = [:]
        var stillMoving: [String] = []
        var mergeFailures: [Diagnostic] = []
        let wrote = changed.contains { if case .success = results[$0.account] { true } else { false } }
        if !inFlight.isEmpty || !lost.isEmpty || (wrote && !cancelled && !unreachable && recordLost == nil) {
            // One read serves both: lost answers are settled, and every write is checked against
            // what the service holds now (another run may have written the same accounts).
            let read = await Evaluator.uncancelled { try await client.allAccounts(instance: instance, showingExtended: extended) }
            for t in changed where inFlight.contains(t.account) || lost[t.account] != nil {
                let now = read?.first { $0.name == t.account }.map(BatchPlanner.State.init)
                if let now, now.sameGrants(as: t.after) { results[t.account] = .success(()); checked.insert(t.account) }
                else if let now, now.sameGrants(as: t.before) { continue }
                else { unknown.insert(t.account); results[t.account] = nil }
            }
            // Applying a saved plan, a re-merge would send writes the plan does not hold: its
            // rehearsal already refused a state that moved, and a later move is reported instead.
            let underPlan = await evaluator.options.planGuard != nil
            if let read, !cancelled, !unreachable, recordLost == nil, !underPlan {
                (merged, stillMoving) = await remerge(changes, written: changed.filter {
                    if case .success = results[$0.account] { true } else { false }
                }, read: read, instance: instance, instanceName: instanceName, journal: journal, observe: observe, extended: extended, range: range, file: file,
                   mergeFailures: &mergeFailures)
            }
        }
        let after = await counts()

        var rows: [[String]] = []
        var failures: [Diagnostic] = []
        var applied: [String] = []
        for t in changed {
            switch results[t.account] {
            case .success:
                let final = merged[t.account] ?? t
                rows.append([t.account, "changed", final.after.privilegeText, final.after.schemaText])
                applied.append(t.changeText + (checked.contains(t.account) ? " (answer lost; read back: applied)" : "")
                    + (merged[t.account].map { "; merged into another run's change: \($0.after.privilegeText) on \($0.after.schemaText)" } ?? ""))
            case .failure(let e) where Self.isRecordNotKept(e):
                rows.append([t.account, "not sent", "", ""])
            case .failure(let e):
                rows.append([t.account, "failed", Evaluator.message(e), ""])
                failures.append(Diagnostic(.error, "account '\(t.account)': \(Evaluator.message(e))", at: range, file: file))
            case nil:
                rows.append([t.account, unknown.contains(t.account) ? "unknown" : "not applied", "", ""])
                if let e = lost[t.account], unknown.contains(t.account) {
                    failures.append(Diagnostic(.error, "account '\(t.account)': outcome unknown: sent, its answer lost (\(Evaluator.message(e))), and it could not be read back",
                                               at: range, file: file))
                }
            }
        }
        for t in outcome.targets where !t.changed {
            rows.append([t.account, "unchanged", t.after.privilegeText, t.after.schemaText])
        }
        // Into the run's ledger before anything is printed, as `perform` does for a single write:
        // an interrupted fleet's account, or a run whose output found no reader, names them.
        await evaluator.recordWrites(applied)
        await sink.table(ResultTable(columns: ["account", "result", "privileges", "schemas"], rows: rows))
        await sink.message("batch: \(applied.count) changed, \(unchanged) unchanged, \(failures.count) failed"
            + " (API calls: \(after.reads - before.reads) read, \(after.writes - before.writes) write)")
        if cancelled {
            throw BatchInterrupted(applied: applied, unknown: changed.filter { unknown.contains($0.account) }.map(\.changeText), total: total)
        }
        if unreachable {
            let notSent = changed.count - results.count - unknown.count
            if notSent > 0 {
                failures.append(Diagnostic(.error, "\(notSent) change\(notSent == 1 ? " was" : "s were") not sent: the endpoint cannot be reached",
                                           at: range, file: file))
            }
        }
        if !merged.isEmpty {
            await sink.message("note: \(merged.count) account\(merged.count == 1 ? " was" : "s were") changed by another run while this batch wrote; this batch's changes were merged into what \(merged.count == 1 ? "it holds" : "they hold") now")
        }
        failures += mergeFailures
        for name in stillMoving {
            failures.append(Diagnostic(.error, "account '\(name)': still being changed by another run after \(Self.mergeRounds) merges; run this again once it has finished",
                                       at: range, file: file))
        }
        if let recordLost {
            // Said once, with the count: the same refusal for every account says nothing more.
            let notSent = changed.filter { t in
                switch results[t.account] { case nil: !unknown.contains(t.account); case .failure(let e): Self.isRecordNotKept(e); case .success: false }
            }.count
            failures.append(Diagnostic(.error, "\(Evaluator.message(recordLost)) (\(notSent) change\(notSent == 1 ? "" : "s") not sent)",
                                       at: range, file: file))
        }
        if !failures.isEmpty { throw BatchFailure(diagnostics: failures, applied: applied, recordRefused: recordLost != nil) }
        return applied.isEmpty ? nil : "batch: changed \(applied.count) account\(applied.count == 1 ? "" : "s")"
    }
}
