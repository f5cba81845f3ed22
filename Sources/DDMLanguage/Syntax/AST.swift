/// The syntax tree. Every node keeps its source range.
public struct Statement: Sendable, Equatable {
    public var kind: Kind
    public var range: SourceRange

    /// Unboxed but for `explain`: a boxed case is an allocation per statement.
    public enum Kind: Sendable, Equatable {
        case grant(privileges: Expr, schemas: Expr, users: Expr)
        case revoke(privileges: Expr, schemas: Expr?, users: Expr)
        /// Sets the accounts' whole permission state: privileges, schemas (none without `on`), comment.
        case grantExactly(privileges: Expr, schemas: Expr?, users: Expr, comment: Expr?)
        case letBinding(String, Expr)
        case forLoop(variable: String, list: Expr, body: [Statement])
        case source(Expr)
        indirect case explain(Statement)
        case setOnError(continueOnError: Bool)
        case help(String?)
        /// A statement of a family (`Statements/`): one type from parse to run.
        case node(SyntaxNode)
    }
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
