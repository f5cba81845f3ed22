import DDMKit
import Foundation

extension StatementID {
    static let showRestoreWindow = StatementID("showRestoreWindow"), showRestoreTargets = StatementID("showRestoreTargets")
    static let showRestoreDataNodes = StatementID("showRestoreDataNodes")
    static let restoreToInstance = StatementID("restoreToInstance"), restoreMetadata = StatementID("restoreMetadata")
}

/// Restoring the current instance's backups onto another instance (docs/language.md, "Backups
/// and restore"): to when, onto which instance and which data nodes, and the restores themselves.
/// A restore overwrites: it prints what the target loses, and asks in the REPL.
enum RestoreStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showRestoreWindow, topic: "restore", path: ["show", "restore", "window"],
                       grammar: "show restore window;  (the times the current instance can be restored to)", example: "show restore window;",
                       needsInstance: true, operations: [.showRestoreWindow]),
        StatementEntry(.showRestoreTargets, topic: "restore", path: ["show", "restore", "targets"],
                       grammar: "show restore targets;  (the instances it can be restored onto, and why not the others)", example: "show restore targets;",
                       needsInstance: true, operations: [.listRestoreTargets]),
        StatementEntry(.showRestoreDataNodes, topic: "restore", path: ["show", "restore", "data", "nodes"],
                       grammar: "show restore data nodes at '<when>' [to instance <t>];  (its data nodes then, and which of the target's can take each)",
                       example: "show restore data nodes at '2h' to instance ddm-copy;", words: ["at", "to", "instance"],
                       needsInstance: true, operations: [.listRestoreDataNodes, .listInstances, .listRestoreTargetDataNodes]),
        StatementEntry(.restoreToInstance, topic: "restore", path: ["restore", "to", "instance"],
                       grammar: "restore to instance <t> at '<when>' [map <rds> to <rds>, …] [wait];  (the target's new data nodes are overwritten; asks in the REPL)",
                       example: "restore to instance ddm-copy at '2026-11-26T08:00:00Z' map rds-orders to rds-archive wait;",
                       words: ["at", "map", "to", "wait"],
                       needsInstance: true,
                       operations: [.listInstances, .listRestoreTargets, .showRestoreWindow, .listRestoreDataNodes, .listRestoreTargetDataNodes, .restoreToInstance, .showInstance, .showJob]),
        StatementEntry(.restoreMetadata, topic: "restore", path: ["restore", "metadata", "to", "instance"],
                       grammar: "restore metadata to instance <t> from backup <id> | at '<when>' data nodes <rds>[, …] [wait];  (onto data nodes restored to that time; asks in the REPL)",
                       example: "restore metadata to instance ddm-copy from backup 0a1b2c3d4e5f60718293a4b5c6d7e8f9br09 data nodes rds-archive;",
                       words: ["from", "backup", "at", "data", "nodes", "wait"],
                       needsInstance: true,
                       operations: [.listInstances, .listRestoreTargets, .showRestoreWindow, .listAvailableRDS, .restoreMetadata, .showInstance, .showJob]),
    ]

    static let rules = [
        ParseRule("show restore window", { _ in
            PlainRead(.showRestoreWindow, "show restore window", calls: [PlannedCall(.showRestoreWindow, "the restorable time ranges")]) { e in
                let all = try await e.client.restoreWindow(instance: try await e.instanceId())
                return [ResultTable(columns: ["from", "to"], rows: all.map { [$0.startTime ?? "", $0.endTime ?? ""] })]
            }
        }),
        ParseRule("show restore targets", { _ in
            PlainRead(.showRestoreTargets, "show restore targets", calls: [PlannedCall(.listRestoreTargets, "the instances to restore onto, every page")]) { e in
                let all = try await e.client.allRestoreTargets(instance: try await e.instanceId())
                return [ResultTable(columns: ["instance", "status", "available", "why not"], rows: all.map {
                    [$0.instanceName ?? $0.instanceId ?? "", $0.status ?? "", $0.available == true ? "yes" : "no", $0.unavailableReason ?? ""]
                })]
            }
        }),
        ParseRule("show restore data nodes", { p in
            try p.expect("at", "after 'show restore data nodes'")
            let at = try p.stringValue("time ('2026-11-26T08:00:00Z', or '2h' back from now)")
            var target: Expr?
            if p.match("to") { try p.expect("instance", "after 'to'"); target = try p.name("instance name") }
            return ShowRestoreDataNodes<Parsed>(at: at, target: target)
        }),
        ParseRule("restore to instance", RestoreToInstance<Parsed>.parse),
        ParseRule("restore metadata to instance", RestoreMetadata<Parsed>.parse),
    ]
}

