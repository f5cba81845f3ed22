import DDMKit

extension StatementID {
    static let showUsers = StatementID("showUsers")
    static let showGrants = StatementID("showGrants")
    static let createUser = StatementID("createUser")
    static let alterUserComment = StatementID("alterUserComment")
    static let alterUserPassword = StatementID("alterUserPassword")
    static let alterUserLifetime = StatementID("alterUserLifetime")
    static let dropUser = StatementID("dropUser")
    static let declareUsersComplete = StatementID("declareUsersComplete")
}

/// The current instance's accounts, one at a time: create, alter, drop, show, and the check
/// that the script declares them all. Grants and revokes are a family of their own (`GrantStatements`).
enum AccountStatements: StatementFamily {

    static let entries: [StatementEntry] = [
        StatementEntry(.showUsers, topic: "show", path: ["show", "users"], grammar: "show users [like '<pattern>'];  (% and _ as in SQL)",
                       example: "show users like 'app%';", words: ["like"], needsInstance: true,
                       operations: [.listAccounts]),
        StatementEntry(.showGrants, topic: "show", path: ["show", "grants", "for"], grammar: "show grants for <account>[, …];",
                       example: "show grants for ddmtest, app;",
                       needsInstance: true, operations: [.listAccounts]),
        StatementEntry(.createUser, topic: "create user", path: ["create", "user"],
                       grammar: "create user <u> [if not exists] password <secret> [with <privs>] [on <schemas>] [comment '…'] [lifetime <days>];",
                       example: "create user ddmtest password env DDMTEST_PASSWORD with SELECT, INSERT on orders comment 'app';",
                       words: ["if", "not", "exists", "password", "prompt", "env", "file", "with", "on", "comment", "lifetime"],
                       slots: ["user <u>": .unlisted], needsInstance: true, operations: [.listAccounts, .checkWeakPassword, .createAccounts]),
        StatementEntry(.alterUserComment, topic: "alter user", path: ["alter", "user"], grammar: "alter user <u> comment '…';",
                       example: "alter user ddmtest comment 'reporting';", words: ["comment"],
                       needsInstance: true, operations: [.modifyAccount]),
        StatementEntry(.alterUserPassword, topic: "alter user", path: ["alter", "user"], grammar: "alter user <u> password <secret>;",
                       example: "alter user ddmtest password prompt;", words: ["password", "prompt", "env", "file"],
                       needsInstance: true, operations: [.checkWeakPassword, .resetPassword]),
        StatementEntry(.alterUserLifetime, topic: "alter user", path: ["alter", "user"], grammar: "alter user <u> lifetime <days>;  (password validity, 0 = never; DDM's v3 API)",
                       example: "alter user ddmtest lifetime 90;", words: ["lifetime"],
                       needsInstance: true, operations: [.modifyAccount]),
        StatementEntry(.dropUser, topic: "drop user", path: ["drop", "user"], grammar: "drop user <u> [if exists];",
                       example: "drop user ddmtest if exists;", words: ["if", "exists"],
                       needsInstance: true, operations: [.listAccounts, .deleteAccount]),
        StatementEntry(.declareUsersComplete, topic: "declare", path: ["declare", "users", "complete"],
                       grammar: "declare users complete [drop undeclared];  (accounts the script did not declare with create user or grant exactly are drift; dropped only with 'drop undeclared')",
                       example: "declare users complete;", words: ["drop", "undeclared"],
                       needsInstance: true, operations: [.listAccounts, .deleteAccount]),
    ]

    static let rules = [
        ParseRule("show users|accounts", { p in ShowUsers<Parsed>(like: p.match("like") ? try p.stringValue("pattern") : nil) }),
        ParseRule("show grants", { p in try p.expect("for", "after 'show grants'"); return ShowGrants<Parsed>(users: try p.list("account name")) }),
        ParseRule("create user|account", CreateUser<Parsed>.parse),
        ParseRule("alter user|account", AlterUser<Parsed>.parse),
        ParseRule("drop user|account", DropUser<Parsed>.parse),
        ParseRule("declare", DeclareUsersComplete<Parsed>.parse),
    ]
}

/// How a write to one account is read back: whether the account is there.
private func accountReadBack(_ name: String, created: Bool) -> ReadBack {
    ReadBack(created: created) { client, instance in try await client.allAccounts(instance: instance).contains { $0.name == name } }
}

struct ShowUsers<P: Phase>: Sendable, Equatable {
    var like: P.Text?
}

