/// Whether a failed statement stops the run (the default) or the run goes on with the next.
struct SetOnError: StatementSyntax, Step, Equatable {
    var continueOnError: Bool

    /// set on_error [=] stop|continue
    static func parse(_ p: inout Parser) throws -> Self {
        try p.expect("on_error", "after 'set'")
        _ = p.match(punct: "=")
        if p.match("stop") { return Self(continueOnError: false) }
        if p.match("continue") { return Self(continueOnError: true) }
        throw p.failure(.expected("'stop' or 'continue'", found: p.found))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { self }

    var id: StatementID { .setOnError }
    var text: String { "set on_error \(continueOnError ? "continue" : "stop")" }
    var calls: [PlannedCall] { [] }
    var setsRunOption: Bool { true }

    func run(in e: isolated Evaluator) async throws -> String? {
        e.setContinueOnError(continueOnError)
        return nil
    }
}
