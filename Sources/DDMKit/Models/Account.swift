/// An account as `list accounts` returns it.
public struct Account: Decodable, Sendable, Equatable {
    public var name: String
    public var status: String?
    public var baseAuthority: [String]?
    public var extendAuthority: [String]?
    public var description: String?
    public var created: Int64?
    public var passwordLastChanged: Int64?
    public var databases: [AccountSchema]?
    /// Days a password stays valid; only v3 has it (`password_lifetime`).
    public var passwordLifetime: Int?

    public init(name: String, status: String? = nil, baseAuthority: [String]? = nil, extendAuthority: [String]? = nil,
                description: String? = nil, databases: [AccountSchema]? = nil, passwordLifetime: Int? = nil) {
        self.name = name; self.status = status; self.baseAuthority = baseAuthority
        self.extendAuthority = extendAuthority; self.description = description; self.databases = databases
        self.passwordLifetime = passwordLifetime
    }

    /// Schema names the account is associated with.
    public var schemaNames: [String] { (databases ?? []).map(\.name) }
}

public struct AccountSchema: Decodable, Sendable, Equatable {
    public var name: String
    public var description: String?
    public init(name: String, description: String? = nil) { self.name = name; self.description = description }
}

public struct AccountPage: Decodable, Sendable {
    public var users: [Account]
    public var pageNo: Int?
    public var pageSize: Int?
    public var totalRecord: Int?
    public var totalPage: Int?
}

public struct CreateAccountRequest: Encodable, Sendable, Equatable {
    public var name: String
    public var password: String
    public var baseAuthority: [BasePermission]
    public var extendAuthority: [ExtendedPermission]?
    public var description: String?
    public var databases: [NameOnly]?
    /// v3 only (not sent in v1, which has no such field).
    public var passwordLifetime: Int?

    public init(name: String, password: String, baseAuthority: [BasePermission],
                extendAuthority: [ExtendedPermission]? = nil, description: String? = nil, databases: [String]? = nil,
                passwordLifetime: Int? = nil) {
        self.name = name; self.password = password; self.baseAuthority = baseAuthority
        self.extendAuthority = extendAuthority; self.description = description
        self.databases = databases?.map(NameOnly.init); self.passwordLifetime = passwordLifetime
    }

    enum CodingKeys: String, CodingKey {
        case name, password, baseAuthority = "base_authority", extendAuthority = "extend_authority"
        case description, databases
    }
}

/// The body of `modify account`: every field optional, at least one set.
public struct ModifyAccountRequest: Encodable, Sendable, Equatable {
    public var baseAuthority: [BasePermission]?
    public var extendAuthority: [ExtendedPermission]?
    public var description: String?
    public var databases: [NameOnly]?
    /// v3 only (not sent in v1).
    public var passwordLifetime: Int?

    public init(baseAuthority: [BasePermission]? = nil, extendAuthority: [ExtendedPermission]? = nil,
                description: String? = nil, databases: [String]? = nil, passwordLifetime: Int? = nil) {
        self.baseAuthority = baseAuthority; self.extendAuthority = extendAuthority
        self.description = description; self.databases = databases?.map(NameOnly.init); self.passwordLifetime = passwordLifetime
    }

    enum CodingKeys: String, CodingKey {
        case baseAuthority = "base_authority", extendAuthority = "extend_authority", description, databases
    }
}

public struct CreateAccountsResult: Decodable, Sendable, Equatable {
    public var users: [NameOnly]?
}

public struct PasswordResetResult: Decodable, Sendable, Equatable {
    public var success: Bool?
    public var instanceId: String?
    public var userName: String?
}
