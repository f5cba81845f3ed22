/// Its body once per item, compiled with the variable bound to the item: the plan holds each
/// repetition's steps, not a loop.
struct ForLoop: ExpandingSyntax, Equatable {
    var variable: String
    var list: Expr
    var body: [Statement]

    /// for <x> in <list> { <statements> }
    static func parse(_ p: inout Parser) throws -> Self {
        let variable = try p.identifier("loop variable")
        try p.expect("in", "after the loop variable")
        let items = try p.list("list item")
        return Self(variable: variable, list: items, body: try p.block("the loop body"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange, into out: inout [PlanStep]) throws {
        let items = try c.value(list)
        let values: [Value] = if case .list(let l) = items { l } else { [items] }
        let saved = c.variables[variable]
        defer { c.variables[variable] = saved }
        for item in values {
            c.variables[variable] = item
            for inner in body { c.compile(inner, into: &out) }
        }
    }
}
