/// Prints the plan of a statement, with each call's route as the client would send it, and
/// runs none of it: a batch reads its accounts and says what would change.
struct Explain: StatementSyntax, Equatable {
    var statement: Statement

    /// explain <statement>   (the statement ends with its own ';')
    static func parse(_ p: inout Parser) throws -> Self {
        if p.check("explain") { throw p.failure(.explainItself) }
        return Self(statement: try p.nested { try $0.statement() })
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        var steps: [PlanStep] = []
        try c.steps(statement, into: &steps)
        return Explanation(steps: Compiler.mergeBatches(steps))
    }
}

/// An explained statement, compiled: the steps it would run.
struct Explanation: Step {
    var steps: [PlanStep]

    var id: StatementID { .explain }
    var text: String { "explain " + steps.map(\.step.text).joined(separator: ";\n") }
    var headline: String { "explain:\n" + steps.map { $0.step.description(routes: .init()) }.joined(separator: "\n") }
    var calls: [PlannedCall] { [] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let routes = RouteVersions(choice: e.client.configuration.apiVersion, olderOnly: await e.client.olderOnlyOperations())
        await e.sink.message(Plan(steps: steps).description(routes: routes))
        for inner in steps { try await inner.step.explained(in: e) }
        return nil
    }
}
