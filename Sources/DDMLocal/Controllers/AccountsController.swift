import DDMSigning
import GRDB

/// `/v1/{project_id}/instances/{instance_id}/users…` (§7) and the v2 password reset (§8.6).
enum AccountsController {
    static func register(_ t: inout RouteTable) {
        let v1 = "/v1/{project_id}/instances/{instance_id}/users", v3 = "/v3/{project_id}/instances/{instance_id}/users"
        t.add("POST", v1, replacedByV3: true, create)
        t.add("POST", v3, V3Shape.lifetime(V3Shape.adapt(create, body: { ["users": [V3Shape.user($0)]] }, reply: V3Shape.empty)))
        t.add("GET", v1, replacedByV3: true, list)
        t.add("GET", v3, V3Shape.withLifetimes(V3Shape.adapt(list, reply: V3Shape.listUsers)))
        t.add("PUT", "\(v1)/{username}", replacedByV3: true, modify)
        t.add("PUT", "\(v3)/{username}", V3Shape.lifetime(V3Shape.adapt(modify, body: { ["user": V3Shape.user($0)] }, reply: V3Shape.empty)))
        t.add("DELETE", "\(v1)/{username}", replacedByV3: true, delete)
        t.add("DELETE", "\(v3)/{username}", V3Shape.adapt(delete, reply: V3Shape.empty))
        t.add("POST", "/v2/{project_id}/instances/{instance_id}/users/{username}/password", replacedByV3: true, resetPassword)
        t.add("POST", "\(v3)/{username}/password", V3Shape.adapt(resetPassword, body: { $0 }, reply: V3Shape.empty))
    }

    struct AccountRow: FetchableRecord {
        var name: String, base: [String], extended: [String], description: String, databases: [String]
        var created: Int64, passwordLastChanged: Int64
        init(row: Row) {
            name = row["name"]; base = JSONColumn.decode(row["base_authority"])
            extended = JSONColumn.decode(row["extend_authority"]); description = row["description"]
            databases = JSONColumn.decode(row["databases"]); created = row["created"]
            passwordLastChanged = row["password_last_changed"]
        }
    }

    static func find(_ db: Database, instance: String, name: String) throws -> AccountRow {
        guard let row = try AccountRow.fetchOne(db, sql: "SELECT * FROM account WHERE instance_id = ? AND name = ?",
                                                arguments: [instance, name]) else {
            throw LocalError(status: 404, code: "DBS.300327", message: "The account \(name) does not exist.")
        }
        return row
    }

    /// Only the hash is kept: the emulator never needs a password back.
    static func hash(_ password: String) -> String { Digest.sha256Hex(Array(password.utf8)) }

    /// Base permissions in canonical order; an unknown one is `DBS.300309`. `extra` stands for
    /// permissions DDM may add later, which a client must carry through unchanged.
    static func checkBase(_ list: [String], extra: [String]) throws -> [String] {
        for p in list where !Rules.basePermissions.contains(p) && !extra.contains(p) {
            throw LocalError(status: 400, code: "DBS.300309", message: "Invalid basic permission: \(p).")
        }
        let order = ["CREATE", "DROP", "ALTER", "INDEX", "INSERT", "DELETE", "UPDATE", "SELECT"] + extra
        return order.filter(list.contains)
    }

    static func checkExtended(_ list: [String], base: [String]) throws -> [String] {
        for p in list {
            guard let needs = Rules.extendedPermissions[p] else {
                throw LocalError(status: 400, code: "DBS.300310", message: "Invalid extended permission: \(p).")
            }
            guard base.contains(needs) else {
                throw LocalError(status: 400, code: "DBS.300310", message: "The extended permission \(p) requires the basic permission \(needs).")
            }
        }
        return ["fulltableSelect", "fulltableDelete", "fulltableUpdate"].filter(list.contains)
    }

    static func checkDescription(_ d: String?) throws {
        if let d, d.count > 256 {
            throw LocalError(status: 400, code: "DBS.300307", message: "The description cannot exceed 256 characters.")
        }
    }

    /// Resolves schema names case-insensitively to their stored names.
    static func resolveSchemas(_ db: Database, instance: String, _ entries: [OptionalNameWire], code: String) throws -> [String] {
        var names: [String] = []
        for entry in entries {
            guard let name = entry.name, !name.isEmpty else {
                throw LocalError.parameter("every databases entry needs a name")
            }
            guard let stored = try String.fetchOne(db, sql: "SELECT name FROM schema WHERE instance_id = ? AND name = ?",
                                                   arguments: [instance, name.lowercased()]) else {
                throw LocalError(status: 400, code: code, message: "The schema \(name) does not exist.")
            }
            if !names.contains(stored) { names.append(stored) }
        }
        return names
    }

