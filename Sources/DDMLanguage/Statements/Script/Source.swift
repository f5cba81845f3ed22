/// Another script file's statements, in place: its steps, compiled as part of this script.
struct Source: ExpandingSyntax, Equatable {
    var file: Expr

    /// source '<file.ddm>'
    static func parse(_ p: inout Parser) throws -> Self {
        Self(file: try p.stringValue("file name"))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange, into out: inout [PlanStep]) throws {
        out += try c.sourceFile(file)
    }
}
