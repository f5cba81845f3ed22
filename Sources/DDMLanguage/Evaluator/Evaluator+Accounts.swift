import DDMKit

/// Account statements (grant and revoke run as batches, in `BatchRunner`).
extension Evaluator {
    func createUser(_ u: UserPlan) async throws -> String? {
        let instance = try await instanceId()
        if u.ifNotExists, try await client.allAccounts(instance: instance).contains(where: { $0.name == u.name }) {
            await sink.message("user \(u.name) already exists")
            return nil
        }
        let state = BatchPlanner.State(base: u.base, extended: u.extended, schemas: u.schemas)
        let what = "\(u.name) with \(state.privilegeText)" + (u.schemas.isEmpty ? " (no schemas)" : " on \(state.schemaText)")
        if options.dryRun {
            // Later dry-run statements see the account the script would have created.
            dryRunAccounts[u.name] = Account(name: u.name, baseAuthority: u.base.map(\.rawValue), extendAuthority: u.extended.map(\.rawValue),
                                             description: u.comment, databases: u.schemas.map { AccountSchema(name: $0) })
            dryRunDropped.remove(u.name)
        }
        let password = try secretForWrite(u.password, purpose: "password for \(u.name)")
        let client = self.client
        let write = Write(summary: "create user \(what)", journal: .createAccount(name: u.name)) {
            try await client.createAccounts(instance: instance, [CreateAccountRequest(
                name: u.name, password: password, baseAuthority: u.base, extendAuthority: u.extended.isEmpty ? nil : u.extended,
                description: u.comment, databases: u.schemas.isEmpty ? nil : u.schemas, passwordLifetime: u.passwordLifetime)])
        }
        guard try await perform(write) != nil else { return nil }
        await sink.message("created user \(what)")
        return "created user \(u.name)"
    }

    func alterUserComment(_ user: String, _ comment: String) async throws -> String? {
        let instance = try await instanceId()
        let before = try await accountBefore(user, instance: instance)
        let client = self.client
        let write = Write(summary: "set the comment of \(user)", journal: before.map { .modifyAccount(name: user, before: $0) }) {
            try await client.modifyAccount(instance: instance, name: user, ModifyAccountRequest(description: comment))
        }
        guard try await perform(write) != nil else { return nil }
        await sink.message("comment of \(user) updated")
        return "updated the comment of \(user)"
    }

    func alterUserLifetime(_ user: String, _ days: Int) async throws -> String? {
        let instance = try await instanceId()
        let client = self.client
        let write = Write(summary: "set the password lifetime of \(user) to \(days == 0 ? "never expire" : "\(days) days")",
                          journal: .change(instance, "set the password lifetime of \(user) to \(days) days")) {
            try await client.modifyAccount(instance: instance, name: user, ModifyAccountRequest(passwordLifetime: days))
        }
        guard try await perform(write) != nil else { return nil }
        await sink.message("password lifetime of \(user): \(days == 0 ? "never expires" : "\(days) days")")
        return "set the password lifetime of \(user)"
    }

    func alterUserPassword(_ user: String, _ source: SecretSource) async throws -> String? {
        let instance = try await instanceId()
        let password = try secretForWrite(source, purpose: "new password for \(user)")
        let client = self.client
        let write = Write(summary: "reset the password of \(user)", journal: .change(instance, "reset the password of \(user)")) {
            try await client.resetPassword(instance: instance, account: user, password: password)
        }
        guard try await perform(write) != nil else { return nil }
        await sink.message("password of \(user) reset")
        return "reset the password of \(user)"
    }

    func dropUser(_ user: String, ifExists: Bool) async throws -> String? {
        let instance = try await instanceId()
        if options.dryRun {
            dryRunAccounts[user] = nil
            dryRunDropped.insert(user)
        }
        let before = try await accountBefore(user, instance: instance)
        let client = self.client
        return try await drop("user \(user)", ifExists: ifExists, Write(
            summary: "drop user \(user)", question: "drop user \(user)? undo can recreate it, but not its password",
            journal: before.map { .dropAccount(name: user, before: $0) }) {
            _ = try await client.deleteAccount(instance: instance, name: user)
        })
    }

