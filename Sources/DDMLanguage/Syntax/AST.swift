/// The syntax tree. Every statement, core or family, is one node of its family's type
/// (`Statements/`), and keeps its source range.
public struct Statement: Sendable, Equatable {
    public var node: SyntaxNode
    public var range: SourceRange
    public init(_ node: SyntaxNode, range: SourceRange) { self.node = node; self.range = range }
}

/// Where a secret comes from. Only `literal` holds the value itself.
public enum SecretSource: Sendable, Equatable {
    case prompt(SourceRange)
    case env(String, SourceRange)
    case file(String, SourceRange)
    case literal(Secret, SourceRange)

    public var range: SourceRange {
        switch self {
        case .prompt(let r), .env(_, let r), .file(_, let r), .literal(_, let r): r
        }
    }
}

/// Values: names, strings, numbers, variables, lists and `lines('file')`.
/// Only `lines` is boxed: a boxed case is an allocation per name, and a script is mostly names.
public enum Expr: Sendable, Equatable {
    case name(String, SourceRange)
    case string(String, SourceRange)
    case number(Int, SourceRange)
    case variable(String, SourceRange)
    case list([Expr], SourceRange)
    indirect case lines(Expr, SourceRange)

    public var range: SourceRange {
        switch self {
        case .name(_, let r), .string(_, let r), .number(_, let r), .variable(_, let r), .list(_, let r), .lines(_, let r): r
        }
    }
}
