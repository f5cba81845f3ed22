/// A basic (`base_authority`) permission. DDM permissions are account-wide.
public enum BasePermission: String, Codable, Sendable, CaseIterable, Comparable {
    case create = "CREATE", drop = "DROP", alter = "ALTER", index = "INDEX"
    case insert = "INSERT", delete = "DELETE", update = "UPDATE", select = "SELECT"

    // `allCases` builds a new array on every call; sorting permissions is on the compiler's hot path.
    private static let order = allCases
    public static func < (a: Self, b: Self) -> Bool {
        order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}

/// A legacy extended (`extend_authority`) permission; each needs its basic permission.
public enum ExtendedPermission: String, Codable, Sendable, CaseIterable, Comparable {
    case fulltableSelect, fulltableDelete, fulltableUpdate

    public var requiredBase: BasePermission {
        switch self {
        case .fulltableSelect: .select
        case .fulltableDelete: .delete
        case .fulltableUpdate: .update
        }
    }

    // `allCases` builds a new array on every call; sorting permissions is on the compiler's hot path.
    private static let order = allCases
    public static func < (a: Self, b: Self) -> Bool {
        order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}
