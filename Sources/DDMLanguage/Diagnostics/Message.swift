import DDMKit

/// Diagnostics as typed values (swift-syntax's habit): each wording that is shared, or that code
/// acts on, is one case here, so no two places spell it differently and no code matches text.
/// A new diagnostic that is reported from more than one place, or that code must recognise,
/// belongs here.
public enum Message: Sendable, Equatable {
    /// A string or quoted name runs to the end of the input: unfinished, not wrong.
    case unterminated(String)
    case commentTooLong(count: Int)
    case invalidSchemaName(String, problem: String)
    case cannotRead(path: String, reason: String)
    case noInstanceSelected

    public var text: String {
        switch self {
        case .unterminated(let what): "unterminated \(what)"
        case .commentTooLong(let count):
            "a comment holds at most \(ModifyAccountRules.maxDescriptionLength) characters (this one has \(count))"
        case .invalidSchemaName(let name, let problem): "invalid schema name '\(name)': \(problem)"
        case .cannotRead(let path, let reason): "cannot read '\(path)': \(reason)"
        case .noInstanceSelected: "no instance selected: write 'use instance <name>;' first (or pass --instance)"
        }
    }

    /// What kind of problem it is, for code that must tell them apart.
    public var kind: Diagnostic.Kind {
        switch self {
        case .unterminated: .incomplete
        case .commentTooLong, .invalidSchemaName: .invalid
        case .cannotRead: .io
        case .noInstanceSelected: .noInstance
        }
    }
}