extension ShowUsers: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        ShowUsers<Resolved>(like: try like.map { try c.scalar($0, "pattern") })
    }
}

extension ShowUsers: Step where P == Resolved {
    var id: StatementID { .showUsers }
    var text: String { "show users" + (like.map { " like \(SourceText.string($0))" } ?? "") }
    var calls: [PlannedCall] { [PlannedCall(.listAccounts, "list accounts, every page")] }

    func run(in e: isolated Evaluator) async throws -> String? {
        let all = try await e.client.allAccounts(instance: try await e.instanceId())
        await e.sink.table(ShowTables.users(like.map { p in all.filter { SQLLike.matches($0.name, p) } } ?? all))
        return nil
    }
}

struct ShowGrants<P: Phase>: Sendable, Equatable {
    var users: P.Texts
}

extension ShowGrants: StatementSyntax where P == Parsed {
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { ShowGrants<Resolved>(users: try c.accountNames(users)) }
}

extension ShowGrants: Step where P == Resolved {
    var id: StatementID { .showGrants }
    var text: String { "show grants for \(SourceText.names(users))" }
    var calls: [PlannedCall] { [PlannedCall(.listAccounts, "list accounts, every page, the list that shows extended privileges", extended: true)] }

    func run(in e: isolated Evaluator) async throws -> String? {
        // An account's whole grant, extended privileges included: the read that shows them
        // (v1's under auto; v3's with --api-version v3, which cannot).
        let all = try await e.client.allAccounts(instance: try await e.instanceId(), showingExtended: true)
        let missing = users.filter { u in !all.contains { $0.name == u } }
        guard missing.isEmpty else {
            throw EvaluationError.notFound("account\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", "))")
        }
        await e.sink.table(ShowTables.grants(users.compactMap { u in all.first { $0.name == u } }))
        return nil
    }
}

struct CreateUser<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var ifNotExists: Bool
    var password: SecretSource
    /// Compiled: `SELECT` when none is named.
    var privileges: P.Privileges?
    var schemas: P.Texts?
    var comment: P.Text?
    /// `lifetime <days>`: how long the password stays valid (v3's `password_lifetime`).
    var lifetime: P.Number?
}

extension CreateUser: StatementSyntax where P == Parsed {
    /// create user <u> [if not exists] password <secret> [with <privs>] [on <schemas>] [comment '…']
    /// [lifetime <days>], the options in any order
    static func parse(_ p: inout Parser) throws -> Self {
        let n = try p.name("account name")
        let ifNotExists = try p.ifNot()
        try p.expect("password", "after the account name")
        var u = Self(name: n, ifNotExists: ifNotExists, password: try p.secret())
        var seen: Set<String> = []
        while true {
            if p.match("with") { try p.once("with", &seen); u.privileges = try p.list("privilege") }
            else if p.match("on") { try p.once("on", &seen); u.schemas = try p.list("schema name") }
            else if p.match("comment") { try p.once("comment", &seen); u.comment = try p.stringValue("comment") }
            else if p.match("lifetime") { try p.once("lifetime", &seen); u.lifetime = try p.value() }
            else { return u }
        }
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        var base: [BasePermission] = [.select]
        var extended: [ExtendedPermission] = []
        if let p = privileges {
            let parsed = try c.privileges(p)
            if parsed.none { throw Compiler.Failure(.account(.noBasicPrivilege), range: p.range) }
            base = parsed.base
            extended = parsed.extended
            for e in extended {
                if let needed = e.requiredBase, !base.contains(needed) {
                    throw Compiler.Failure(.account(.extendedNeedsBase(e.rawValue, base: needed.rawValue, inGrantExactly: false)), range: p.range)
                }
            }
            guard !base.isEmpty else { throw Compiler.Failure(.account(.noBasicPrivilege), range: p.range) }
        }
        let text = try comment.map { try c.comment($0) }
        let u = CreateUser<Resolved>(name: try c.accountName(name), ifNotExists: ifNotExists, password: password,
                                     privileges: PrivilegeSet(base: base, extended: extended), schemas: try schemas.map { try c.schemaList($0) } ?? [], comment: text,
                                     lifetime: try lifetime.map { try c.lifetime($0) })
        c.declare([u.name])
        return u
    }
}

