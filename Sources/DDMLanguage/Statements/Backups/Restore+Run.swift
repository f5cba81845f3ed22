import DDMKit

// MARK: restore to instance

struct RestoreToInstance<P: Phase>: Sendable, Equatable {
    var target: P.Text
    var at: P.Text
    /// Source data node → the target's data node that takes its data; nil: ddmsh picks where DDM
    /// leaves one choice.
    var map: [Pair]?
    var wait: Bool
    var when: TaskWindow.Since? = nil

    struct Pair: Sendable, Equatable { var from: P.Text; var to: P.Text }
}

extension RestoreToInstance: StatementSyntax where P == Parsed {
    /// restore to instance <t> at '<when>' [map <rds> to <rds>, …] [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        let target = try p.name("instance name")
        try p.expect("at", "after the instance (restore to instance <t> at '<when>')")
        let at = try p.stringValue("time ('2026-11-26T08:00:00Z', or '2h' back from now)")
        var map: [Pair]?
        if p.match("map") {
            var pairs: [Pair] = []
            repeat {
                let from = try p.name("data node of the source")
                try p.expect("to", "after the source's data node (map <rds> to <rds>)")
                pairs.append(Pair(from: from, to: try p.name("data node to restore to")))
            } while p.match(punct: ",")
            map = pairs
        }
        return Self(target: target, at: at, map: map, wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let pairs = try map?.map { RestoreToInstance<Resolved>.Pair(from: try c.scalar($0.from, "data node"), to: try c.scalar($0.to, "data node")) }
        if let pairs, Set(pairs.map(\.to)).count < pairs.count, let e = map?.last?.to {
            throw Compiler.Failure(.instance(.restoreTargetTwice), range: e.range)
        }
        let when = try c.restoreTime(at)
        return RestoreToInstance<Resolved>(target: try c.scalar(target, "instance name"), at: when.description, map: pairs, wait: wait, when: when)
    }
}

