/// A basic (`base_authority`) permission. DDM permissions are account-wide.
public enum BasePermission: String, Codable, Sendable, CaseIterable, Comparable {
    case create = "CREATE", drop = "DROP", alter = "ALTER", index = "INDEX"
    case insert = "INSERT", delete = "DELETE", update = "UPDATE", select = "SELECT"

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
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

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
