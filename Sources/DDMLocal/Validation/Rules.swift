import Foundation

/// Name, password and permission rules (ddm-api.md §5.1, §6.1, §7.1, §10.2).
enum Rules {
    static let basePermissions: Set<String> = ["CREATE", "DROP", "ALTER", "INDEX", "INSERT", "DELETE", "UPDATE", "SELECT"]
    static let extendedPermissions: [String: String] = [
        "fulltableSelect": "SELECT", "fulltableDelete": "DELETE", "fulltableUpdate": "UPDATE",
    ]
    static let reservedSchemas: Set<String> = ["information_schema", "mysql", "performance_schema", "sys"]
    static let accountSpecials = Set("~!@#%^*-_+?")
    static let adminSpecials = Set("~!@#%^*-_=+?")
    /// The real weak-password dictionary is unknown (§11.9); these are the classics.
    static let weakPasswords: Set<String> = [
        "password", "password1", "password1!", "passw0rd", "passw0rd!", "p@ssw0rd", "admin123", "admin@123",
        "qwerty123", "qwerty123!", "abc12345", "abcd1234", "12345678", "iloveyou1", "welcome1", "welcome1!",
    ]

    static func isLetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
    static func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }

    /// An IPv4 address, or with `block` a CIDR block too.
    static func ipv4(_ text: String, block: Bool = false) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 1 || block && parts.count == 2 else { return false }
        if parts.count == 2 { guard let n = Int(parts[1]), (0...32).contains(n) else { return false } }
        let octets = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { UInt8($0) != nil }
    }

    /// 4–64, starts with a letter; letters, digits, `-` and `_` (instances, and groups).
    static func instanceName(_ s: String) -> Bool {
        (4...64).contains(s.count) && s.first.map(isLetter) == true
            && s.allSatisfy { isLetter($0) || isDigit($0) || $0 == "-" || $0 == "_" }
    }

    /// 1–32, starts with a letter; letters, digits, `_`.
    static func accountName(_ s: String) -> Bool {
        (1...32).contains(s.count) && s.first.map(isLetter) == true
            && s.allSatisfy { isLetter($0) || isDigit($0) || $0 == "_" }
    }

    static let adminName = accountName

    /// Returns the error for a bad schema name, or nil.
    static func schemaNameError(_ s: String) -> LocalError? {
        if s.contains(where: { $0.isUppercase }) {
            return LocalError(status: 400, code: "DBS.300407", message: "The schema name cannot contain upper-case letters.")
        }
        if reservedSchemas.contains(s) {
            return LocalError(status: 400, code: "DBS.300406", message: "The schema name cannot be a reserved keyword: \(s).")
        }
        if !(2...48).contains(s.count) {
            return LocalError(status: 400, code: "DBS.300405", message: "The schema name must be 2 to 48 characters long.")
        }
        let ok = s.first.map { $0.isASCII && $0.isLowercase } == true
            && s.allSatisfy { ($0.isASCII && $0.isLowercase) || isDigit($0) || $0 == "_" }
        return ok ? nil : LocalError(status: 400, code: "DBS.300109",
                                     message: "Invalid schema name: it must start with a lower-case letter and hold only lower-case letters, digits and underscores.")
    }

    /// Account password: 8–32, three of four classes, not weak, not the name either way round.
    static func accountPasswordProblem(_ p: String, name: String) -> String? {
        guard (8...32).contains(p.count) else { return "the password must be 8 to 32 characters long" }
        var classes = 0
        if p.contains(where: { $0.isASCII && $0.isLowercase }) { classes += 1 }
        if p.contains(where: { $0.isASCII && $0.isUppercase }) { classes += 1 }
        if p.contains(where: isDigit) { classes += 1 }
        if p.contains(where: { accountSpecials.contains($0) }) { classes += 1 }
        if p.contains(where: { !(isLetter($0) || isDigit($0) || accountSpecials.contains($0)) }) {
            return "the password may contain only letters, digits and ~!@#%^*-_+?"
        }
        if classes < 3 { return "the password must combine at least three of: lower case, upper case, digits, special characters" }
        if weakPasswords.contains(p.lowercased()) { return "the password is too weak" }
        if p == name || p == String(name.reversed()) { return "the password cannot be the account name or the name reversed" }
        return nil
    }

    /// Instance admin password: 8–32, all four classes, specials include `=`.
    static func adminPasswordOK(_ p: String) -> Bool {
        (8...32).contains(p.count)
            && p.contains(where: { $0.isASCII && $0.isLowercase })
            && p.contains(where: { $0.isASCII && $0.isUppercase })
            && p.contains(where: isDigit)
            && p.contains(where: { adminSpecials.contains($0) })
            && p.allSatisfy { isLetter($0) || isDigit($0) || adminSpecials.contains($0) }
    }

    static let timeZones: Set<String> = {
        var zones: Set<String> = ["UTC"]
        for h in 1...12 {
            zones.insert(String(format: "UTC-%02d:00", h))
            zones.insert(String(format: "UTC+%02d:00", h))
        }
        return zones
    }()
}
