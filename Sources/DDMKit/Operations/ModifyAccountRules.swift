/// The seed's rules for `modify account`, checked before anything is sent.
public enum ModifyAccountRules {
    public static let maxDescriptionLength = 256

    public static func check(_ change: ModifyAccountRequest) throws {
        if change.baseAuthority == nil, change.extendAuthority == nil, change.description == nil, change.databases == nil,
           change.passwordLifetime == nil {
            throw DDMError.invalid("modify account needs at least one of base_authority, extend_authority, description, databases, password_lifetime")
        }
        if let days = change.passwordLifetime, days < 0 {
            throw DDMError.invalid("password_lifetime is a number of days, 0 or more (got \(days))")
        }
        if let extended = change.extendAuthority {
            // Without base_authority in the same call the server keeps the current set,
            // which the client cannot see here; the rule is checked when both are given.
            if let base = change.baseAuthority {
                for e in extended {
                    if let needed = e.requiredBase, !base.contains(needed) {
                        throw DDMError.invalid("extended permission \(e.rawValue) needs basic permission \(needed.rawValue)")
                    }
                }
            }
        }
        if let description = change.description, description.count > maxDescriptionLength {
            throw DDMError.invalid("description is \(description.count) characters; at most \(maxDescriptionLength) are allowed")
        }
        if let databases = change.databases, databases.contains(where: { $0.name.isEmpty }) {
            throw DDMError.invalid("every databases entry needs a name")
        }
    }
}
