import DDMKit

/// The two stages a statement passes through, so that each statement is declared once, as one
/// generic type: `Parsed` holds what the script wrote (expressions, which may be variables,
/// lists or `lines()`), `Resolved` the values the evaluator sends. The compiler maps one to the
/// other, checking each value where it is written.
public protocol Phase: Sendable {
    /// A name, code or string.
    associatedtype Text: Sendable & Equatable
    associatedtype Number: Sendable & Equatable
    /// A list of names.
    associatedtype Texts: Sendable & Equatable
    /// `since '<when>'`.
    associatedtype Window: Sendable & Equatable
    /// A list of privileges.
    associatedtype Privileges: Sendable & Equatable
    /// A block of statements (a fleet's body): as written, then compiled per target.
    associatedtype Block: Sendable & Equatable
}

public enum Parsed: Phase {
    public typealias Text = Expr
    public typealias Number = Expr
    public typealias Texts = Expr
    public typealias Window = Expr
    public typealias Privileges = Expr
    public typealias Block = [Statement]
}

public enum Resolved: Phase {
    public typealias Text = String
    public typealias Number = Int
    public typealias Texts = [String]
    public typealias Window = TaskWindow.Since
    public typealias Privileges = PrivilegeSet
    public typealias Block = CompiledBlock
}