extension CreateUser: Step where P == Resolved {
    var id: StatementID { .createUser }
    var base: [BasePermission] { privileges?.base ?? [.select] }
    var extended: [ExtendedPermission] { privileges?.extended ?? [] }
    var schemaList: [String] { schemas ?? [] }
    var text: String {
        // Without privileges (undo and export grant them with `grant exactly` after) no `with`.
        "create user \(SourceText.name(name))\(ifNotExists ? " if not exists" : "") password \(SourceText.secret(password))"
            + (privileges.map { " with \($0.text)" } ?? "")
            + (schemaList.isEmpty ? "" : " on \(SourceText.names(schemaList))") + (comment.map { " comment \(SourceText.string($0))" } ?? "")
            + (lifetime.map { " lifetime \($0)" } ?? "")
    }
    var headline: String {
        let privs = PrivilegeSet(base: base, extended: extended).text
        return "create user \(name)\(ifNotExists ? " if not exists" : "") with \(privs)\(schemaList.isEmpty ? "" : " on " + schemaList.joined(separator: ", "))"
    }
    var calls: [PlannedCall] {
        (ifNotExists ? [PlannedCall(.listAccounts, "list accounts, every page")] : [])
            + [PlannedCall(.createAccounts, "create account", extended: !extended.isEmpty)]
    }
    var schemaEffect: SchemaEffect { .needs(schemaList) }
    var readBack: ReadBack? { accountReadBack(name, created: true) }
    var secretCondition: SecretCondition? { ifNotExists ? SecretCondition(object: .account(name), secrets: [password]) : nil }
    var createdAccount: AccountCreation? {
        let account = Account(name: name, baseAuthority: base.map(\.rawValue), extendAuthority: extended.map(\.rawValue),
                              description: comment, databases: schemaList.map { AccountSchema(name: $0) })
        return AccountCreation(account: account, foldable: !ifNotExists) { [self] state in
            var create = self
            create.privileges = PrivilegeSet(base: state.base, extended: state.extended)
            create.schemas = state.schemas
            create.comment = state.comment.isEmpty ? nil : state.comment
            return create
        }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client
        if ifNotExists, try await e.exists(name, in: .accounts, instance: instance, read: { try await e.accounts(instance: instance).map(\.name) }) {
            await e.sink.message("user \(name) already exists")
            return nil
        }
        let base = base, schemas = schemaList
        let state = BatchPlanner.State(base: base, extended: extended, schemas: schemas)
        let what = "\(name) with \(state.privilegeText)" + (schemas.isEmpty ? " (no schemas)" : " on \(state.schemaText)")
        if e.options.dryRun {
            // Later dry-run statements see the account the script would have created.
            e.dryRunAccounts[name] = Account(name: name, baseAuthority: base.map(\.rawValue), extendAuthority: extended.map(\.rawValue),
                                             description: comment, databases: schemas.map { AccountSchema(name: $0) })
            e.dryRunDropped.remove(name)
        }
        let password = try e.secretForWrite(self.password, purpose: "password for \(name)")
        try await e.refuseWeak(password, for: name)
        let request = CreateAccountRequest(name: name, password: password, baseAuthority: base, extendAuthority: extended.isEmpty ? nil : extended,
                                           description: comment, databases: schemas.isEmpty ? nil : schemas, passwordLifetime: lifetime)
        let write = Write(summary: "create user \(what)", journal: .createAccount(name: name)) {
            try await client.createAccounts(instance: instance, [request])
        }
        do {
            guard try await e.perform(write) != nil else { return nil }
        } catch let error as DDMError where ifNotExists && error.code == "DBS.300311" {
            // Another run created it between the read and the create: what was asked holds.
            e.note(name, exists: true, in: .accounts, instance: instance)
            await e.sink.message("user \(name) already exists")
            return nil
        } catch {
            e.note(name, exists: nil, in: .accounts, instance: instance)
            throw error
        }
        e.note(name, exists: true, in: .accounts, instance: instance)
        await e.sink.message("created user \(what)")
        return "created user \(name)"
    }
}

struct AlterUser<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var change: Change

    enum Change: Sendable, Equatable {
        case comment(P.Text)
        case password(SecretSource)
        case lifetime(P.Number)
    }
}

extension AlterUser: StatementSyntax where P == Parsed {
    /// alter user <u> comment '…' | password <secret> | lifetime <days>
    static func parse(_ p: inout Parser) throws -> Self {
        let n = try p.name("account name")
        if p.match("comment") { return Self(name: n, change: .comment(try p.stringValue("comment"))) }
        if p.match("password") { return Self(name: n, change: .password(try p.secret())) }
        if p.match("lifetime") { return Self(name: n, change: .lifetime(try p.value())) }
        throw p.failure(.expected("'comment' or 'password'", after: "the account name", found: p.found))
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        let change: AlterUser<Resolved>.Change = switch change {
        case .comment(let e): .comment(try c.comment(e))
        case .password(let s): .password(s)
        case .lifetime(let e): .lifetime(try c.lifetime(e))
        }
        return AlterUser<Resolved>(name: try c.accountName(name), change: change)
    }
}

