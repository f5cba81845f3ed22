/// Binds a name for the rest of the script; compiles to no step.
struct Let: ExpandingSyntax, Equatable {
    var name: String
    var value: Expr

    /// let <name> = <value>
    static func parse(_ p: inout Parser) throws -> Self {
        let name = try p.identifier("variable name")
        try p.expect(punct: "=", "after the variable name")
        return Self(name: name, value: try p.value())
    }

    func compile(_ c: inout Compiler, _ range: SourceRange, into out: inout [PlanStep]) throws {
        c.variables[name] = try c.value(value)
    }
}
