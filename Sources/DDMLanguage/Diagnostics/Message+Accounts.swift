import DDMKit

/// The rules of accounts, their privileges and grants.
public enum AccountMessage: Sendable, Equatable {
    /// An account's comment: DDM takes so many characters at most.
    case commentTooLong(count: Int)
    /// Days a password stays valid: 0 to 65535, 0 for never.
    case lifetimeOutOfRange(Int)
    /// DDM refuses an account with no basic privilege.
    case noBasicPrivilege
    /// An extended privilege comes with its basic one, in the same statement: `as well` in
    /// `create user`, within the one `grant exactly` that sets an account's whole state.
    case extendedNeedsBase(String, base: String, inGrantExactly: Bool)
    /// `none` (no privilege at all) cannot be listed with others.
    case noneStandsAlone
    /// `none` sets an account's whole state, so only `grant exactly` takes it.
    case noneOnlyInGrantExactly
    /// No close match: the message lists the privileges.
    case unknownPrivilege(String, suggestion: String?)
    /// Extended privileges under `--api-version v3`: only DDM's v1 API has them.
    case extendedNeedsV1([String])

    var text: String {
        switch self {
        case .commentTooLong(let count):
            "a comment holds at most \(ModifyAccountRules.maxDescriptionLength) characters (this one has \(count))"
        case .lifetimeOutOfRange(let days): "lifetime is 0 to 65535 days, 0 for never (got \(days))"
        case .noBasicPrivilege: "an account needs at least one basic privilege"
        case .extendedNeedsBase(let extended, let base, let inGrantExactly):
            "\(extended) needs \(base) \(inGrantExactly ? "in the same 'grant exactly'" : "as well")"
        case .noneStandsAlone: "'none' stands alone: it means no privilege at all"
        case .noneOnlyInGrantExactly: "'none' goes only with 'grant exactly' (an account's whole state)"
        case .unknownPrivilege(let word, let suggestion):
            "unknown privilege '\(word)'" + (suggestion.map(Message.didYouMean)
                ?? " (basic: \(BasePermission.allCases.map(\.rawValue).joined(separator: ", ")); extended: \(ExtendedPermission.allCases.map(\.rawValue).joined(separator: ", ")); or ALL)")
        case .extendedNeedsV1(let names):
            "\(names.joined(separator: ", ")): extended privileges exist only in DDM's v1 API, and --api-version v3 uses v3 alone (use auto or v1)"
        }
    }

    static let samples: [AccountMessage] = [
        .commentTooLong(count: 7), .lifetimeOutOfRange(7), .noBasicPrivilege,
        .extendedNeedsBase("x", base: "y", inGrantExactly: false), .extendedNeedsBase("x", base: "y", inGrantExactly: true),
        .noneStandsAlone, .noneOnlyInGrantExactly, .unknownPrivilege("x", suggestion: nil), .unknownPrivilege("x", suggestion: "y"),
        .extendedNeedsV1(["x"]),
    ]
}