extension RestoreToInstance: Step where P == Resolved {
    var id: StatementID { .restoreToInstance }
    var text: String {
        "restore to instance \(SourceText.name(target)) at \(at)"
            + (map.map { " map " + $0.map { "\(SourceText.name($0.from)) to \(SourceText.name($0.to))" }.joined(separator: ", ") } ?? "")
            + (wait ? " wait" : "")
    }
    /// The plan says what the target loses before anything is read: the data nodes `map` names
    /// are overwritten (without `map`, which ones is known only at run time, and printed then).
    var headline: String {
        text + "  -- overwrites " + (map.map { $0.map(\.to).joined(separator: ", ") } ?? "the data nodes chosen at run time")
            + " (what they hold now is lost); \(target) must have no schemas or accounts"
    }
    var calls: [PlannedCall] {
        [PlannedCall(.listInstances, "find the target"), PlannedCall(.listRestoreTargets, "DDM's word on the target (no data nodes, schemas or accounts)")]
            + (when == .back(seconds: 0) ? [PlannedCall(.showRestoreWindow, "the newest moment the service can restore, for 'now'")] : [])
            + [PlannedCall(.listRestoreDataNodes, "the source's data nodes then"),
         PlannedCall(.listRestoreTargetDataNodes, "per data node, the ones that can take its data"),
         PlannedCall(.restoreToInstance, "restore", object: target)]
            + (wait ? [PlannedCall(.showInstance, "poll until RUNNING"), PlannedCall(.showJob, "poll the job")] : [])
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let source = try await e.instanceId(), sourceName = e.currentInstanceName ?? source
        let target = try await e.restoreTarget(self.target, source: source)
        let ms = try await e.restoreMillis(when ?? .back(seconds: 0), instance: source)
        let then = (try await e.client.restoreDataNodes(instance: source, at: ms).relatedDataNodes ?? []).filter { $0.instanceId != nil }
        guard !then.isEmpty else { throw EvaluationError("\(sourceName) had no data nodes at \(at); there is nothing to restore", kind: .failed) }
        // Source data node → (id, name) of the one that takes its data.
        var plan: [(from: RestoreDataNodes.Node, to: (id: String, name: String))] = []
        for node in then {
            let candidates = try await e.client.restoreTargetDataNodes(instance: source, target: target.id, source: node.instanceId!, at: ms)
            let usable = candidates.filter { $0.available == true && !plan.map(\.to.id).contains($0.instanceId ?? "") }
            let label = node.instanceName ?? node.instanceId!
            if let map {
                guard let pair = map.first(where: { $0.from == node.instanceId || $0.from == node.instanceName }) else {
                    throw EvaluationError("map names no data node for \(label), which \(sourceName) used then; add: map \(label) to <rds>", kind: .failed)
                }
                guard let chosen = try RDSReference.find(pair.to, in: candidates, id: \.instanceId, name: \.instanceName) else {
                    throw EvaluationError("\(pair.to) cannot take \(label)'s data; see 'show restore data nodes at \(at) to instance \(target.name);'", kind: .notFound)
                }
                guard chosen.available == true else {
                    throw EvaluationError("\(pair.to) cannot take \(label)'s data: \(chosen.unavailableReason ?? "DDM says it is not available")", kind: .failed)
                }
                plan.append((node, (chosen.instanceId ?? pair.to, chosen.instanceName ?? pair.to)))
            } else {
                guard usable.count == 1, let only = usable.first, let id = only.instanceId else {
                    let names = usable.compactMap { $0.instanceName ?? $0.instanceId }
                    throw EvaluationError(names.isEmpty ? "no data node can take \(label)'s data (a new RDS instance of the same or a later version, with as much storage)"
                                          : "\(label)'s data can go to \(names.joined(separator: " or ")); say which: map \(label) to <rds>", kind: .ambiguous)
                }
                plan.append((node, (id, only.instanceName ?? id)))
            }
        }
        if let extra = map?.first(where: { pair in !then.contains { $0.instanceId == pair.from || $0.instanceName == pair.from } }) {
            throw EvaluationError("\(extra.from) was not a data node of \(sourceName) at \(at); its data nodes then: \(then.compactMap { $0.instanceName ?? $0.instanceId }.joined(separator: ", "))", kind: .failed)
        }
        // What the target loses, said before the question (and in a dry run).
        await e.sink.message("restore \(sourceName) as of \(at) onto \(target.name):")
        await e.sink.message("  \(target.name): unavailable while it restores; it has no schemas or accounts to lose (DDM restores only onto such an instance)")
        for step in plan {
            await e.sink.message("  \(step.to.name) (\(step.to.id)): overwritten with \(step.from.instanceName ?? step.from.instanceId!)'s data as of then; what it holds now is lost")
        }
        let losing = plan.map(\.to.name).joined(separator: ", ")
        let client = e.client
        let nodes = Dictionary(uniqueKeysWithValues: plan.map { ($0.from.instanceId!, $0.to.id) })
        let write = Write(summary: "restore \(sourceName) as of \(at) onto \(target.name)",
                          question: "restore onto \(target.name)? \(losing) lose\(plan.count == 1 ? "s" : "") what \(plan.count == 1 ? "it holds" : "they hold") now; undo cannot bring it back",
                          journal: .change(target.id, "restored \(sourceName) as of \(at) onto \(target.name) (data nodes \(losing))"), staleInstances: true) {
            try await client.restore(instance: source, to: target.id, at: ms, nodes: nodes)
        }
        return try await e.performJob(write, doing: "restoring \(sourceName) onto \(target.name)", operation: "restore onto \(target.name)",
                                      done: "restored \(sourceName) onto \(target.name)", wait: wait, on: target)
    }
}

// MARK: restore metadata

struct RestoreMetadata<P: Phase>: Sendable, Equatable {
    var target: P.Text
    /// A backup id, or nil with `at`.
    var backup: P.Text?
    var at: P.Text?
    var dataNodes: P.Texts
    var wait: Bool
    var when: TaskWindow.Since? = nil
}