    /// An account's state before a write that changes it outside a batch, when a journal is kept.
    func accountBefore(_ user: String, instance: String) async throws -> Journal.AccountState? {
        guard await journalForWrites() != nil else { return nil }
        return try await client.allAccounts(instance: instance).first { $0.name == user }.map { BatchPlanner.State($0).journaled }
    }

    /// Accounts that exist but that the script did not declare: drift, dropped only when asked.
    func declareUsersComplete(_ declared: [String], dropUndeclared: Bool) async throws -> String? {
        let instance = try await instanceId()
        let accounts = try await client.allAccounts(instance: instance)
        var live = accounts.map(\.name)
        if options.dryRun {
            // What earlier dry-run statements would have created or dropped.
            live.removeAll { dryRunDropped.contains($0) }
            live += dryRunAccounts.keys.filter { !live.contains($0) }
        }
        let wanted = Set(declared)
        let undeclared = live.filter { !wanted.contains($0) }.sorted()
        guard !undeclared.isEmpty else {
            await sink.message("users complete: every account is declared")
            return nil
        }
        let names = undeclared.joined(separator: ", ")
        guard dropUndeclared else {
            await sink.message("undeclared account\(undeclared.count == 1 ? "" : "s"): \(names) (not in this script; 'declare users complete drop undeclared;' drops them)")
            if options.dryRun { wouldChange += undeclared.count }
            return nil
        }
        if await declined("drop \(undeclared.count) undeclared user\(undeclared.count == 1 ? "" : "s") (\(names))? undo can recreate them, but not their passwords") {
            return nil
        }
        var dropped: [String] = []
        let client = self.client
        for user in undeclared {
            if options.dryRun { dryRunDropped.insert(user); dryRunAccounts[user] = nil }
            // The list read above is the before-state: no read per account.
            let before = accounts.first { $0.name == user }.map { BatchPlanner.State($0).journaled }
            if try await drop("user \(user)", ifExists: true, Write(summary: "drop undeclared user \(user)",
                                                                     journal: before.map { .dropAccount(name: user, before: $0) }) {
                _ = try await client.deleteAccount(instance: instance, name: user)
            }) != nil { dropped.append(user) }
        }
        return dropped.isEmpty ? nil : "dropped undeclared user\(dropped.count == 1 ? "" : "s") \(dropped.joined(separator: ", "))"
    }

    func export(_ e: ExportPlan) async throws -> String? {
        let instance = try await instanceId()
        let schemas = e.scope.schemas ? try await client.allSchemas(instance: instance) : []
        // An export is the whole state: the read that shows extended privileges (v1's, under auto).
        let accounts = e.scope.users ? try await client.allAccounts(instance: instance, showingExtended: true) : []
        let parameters = e.scope.parameters ? try await client.allParameters(instance: instance) : []
        let header = Exporter.Header(instance: currentInstance?.name ?? instance, time: options.clock(), version: DDMClient.version)
        let text = Exporter.script(header, scope: e.scope, passwords: e.passwords, schemas: schemas, accounts: accounts, parameters: parameters)
        guard let path = e.path else {
            await sink.message(String(text.dropLast()))
            return nil
        }
        do {
            try ExportFile.write(text, to: path)
        } catch {
            throw EvaluationError("cannot write '\(path)': \(error.localizedDescription)", kind: .failed)
        }
        func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }
        let parts = (e.scope.schemas ? [count(schemas.count, "schema")] : []) + (e.scope.users ? [count(accounts.count, "account")] : [])
            + (e.scope.parameters ? [count(parameters.filter { !$0.isReadOnly }.count, "parameter")] : [])
        await sink.message("exported " + ListFormat.and(parts) + " to \(path)")
        return nil
    }
}