extension Compiler {
    /// `at '<when>'` of a restore: a moment, or a span back from now.
    mutating func restoreTime(_ e: Expr) throws -> TaskWindow.Since {
        try since(e, invalid: { .instance(.invalidRestoreTime($0)) })
    }
}

extension Evaluator {
    /// Epoch milliseconds of a restore time, as the API takes it.
    func millis(_ when: TaskWindow.Since) -> Int64 { Int64((when.start(now: options.clock()).timeIntervalSince1970 * 1000).rounded()) }

    /// A restore time for `instance`: `'now'` is the newest moment the service says it can restore
    /// (the end of its restorable window), not this machine's clock, which may run ahead of the
    /// service's and ask for a moment it has not reached (one window read, for `'now'` only).
    func restoreMillis(_ when: TaskWindow.Since, instance: String) async throws -> Int64 {
        let ms = millis(when)
        guard case .back(0) = when else { return ms }
        let f = ISO8601DateFormatter()
        let ends = try await client.restoreWindow(instance: instance).compactMap { $0.endTime.flatMap(f.date(from:)) }
        guard let end = ends.max() else { return ms }
        return min(ms, Int64(end.timeIntervalSince1970 * 1000))
    }

    /// The instance to restore onto, checked by DDM's own list of them: a target that cannot be
    /// restored onto is refused with DDM's reason before anything is sent.
    func restoreTarget(_ ref: String, source: String) async throws -> (id: String, name: String) {
        let target = try await resolve(ref)
        // A dry run whose earlier restore fills this target: the run would find it taken.
        if options.dryRun && dryRunCreated.contains("restore onto \(target.id)") {
            throw refusal(EvaluationError("\(target.name) cannot be restored onto: an earlier restore of this run fills it (a target has no schemas or accounts)", kind: .failed))
        }
        let fit = try await client.allRestoreTargets(instance: source).first { $0.instanceId == target.id }
        guard let fit, fit.available == true else {
            throw EvaluationError("\(target.name) cannot be restored onto: \(fit?.unavailableReason.flatMap { $0.isEmpty ? nil : $0 } ?? "DDM does not list it as a restore target") "
                                  + "(a target has no data nodes, schemas or accounts; see 'show restore targets;')", kind: .failed)
        }
        if options.dryRun { dryRunCreated.insert("restore onto \(target.id)") }
        return (target.id, target.name)
    }
}

// MARK: show restore data nodes

struct ShowRestoreDataNodes<P: Phase>: Sendable, Equatable {
    var at: P.Text
    var target: P.Text?
    /// `at`, resolved.
    var when: TaskWindow.Since? = nil
}

extension ShowRestoreDataNodes: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let when = try c.restoreTime(at)
        return ShowRestoreDataNodes<Resolved>(at: when.description, target: try target.map { try c.scalar($0, "instance name") }, when: when)
    }
}

extension ShowRestoreDataNodes: Step where P == Resolved {
    var id: StatementID { .showRestoreDataNodes }
    var text: String { "show restore data nodes at \(at)" + (target.map { " to instance \(SourceText.name($0))" } ?? "") }
    var calls: [PlannedCall] {
        [PlannedCall(.listRestoreDataNodes, "the data nodes then")]
            + (target == nil ? [] : [PlannedCall(.listInstances, "find the target"), PlannedCall(.listRestoreTargetDataNodes, "per data node, which can take its data")])
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let ms = e.millis(when ?? .back(seconds: 0))
        let then = try await e.client.restoreDataNodes(instance: instance, at: ms)
        let nodes = then.relatedDataNodes ?? []
        if let latest = then.latestRestorableTime { await e.sink.message("latest restorable time: \(latest)") }
        guard let target else {
            await e.sink.table(ResultTable(columns: ["data node", "version", "status", "id"], rows: nodes.map {
                [$0.instanceName ?? "", $0.version ?? "", $0.instanceStatus ?? "", $0.instanceId ?? ""]
            }))
            return nil
        }
        let t = try await e.resolve(target)
        var rows: [[String]] = []
        for n in nodes {
            let candidates = try await e.client.restoreTargetDataNodes(instance: instance, target: t.id, source: n.instanceId ?? "", at: ms)
            for c in candidates {
                rows.append([n.instanceName ?? n.instanceId ?? "", c.instanceName ?? c.instanceId ?? "", c.available == true ? "yes" : "no", c.unavailableReason ?? ""])
            }
        }
        await e.sink.table(ResultTable(columns: ["data node then", "can go to", "available", "why not"], rows: rows))
        return nil
    }
}