extension AlterUser: Step where P == Resolved {
    var id: StatementID {
        switch change {
        case .comment: .alterUserComment
        case .password: .alterUserPassword
        case .lifetime: .alterUserLifetime
        }
    }
    var text: String {
        let what = switch change {
        case .comment(let c): "comment \(SourceText.string(c))"
        case .password(let s): "password \(SourceText.secret(s))"
        case .lifetime(let d): "lifetime \(d)"
        }
        return "alter user \(SourceText.name(name)) \(what)"
    }
    var headline: String {
        switch change {
        case .comment: "alter user \(name) comment"
        case .password: "alter user \(name) password"
        case .lifetime(let d): "alter user \(name) lifetime \(d)"
        }
    }
    var calls: [PlannedCall] {
        switch change {
        case .comment: [PlannedCall(.modifyAccount, "modify account (description)", object: name)]
        case .password: [PlannedCall(.resetPassword, "reset account password", object: name)]
        case .lifetime: [PlannedCall(.modifyAccount, "modify account (password_lifetime, v3 only)", object: name)]
        }
    }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client, user = name
        switch change {
        case .comment(let comment):
            let before = try await e.accountBefore(user, instance: instance)
            let write = Write(summary: "set the comment of \(user)", journal: before.map { .modifyAccount(name: user, before: $0) }) {
                try await client.modifyAccount(instance: instance, name: user, ModifyAccountRequest(description: comment))
            }
            guard try await e.perform(write) != nil else { return nil }
            await e.sink.message("comment of \(user) updated")
            return "updated the comment of \(user)"
        case .password(let source):
            let password = try e.secretForWrite(source, purpose: "new password for \(user)")
            try await e.refuseWeak(password, for: user)
            let write = Write(summary: "reset the password of \(user)", journal: .change(instance, "reset the password of \(user)")) {
                try await client.resetPassword(instance: instance, account: user, password: password)
            }
            guard try await e.perform(write) != nil else { return nil }
            await e.sink.message("password of \(user) reset")
            return "reset the password of \(user)"
        case .lifetime(let days):
            let write = Write(summary: "set the password lifetime of \(user) to \(days == 0 ? "never expire" : "\(days) days")",
                              journal: .change(instance, "set the password lifetime of \(user) to \(days) days")) {
                try await client.modifyAccount(instance: instance, name: user, ModifyAccountRequest(passwordLifetime: days))
            }
            guard try await e.perform(write) != nil else { return nil }
            await e.sink.message("password lifetime of \(user): \(days == 0 ? "never expires" : "\(days) days")")
            return "set the password lifetime of \(user)"
        }
    }
}

struct DropUser<P: Phase>: Sendable, Equatable {
    var name: P.Text
    var ifExists: Bool
}

extension DropUser: StatementSyntax where P == Parsed {
    /// drop user <u> [if exists]
    static func parse(_ p: inout Parser) throws -> Self { Self(name: try p.name("account name"), ifExists: try p.ifExists()) }
    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step { DropUser<Resolved>(name: try c.accountName(name), ifExists: ifExists) }
}

extension DropUser: Step where P == Resolved {
    var id: StatementID { .dropUser }
    var text: String { "drop user \(SourceText.name(name))\(ifExists ? " if exists" : "")" }
    var calls: [PlannedCall] { [PlannedCall(.listAccounts, "list accounts, every page: is it there, and its grants for the journal"), PlannedCall(.deleteAccount, "delete account", object: name)] }
    var readBack: ReadBack? { accountReadBack(name, created: false) }

    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let user = name, client = e.client
        // One read, the same in a dry run and a run: whether there is anything to drop, and what
        // the journal keeps.
        let existing = try await e.accounts(instance: instance).first { $0.name == user }
        let present = e.options.dryRun ? (existing != nil || e.dryRunAccounts[user] != nil) && !e.dryRunDropped.contains(user) : existing != nil
        if !present && ifExists {
            await e.sink.message("user \(user) does not exist; nothing to drop")
            return nil
        }
        // The run sends the delete all the same, so DDM's own refusal (its code, the audit
        // record) is what it reports; the dry run says what that refusal will be.
        if !present && e.options.dryRun { throw e.refusal(.notFound("account '\(user)'", focus: user)) }
        if e.options.dryRun {
            e.dryRunAccounts[user] = nil
            e.dryRunDropped.insert(user)
        }
        let before = await e.journalForWrites() == nil ? nil : existing.map { BatchPlanner.State($0).journaled }
        do {
            let dropped = try await e.drop("user \(user)", ifExists: ifExists, Write(
                summary: "drop user \(user)", question: "drop user \(user)? undo can recreate it, but not its password",
                journal: before.map { .dropAccount(name: user, before: $0) }) {
                _ = try await client.deleteAccount(instance: instance, name: user)
            })
            if dropped != nil { e.note(user, exists: false, in: .accounts, instance: instance) }
            return dropped
        } catch {
            e.note(user, exists: nil, in: .accounts, instance: instance)
            throw error
        }
    }
}

