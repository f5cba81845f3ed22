/// `alter schema <s> …`: the word after the schema picks the statement. Each family that alters a
/// schema lists its clauses (the words that lead them and their parser); this is the one rule
/// for all of them.
enum AlterSchemaClauses {
    struct Clause: Sendable {
        var words: [String]
        var parse: @Sendable (_ schema: Expr, inout Parser) throws -> any StatementSyntax
    }

    static let all: [Clause] = ReshardStatements.alterClauses + SchemaExtraStatements.alterClauses

    static let rule = ParseRule("alter schema|database", existential: { p in
        let schema = try p.name("schema name")
        for clause in all where clause.words.contains(where: p.check) { return try clause.parse(schema, &p) }
        let words = all.flatMap(\.words)
        throw p.failure(.expected("\(words.dropLast().joined(separator: ", ")) or \(words.last!)", after: "the schema", found: p.found))
    })
}
