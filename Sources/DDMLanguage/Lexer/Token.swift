/// One lexical token with its byte range.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A bare word: keyword or name (keywords are matched case-insensitively by the parser).
        case word(String)
        /// A `"quoted"` or `` `quoted` `` name: never a keyword.
        case quotedName(String)
        case string(String)
        /// A string literal right after `password`: a secret, never echoed or logged.
        case secret(Secret)
        case number(Int)
        case variable(String)
        /// A scalar, not a `Character`: compared on every token, and `Character`s compare as strings.
        case punct(Unicode.Scalar)
        case eof
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) { self.kind = kind; self.range = range }

    /// The word in lower case when this is a bare word.
    public var keyword: String? {
        if case .word(let w) = kind { return ASCII.lowercased(w) }
        return nil
    }

    /// `k` is a lower-case keyword; the parser asks this for every token, so it does not allocate.
    @_optimize(speed)
    public func isKeyword(_ k: String) -> Bool {
        if case .word(let w) = kind { return ASCII.matches(w, k) }
        return false
    }
    @_optimize(speed)
    public func isPunct(_ c: Unicode.Scalar) -> Bool { if case .punct(let p) = kind { p == c } else { false } }
}

/// A secret value. Its description never shows the value, so string
/// interpolation, logging and `dump` cannot leak it by accident.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "***" }
    public var debugDescription: String { "Secret(***)" }
}