struct DeclareUsersComplete<P: Phase>: Sendable, Equatable {
    /// The accounts the script declared before it (`create user`, `grant exactly`): known once compiled.
    var declared: [String] = []
    var dropUndeclared: Bool
}

extension DeclareUsersComplete: StatementSyntax where P == Parsed {
    /// declare users complete [drop undeclared]
    static func parse(_ p: inout Parser) throws -> Self {
        try p.expect("users", "after 'declare'"); try p.expect("complete", "after 'declare users'")
        guard p.match("drop") else { return Self(dropUndeclared: false) }
        try p.expect("undeclared", "after 'drop'")
        return Self(dropUndeclared: true)
    }

    func compile(_ c: inout Compiler, _ range: SourceRange) throws -> any Step {
        DeclareUsersComplete<Resolved>(declared: c.declaredUsers, dropUndeclared: dropUndeclared)
    }
}

extension DeclareUsersComplete: Step where P == Resolved {
    var id: StatementID { .declareUsersComplete }
    var text: String { "declare users complete" + (dropUndeclared ? " drop undeclared" : "") }
    var headline: String { "declare users complete (\(declared.count) declared)\(dropUndeclared ? " drop undeclared" : "")" }
    var calls: [PlannedCall] {
        [PlannedCall(.listAccounts, "list accounts, every page")]
            + (dropUndeclared ? [PlannedCall(.deleteAccount, "delete account, once per account the script does not declare")] : [])
    }

    /// Accounts that exist but that the script did not declare: drift, dropped only when asked.
    func run(in e: isolated Evaluator) async throws -> String? {
        let instance = try await e.instanceId()
        let client = e.client
        let accounts = try await e.accounts(instance: instance)
        if !e.options.dryRun { e.known[.accounts] = KnownNames(instance: instance, names: Set(accounts.map(\.name))) }
        var live = accounts.map(\.name)
        if e.options.dryRun {
            // What earlier dry-run statements would have created or dropped.
            live.removeAll { e.dryRunDropped.contains($0) }
            live += e.dryRunAccounts.keys.filter { !live.contains($0) }
        }
        let wanted = Set(declared)
        let undeclared = live.filter { !wanted.contains($0) }.sorted()
        guard !undeclared.isEmpty else {
            await e.sink.message("users complete: every account is declared")
            return nil
        }
        let names = undeclared.joined(separator: ", ")
        guard dropUndeclared else {
            await e.sink.message("undeclared account\(undeclared.count == 1 ? "" : "s"): \(names) (not in this script; 'declare users complete drop undeclared;' drops them)")
            if e.options.dryRun { e.countWouldChange(undeclared.count) }
            return nil
        }
        if await e.declined("drop \(undeclared.count) undeclared user\(undeclared.count == 1 ? "" : "s") (\(names))? undo can recreate them, but not their passwords") {
            return nil
        }
        var dropped: [String] = []
        for user in undeclared {
            if e.options.dryRun { e.dryRunDropped.insert(user); e.dryRunAccounts[user] = nil }
            // The list read above is the before-state: no read per account.
            let before = accounts.first { $0.name == user }.map { BatchPlanner.State($0).journaled }
            if try await e.drop("user \(user)", ifExists: true, Write(summary: "drop undeclared user \(user)",
                                                                       journal: before.map { .dropAccount(name: user, before: $0) }) {
                _ = try await client.deleteAccount(instance: instance, name: user)
            }) != nil { dropped.append(user); e.note(user, exists: false, in: .accounts, instance: instance) }
        }
        return dropped.isEmpty ? nil : "dropped undeclared user\(dropped.count == 1 ? "" : "s") \(dropped.joined(separator: ", "))"
    }
}
