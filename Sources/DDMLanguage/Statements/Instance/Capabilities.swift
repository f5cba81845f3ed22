import DDMKit

extension StatementID {
    static let showFlavorChoices = StatementID("showFlavorChoices"), showEngineVersions = StatementID("showEngineVersions")
    static let showEngineRisks = StatementID("showEngineRisks")
}

/// What an instance can change to: the flavors of its engine and the engine versions it can
/// upgrade to.
enum CapabilityStatements: StatementFamily {
    static let entries: [StatementEntry] = [
        StatementEntry(.showFlavorChoices, topic: "show", path: ["show", "flavors", "for", "instance"],
                       grammar: "show flavors for instance <i>;  (what its flavor can change to)", example: "show flavors for instance ddm-prod;",
                       operations: [.listInstances, .listEngines, .listFlavors]),
        StatementEntry(.showEngineVersions, topic: "show", path: ["show", "engine", "versions"], grammar: "show engine versions;",
                       example: "show engine versions;",
                       needsInstance: true, operations: [.listEngineVersions]),
        StatementEntry(.showEngineRisks, topic: "show", path: ["show", "engine", "risks"], grammar: "show engine risks;  (the running version's risks and the upgrade that ends them)",
                       example: "show engine risks;",
                       needsInstance: true, operations: [.showRiskInfo]),
    ]
    static let rules = [flavorChoices.rule,
                        ParseRule("show engine versions", { _ in
                            PlainRead(.showEngineVersions, "show engine versions", calls: [PlannedCall(.listEngineVersions, "list engine versions")]) { e in
                                [ShowTables.engineVersions(try await e.client.engineVersions(instance: try await e.instanceId()))]
                            }
                        }),
                        ParseRule("show engine risks", { _ in
                            PlainRead(.showEngineRisks, "show engine risks", calls: [PlannedCall(.showRiskInfo, "show risk info")]) { e in
                                let risks = try await e.client.engineRisks(instance: try await e.instanceId())
                                return [ResultTable(columns: ["version", "level", "why upgrade", "impact", "upgrade takes", "service affected"], rows: risks.map {
                                    [$0.engineVersion ?? "", $0.level.map(String.init) ?? "", $0.suggest ?? "", $0.influence ?? "",
                                     $0.upgradeDuration ?? "", $0.serviceImpactDuration ?? ""]
                                })]
                            }
                        })]

    /// show flavors for instance <i>
    static let flavorChoices = NameStatementForm(.showFlavorChoices, "show flavors for instance", noun: "instance name", calls: { _, _ in
        [.resolve, PlannedCall(.listEngines, "list engines"), PlannedCall(.listFlavors, "list flavors of the instance's engine")]
    }) { e, s in
        let i = try await e.resolve(s.name)
        await e.sink.table(ShowTables.flavorChoices(try await e.flavors(of: i), current: i.flavorRef))
        return nil
    }
}

extension Evaluator {
    /// The flavors of the instance's engine: what its flavor can change to.
    func flavors(of i: Instance) async throws -> [Flavor] {
        let engines = try await client.listEngines(limit: 128).engineGroups
        guard let engine = engines.first(where: { $0.version == i.engineVersion }) ?? engines.first else {
            throw EvaluationError("no engine is offered for \(i.name)", kind: .notFound)
        }
        return try await client.listFlavors(engineId: engine.id, limit: 128).computeFlavorGroups.flatMap(\.computeFlavors)
    }

    /// The id of the instance's flavor (the older scale-out call takes the id, not the code).
    func flavorId(of i: Instance) async throws -> String {
        guard let f = try await flavors(of: i).first(where: { $0.code == i.flavorRef }) else {
            throw EvaluationError("cannot find \(i.name)'s flavor \(i.flavorRef ?? "?") among its engine's flavors", kind: .notFound)
        }
        return f.id
    }
}
