/// A basic (`base_authority`) permission. DDM permissions are account-wide.
///
/// A struct over the wire spelling rather than an enum: a permission DDM adds later (or spells
/// differently) must survive a read-modify-write verbatim, or the next full-state `modify account`
/// would revoke it without anyone asking.
public struct BasePermission: RawRepresentable, Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    /// Position in DDM's documented order; unknown permissions sort after the known ones.
    private let rank: Int

    public init(rawValue: String) {
        self.rawValue = rawValue
        rank = Self.documented.firstIndex(of: rawValue) ?? Self.documented.count
    }

    private init(rawValue: String, rank: Int) { self.rawValue = rawValue; self.rank = rank }

    public static let create = Self(rawValue: "CREATE"), drop = Self(rawValue: "DROP")
    public static let alter = Self(rawValue: "ALTER"), index = Self(rawValue: "INDEX")
    public static let insert = Self(rawValue: "INSERT"), delete = Self(rawValue: "DELETE")
    public static let update = Self(rawValue: "UPDATE"), select = Self(rawValue: "SELECT")

    private static let documented = ["CREATE", "DROP", "ALTER", "INDEX", "INSERT", "DELETE", "UPDATE", "SELECT"]
    /// The permissions DDM documents, in its order.
    public static let allCases: [Self] = documented.map(Self.init(rawValue:))

    /// The documented permission spelled `word` (upper case), if any.
    public static func known(_ word: String) -> Self? { byName[word] }
    // One hash, not a comparison per documented name: every privilege of every grant asks this.
    private static let byName = Dictionary(uniqueKeysWithValues: documented.enumerated().map { ($1, Self(rawValue: $1, rank: $0)) })

    public var isKnown: Bool { rank < Self.documented.count }
    public var description: String { rawValue }

    // Known permissions compare by their rank (an integer): the compiler compares these on its
    // hot path, and two different spellings never share a known rank.
    public static func == (a: Self, b: Self) -> Bool {
        a.rank == b.rank && (a.rank < documented.count || a.rawValue == b.rawValue)
    }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
    public static func < (a: Self, b: Self) -> Bool {
        a.rank != b.rank ? a.rank < b.rank : a.rawValue < b.rawValue
    }

    public init(from decoder: any Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// A legacy extended (`extend_authority`) permission; each needs its basic permission. Kept
/// verbatim when unknown, as `BasePermission` is.
public struct ExtendedPermission: RawRepresentable, Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    private let rank: Int

    public init(rawValue: String) {
        self.rawValue = rawValue
        rank = Self.documented.firstIndex { $0.0 == rawValue } ?? Self.documented.count
    }

    public static let fulltableSelect = Self(rawValue: "fulltableSelect")
    public static let fulltableDelete = Self(rawValue: "fulltableDelete")
    public static let fulltableUpdate = Self(rawValue: "fulltableUpdate")

    private static let documented = [("fulltableSelect", "SELECT"), ("fulltableDelete", "DELETE"), ("fulltableUpdate", "UPDATE")]
    public static let allCases: [Self] = documented.map { Self(rawValue: $0.0) }

    /// The basic permission this one needs; nil for one DDM does not document (its rule is the
    /// service's to check).
    public var requiredBase: BasePermission? {
        rank < Self.documented.count ? BasePermission(rawValue: Self.documented[rank].1) : nil
    }

    public var isKnown: Bool { rank < Self.documented.count }
    public var description: String { rawValue }

    public static func == (a: Self, b: Self) -> Bool {
        a.rank == b.rank && (a.rank < documented.count || a.rawValue == b.rawValue)
    }
    public func hash(into h: inout Hasher) { h.combine(rawValue) }
    public static func < (a: Self, b: Self) -> Bool {
        a.rank != b.rank ? a.rank < b.rank : a.rawValue < b.rawValue
    }

    public init(from decoder: any Decoder) throws { self.init(rawValue: try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}