    static func create(_ call: Call, _ db: Database) throws -> Reply {
        let request = try WireJSON.decode(CreateUsersWire.self, call.body)
        guard !request.users.isEmpty else { throw LocalError.parameter("users must not be empty") }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        if Set(request.users.map(\.name)).count != request.users.count {
            throw LocalError(status: 400, code: "DBS.300107", message: "The accounts in the request are duplicated.")
        }
        let existing = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account WHERE instance_id = ?", arguments: [instance.id]) ?? 0
        if existing + request.users.count > call.settings.maxAccounts {
            throw LocalError(status: 400, code: "DBS.300300",
                             message: "An instance can have at most \(call.settings.maxAccounts) accounts; it has \(existing).")
        }
        // All checks first: the request is applied whole or not at all (§11.11).
        var rows: [(CreateUsersWire.Detail, [String], [String], [String])] = []
        for u in request.users {
            guard Rules.accountName(u.name) else {
                throw LocalError(status: 400, code: "DBS.300305",
                                 message: "Invalid account name \(u.name): 1 to 32 characters, starting with a letter; letters, digits and underscores.")
            }
            if try AccountRow.fetchOne(db, sql: "SELECT * FROM account WHERE instance_id = ? AND name = ?", arguments: [instance.id, u.name]) != nil {
                throw LocalError(status: 400, code: "DBS.300311", message: "The account \(u.name) already exists.")
            }
            if let problem = Rules.accountPasswordProblem(u.password, name: u.name) {
                throw LocalError(status: 400, code: "DBS.300306", message: "Invalid account password: \(problem).")
            }
            guard !u.base_authority.isEmpty else {
                throw LocalError(status: 400, code: "DBS.300309", message: "Select at least one basic permission.")
            }
            let base = try checkBase(u.base_authority, extra: call.settings.extraBasePermissions)
            let ext = try checkExtended(u.extend_authority ?? [], base: base)
            try checkDescription(u.description)
            let schemas = try resolveSchemas(db, instance: instance.id, u.databases ?? [], code: "DBS.300300")
            rows.append((u, base, ext, schemas))
        }
        for (u, base, ext, schemas) in rows {
            try db.execute(sql: """
                INSERT INTO account (instance_id, name, password_hash, base_authority, extend_authority, description, databases, created, password_last_changed)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [instance.id, u.name, hash(u.password), JSONColumn.encode(base), JSONColumn.encode(ext),
                                 u.description ?? "", JSONColumn.encode(schemas), call.nowMillis, call.nowMillis])
        }
        return .json(UsersReplyWire(users: request.users.map { NameWire(name: $0.name) }))
    }

    static func list(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let page = Page(offset: try call.int("offset", default: 0, range: 0...Int.max),
                        limit: try call.int("limit", default: 128, range: 1...128))
        let all = try AccountRow.fetchAll(db, sql: "SELECT * FROM account WHERE instance_id = ? ORDER BY created, name", arguments: [instance.id])
        return .json(AccountListWire(
            users: page.slice(all).map {
                AccountWire(name: $0.name, status: "RUNNING", base_authority: $0.base, extend_authority: $0.extended,
                            description: $0.description, created: $0.created, password_last_changed: $0.passwordLastChanged,
                            databases: $0.databases.map { AccountSchemaWire(name: $0, description: "") })
            },
            page_no: page.pageNo, page_size: page.limit, total_record: all.count, total_page: page.totalPages(all.count)))
    }

    static func modify(_ call: Call, _ db: Database) throws -> Reply {
        let u = try WireJSON.decode(ModifyUserWire.self, call.body).user
        guard u.base_authority != nil || u.extend_authority != nil || u.description != nil || u.databases != nil else {
            throw LocalError.parameter("set at least one of base_authority, extend_authority, description, databases")
        }
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let current = try find(db, instance: instance.id, name: call.param("username"))
        // Omitted fields keep their value; a present list is the new complete set (§10.1, §11.1).
        let base = try u.base_authority.map { try checkBase($0, extra: call.settings.extraBasePermissions) } ?? current.base
        let ext = try checkExtended(u.extend_authority ?? current.extended.filter { e in
            // A kept extended permission whose basic one was just removed goes with it.
            Rules.extendedPermissions[e].map(base.contains) ?? false
        }, base: base)
        try checkDescription(u.description)
        let schemas = try u.databases.map { try resolveSchemas(db, instance: instance.id, $0, code: "DBS.300301") } ?? current.databases
        try db.execute(sql: """
            UPDATE account SET base_authority = ?, extend_authority = ?, description = ?, databases = ?
            WHERE instance_id = ? AND name = ?
            """, arguments: [JSONColumn.encode(base), JSONColumn.encode(ext), u.description ?? current.description,
                             JSONColumn.encode(schemas), instance.id, current.name])
        return .json(NameWire(name: current.name))
    }

    static func delete(_ call: Call, _ db: Database) throws -> Reply {
        let instance = try InstanceRow.find(db, call.param("instance_id"))
        let account = try find(db, instance: instance.id, name: call.param("username"))
        try db.execute(sql: "DELETE FROM account WHERE instance_id = ? AND name = ?", arguments: [instance.id, account.name])
        return .json(NameWire(name: account.name))
    }

    static func resetPassword(_ call: Call, _ db: Database) throws -> Reply {
        let password = try WireJSON.decode(PasswordWire.self, call.body).password
        let instance = try InstanceRow.findRunning(db, call.param("instance_id"))
        let account = try find(db, instance: instance.id, name: call.param("username"))
        if let problem = Rules.accountPasswordProblem(password, name: account.name) {
            throw LocalError(status: 400, code: "DBS.300328", message: "Failed to reset the password: \(problem).")
        }
        try db.execute(sql: "UPDATE account SET password_hash = ?, password_last_changed = ? WHERE instance_id = ? AND name = ?",
                       arguments: [hash(password), call.nowMillis, instance.id, account.name])
        return .json(PasswordReplyWire(success: true, instance_id: instance.id, user_name: account.name))
    }

    static func detachSchema(_ db: Database, instance: String, schema: String) throws {
        for row in try AccountRow.fetchAll(db, sql: "SELECT * FROM account WHERE instance_id = ?", arguments: [instance])
        where row.databases.contains(schema) {
            try db.execute(sql: "UPDATE account SET databases = ? WHERE instance_id = ? AND name = ?",
                           arguments: [JSONColumn.encode(row.databases.filter { $0 != schema }), instance, row.name])
        }
    }
}