extension RestoreMetadata: StatementSyntax where P == Parsed {
    /// restore metadata to instance <t> from backup <id> | at '<when>' data nodes <rds>, … [wait]
    static func parse(_ p: inout Parser) throws -> Self {
        let target = try p.name("instance name")
        var backup: Expr?, at: Expr?
        if p.match("from") {
            try p.expect("backup", "after 'from'")
            backup = try p.name("backup id")
        } else if p.match("at") {
            at = try p.stringValue("time ('2026-11-26T08:00:00Z', or '2h' back from now)")
        } else {
            throw p.failure(.expected("from backup <id> or at '<when>'", after: "the instance", found: p.found))
        }
        try p.expect("data", "before the data nodes (data nodes <rds>, …)")
        try p.expect("nodes", "after 'data'")
        return Self(target: target, backup: backup, at: at, dataNodes: try p.list("data node (RDS instance id or name)"), wait: p.match("wait"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let when = try at.map { try c.restoreTime($0) }
        let nodes = try c.strings(dataNodes)
        var seen: Set<String> = []
        if let twice = nodes.first(where: { !seen.insert($0).inserted }) {
            throw Compiler.Failure(.givenTwice(twice, noun: "data node"), range: dataNodes.range)
        }
        return RestoreMetadata<Resolved>(target: try c.scalar(target, "instance name"), backup: try backup.map { try c.scalar($0, "backup id") },
                                         at: when?.description, dataNodes: nodes, wait: wait, when: when)
    }
}

extension RestoreMetadata: Step where P == Resolved {
    var id: StatementID { .restoreMetadata }
    var from: String { backup.map { "backup \(SourceText.name($0))" } ?? "at \(at ?? "")" }
    var text: String {
        "restore metadata to instance \(SourceText.name(target)) " + (backup.map { "from backup \(SourceText.name($0))" } ?? "at \(at ?? "")")
            + " data nodes \(SourceText.names(dataNodes))" + (wait ? " wait" : "")
    }
    var calls: [PlannedCall] {
        [PlannedCall(.listInstances, "find the target"), PlannedCall(.listRestoreTargets, "DDM's word on the target (no data nodes, schemas or accounts)")]
            + (dataNodes.contains { !Names.looksLikeRDSId($0) } ? [PlannedCall(.listAvailableRDS, "find the data nodes by name")] : [])
            + (when == .back(seconds: 0) ? [PlannedCall(.showRestoreWindow, "the newest moment the service can restore, for 'now'")] : [])
            + [PlannedCall(.restoreMetadata, "restore metadata", object: target)]
            + (wait ? [PlannedCall(.showInstance, "poll until RUNNING"), PlannedCall(.showJob, "poll the job")] : [])
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let source = try await e.instanceId(), sourceName = e.currentInstanceName ?? source
        let target = try await e.restoreTarget(self.target, source: source)
        var ids: [String] = [], names: [String] = []
        let known = dataNodes.contains { !Names.looksLikeRDSId($0) } ? try await e.client.allAvailableRDS(instance: target.id) : []
        for ref in dataNodes {
            if let node = try RDSReference.find(ref, in: known) { ids.append(node.id); names.append(node.name ?? node.id) }
            else if Names.looksLikeRDSId(ref) { ids.append(ref); names.append(ref) }
            else { throw EvaluationError("data node '\(ref)' is not one \(target.name) can use; see 'show available rds;' on it", kind: .notFound, focus: ref) }
        }
        let origin: RestoreSource
        if let backup { origin = .backup(backup) } else { origin = .moment(try await e.restoreMillis(when ?? .back(seconds: 0), instance: source)) }
        await e.sink.message("restore the metadata of \(sourceName) (\(from)) onto \(target.name):")
        await e.sink.message("  \(target.name): takes the schemas and accounts of then; it has none to lose (DDM restores only onto such an instance)")
        await e.sink.message("  \(names.joined(separator: ", ")): matched to the shards of then; their data is not changed (restore them to that time first: PITR)")
        let client = e.client, nodes = ids
        let write = Write(summary: "restore the metadata of \(sourceName) (\(from)) onto \(target.name)",
                          question: "restore the metadata of \(sourceName) onto \(target.name), on \(names.joined(separator: ", "))?",
                          journal: .change(target.id, "restored the metadata of \(sourceName) (\(from)) onto \(target.name)"), staleInstances: true) {
            try await client.restoreMetadata(instance: source, to: target.id, from: origin, dataNodes: nodes)
        }
        return try await e.performJob(write, doing: "restoring the metadata of \(sourceName) onto \(target.name)",
                                      operation: "restore metadata onto \(target.name)", done: "restored the metadata of \(sourceName) onto \(target.name)",
                                      wait: wait, on: target)
    }
}
