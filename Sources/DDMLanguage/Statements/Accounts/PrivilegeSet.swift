import DDMKit

/// An account's privileges, the one shape they take from a compiled statement to the journal:
/// the basic ones and the extended ones (v1's `extend_authority`). Statements, the batch's
/// before/after states, undo and export all hold this, and print it through `text` (as a
/// statement writes it) or `stateText` (as a report shows a state).
public struct PrivilegeSet: Sendable, Equatable {
    public var base: [BasePermission]
    public var extended: [ExtendedPermission]

    public init(base: [BasePermission] = [], extended: [ExtendedPermission] = []) {
        self.base = base; self.extended = extended
    }

    /// As the journal and the API keep them: one list of words. A word ddmsh does not know stays
    /// (as a basic privilege), so a modify built from it does not revoke it.
    init(words: [String]) {
        var set = PrivilegeSet()
        for w in words {
            if ExtendedPermission.allCases.contains(where: { $0.rawValue == w }) { set.extended.append(ExtendedPermission(rawValue: w)) }
            else { set.base.append(BasePermission(rawValue: w)) }
        }
        self = set
    }

    public var isEmpty: Bool { base.isEmpty && extended.isEmpty }
    /// Basic ones first, each part in DDM's documented order (unknown ones last): the same state
    /// always reads the same.
    public var canonical: PrivilegeSet { PrivilegeSet(base: base.sorted(), extended: extended.sorted()) }
    /// Only the privileges a statement can grant.
    var known: PrivilegeSet { PrivilegeSet(base: base.filter(\.isKnown), extended: extended.filter(\.isKnown)) }
    var unknown: PrivilegeSet { PrivilegeSet(base: base.filter { !$0.isKnown }, extended: extended.filter { !$0.isKnown }) }
    var words: [String] { base.map(\.rawValue) + extended.map(\.rawValue) }

    /// As a statement writes them (`SELECT, INSERT`), in the order held; `none` when empty, as
    /// `grant exactly none` writes an account with no privilege.
    var text: String { isEmpty ? "none" : words.joined(separator: ", ") }
    /// As a report shows an account's state (`INSERT,SELECT`, one column): canonical order, `(none)`
    /// when empty.
    var stateText: String { isEmpty ? "(none)" : canonical.words.joined(separator: ",") }
}
