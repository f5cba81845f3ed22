import Foundation

/// Accounts: create, list, modify, delete, reset password.
///
/// Each operation: its entry (the SDK's names and the routes `explain` prints), the request
/// builders (v1/v2 and v3; method, path, query and body from the SDK's `_<op>_http_info` and
/// request models, `huaweicloudsdkddm` 3.1.219) and the typed call (docs/architecture.md).
extension DDMOperationID {
    static let accounts: [DDMOperationID] = [.createAccounts, .listAccounts, .modifyAccount, .deleteAccount, .resetPassword]

    public static let createAccounts = DDMOperationID("createAccounts", sdk: "create_users", v3: "create_ddm_user") { api, at in
        Routes(api.createAccounts(instance: at.instance, []),
               v3: api.createAccountV3(instance: at.instance, CreateAccountRequest(name: "", password: "", baseAuthority: [])))
    }

    public static let listAccounts = DDMOperationID("listAccounts", sdk: "list_users", v3: "list_ddm_users") { api, at in
        Routes(api.listAccounts(instance: at.instance),
               v3: api.listAccountsV3(instance: at.instance))
    }

    public static let modifyAccount = DDMOperationID("modifyAccount", sdk: "update_user", v3: "update_ddm_user") { api, at in
        Routes(try! api.modifyAccount(instance: at.instance, name: at.object ?? "{name}", ModifyAccountRequest(description: "")),
               v3: try? api.modifyAccountV3(instance: at.instance, name: at.object ?? "{name}", ModifyAccountRequest(description: "")))
    }

    public static let deleteAccount = DDMOperationID("deleteAccount", sdk: "delete_user", v3: "delete_ddm_user") { api, at in
        Routes(api.deleteAccount(instance: at.instance, name: at.object ?? "{name}"),
               v3: api.deleteAccountV3(instance: at.instance, name: at.object ?? "{name}"))
    }

    public static let resetPassword = DDMOperationID("resetPassword", sdk: "reset_user_password", v3: "reset_ddm_user_password") { api, at in
        Routes(api.resetPassword(instance: at.instance, account: at.object ?? "{name}", password: ""),
               v3: api.resetPasswordV3(instance: at.instance, account: at.object ?? "{name}", password: ""))
    }
}

extension DDMAPI {
    private struct CreateUsersBody: Encodable { var users: [CreateAccountRequest] }

    public func createAccounts(instance: String, _ accounts: [CreateAccountRequest]) -> DDMOperation<CreateAccountsResult> {
        DDMOperation(name: "create account", method: "POST", path: v1("instances", instance, "users"),
                  body: JSONBody.encode(CreateUsersBody(users: accounts)),
                  repeatability: .create(check: { client in
                      let existing = Set(try await client.allAccounts(instance: instance).map(\.name))
                      guard accounts.allSatisfy({ existing.contains($0.name) }) else { return nil }
                      return CreateAccountsResult(users: accounts.map { NameOnly(name: $0.name) })
                  }))
    }

    public func listAccounts(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AccountPage> {
        DDMOperation(name: "list accounts", method: "GET", path: v1("instances", instance, "users"),
                  query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct ModifyUserBody: Encodable { var user: ModifyAccountRequest }

    /// Checks the seed's rules first and throws a `DDMError` naming the broken rule.
    public func modifyAccount(instance: String, name: String, _ change: ModifyAccountRequest) throws -> DDMOperation<NameResult> {
        try ModifyAccountRules.check(change)
        return DDMOperation(name: "modify account", method: "PUT", path: v1("instances", instance, "users", name),
                         body: JSONBody.encode(ModifyUserBody(user: change)), repeatability: .safe)
    }

    public func deleteAccount(instance: String, name: String) -> DDMOperation<NameResult> {
        DDMOperation(name: "delete account", method: "DELETE", path: v1("instances", instance, "users", name), repeatability: .safe)
    }

    private struct PasswordBody: Encodable { var password: String }

    public func resetPassword(instance: String, account: String, password: String) -> DDMOperation<PasswordResetResult> {
        DDMOperation(name: "reset account password", method: "POST",
                  path: v2("instances", instance, "users", account, "password"),
                  body: JSONBody.encode(PasswordBody(password: password)), repeatability: .safe)
    }

    private struct CreateUserV3Body: Encodable {
        var name: String
        var password: String
        var base_authority: [String]
        var description: String?
        var databases: [NameOnly]?
        var password_lifetime: Int?
    }

    /// One account per call in v3.
    func createAccountV3(instance: String, _ a: CreateAccountRequest) -> DDMOperation<Empty>? {
        guard (a.extendAuthority ?? []).isEmpty else { return nil }
        let body = CreateUserV3Body(name: a.name, password: a.password, base_authority: a.baseAuthority.map(\.rawValue),
                                    description: a.description, databases: a.databases, password_lifetime: a.passwordLifetime)
        return DDMOperation(name: "create account", method: "POST", path: v3("instances", instance, "users"),
                            body: JSONBody.encode(body), repeatability: createAccounts(instance: instance, [a]).repeatability.answering { _ in Empty() })
    }

    func listAccountsV3(instance: String, offset: Int? = nil, limit: Int? = nil) -> DDMOperation<AccountPageV3> {
        DDMOperation(name: "list accounts", method: "GET", path: v3("instances", instance, "users"),
                     query: pageQuery(offset: offset, limit: limit), repeatability: .safe)
    }

    private struct UpdateUserV3Body: Encodable {
        var base_authority: [String]?
        var description: String?
        var databases: [NameOnly]?
        var password_lifetime: Int?
    }

    /// An empty extended set is nothing to say in v3, which has none.
    func modifyAccountV3(instance: String, name: String, _ c: ModifyAccountRequest) throws -> DDMOperation<Empty>? {
        try ModifyAccountRules.check(c)
        // v3's body has no extended privileges: a change to them (an empty list included, which
        // takes them all away) is v1's.
        guard c.extendAuthority == nil else { return nil }
        let body = UpdateUserV3Body(base_authority: c.baseAuthority?.map(\.rawValue), description: c.description, databases: c.databases,
                                    password_lifetime: c.passwordLifetime)
        return DDMOperation(name: "modify account", method: "PUT", path: v3("instances", instance, "users", name),
                            body: JSONBody.encode(body), repeatability: .safe)
    }

    func deleteAccountV3(instance: String, name: String) -> DDMOperation<Empty> {
        DDMOperation(name: "delete account", method: "DELETE", path: v3("instances", instance, "users", name), repeatability: .safe)
    }

    private struct PasswordV3Body: Encodable { var password: String }

    func resetPasswordV3(instance: String, account: String, password: String) -> DDMOperation<Empty> {
        DDMOperation(name: "reset account password", method: "POST", path: v3("instances", instance, "users", account, "password"),
                     body: JSONBody.encode(PasswordV3Body(password: password)), repeatability: .safe)
    }
}

extension DDMClient {
    /// v3 creates one account per call. Extended privileges exist only in v1: `auto` sends a
    /// request that carries them to v1 (the call that can do it), and reads that must show them
    /// (`allAccounts(instance:showingExtended:)`) go there too; `v3` refuses them.
    @discardableResult
    public func createAccounts(instance: String, _ accounts: [CreateAccountRequest]) async throws -> CreateAccountsResult {
        let v3 = accounts.map { api.createAccountV3(instance: instance, $0) }
        return try await versioned(.createAccounts, gap: DDMAPI.V3Gap.extended,
                                   v3: v3.contains { $0 == nil } ? nil : {
            for case let op? in v3 { _ = try await self.send(op) }
            return CreateAccountsResult(users: accounts.map { NameOnly(name: $0.name) })
        }, older: {
            guard accounts.allSatisfy({ $0.passwordLifetime == nil }) else { throw Self.onlyV3(.createAccounts, DDMAPI.V3Gap.lifetime) }
            return try await send(api.createAccounts(instance: instance, accounts))
        })
    }
    /// - Parameter showingExtended: the read must show extended privileges, which only v1's
    ///   list does: under `auto` it goes there (v3 is used only with `--api-version v3`).
    public func listAccounts(instance: String, offset: Int? = nil, limit: Int? = nil, showingExtended: Bool = false) async throws -> AccountPage {
        try await versioned(.listAccounts, gap: DDMAPI.V3Gap.extended, v3: showingExtended && configuration.apiVersion == .auto ? nil : {
            try await self.send(self.api.listAccountsV3(instance: instance, offset: offset, limit: limit)).common
        }, older: { try await send(api.listAccounts(instance: instance, offset: offset, limit: limit)) })
    }
    @discardableResult
    public func modifyAccount(instance: String, name: String, _ change: ModifyAccountRequest) async throws -> NameResult {
        let v3 = try api.modifyAccountV3(instance: instance, name: name, change)
        return try await versioned(.modifyAccount, gap: DDMAPI.V3Gap.extended, v3: v3.map { op in {
            _ = try await self.send(op)
            return NameResult(name: name)
        } }, older: {
            guard change.passwordLifetime == nil else { throw Self.onlyV3(.modifyAccount, DDMAPI.V3Gap.lifetime) }
            return try await send(try api.modifyAccount(instance: instance, name: name, change))
        })
    }
    @discardableResult
    public func deleteAccount(instance: String, name: String) async throws -> NameResult {
        try await versioned(.deleteAccount, v3: {
            _ = try await self.send(self.api.deleteAccountV3(instance: instance, name: name))
            return NameResult(name: name)
        }, older: { try await send(api.deleteAccount(instance: instance, name: name)) })
    }
    @discardableResult
    public func resetPassword(instance: String, account: String, password: String) async throws -> PasswordResetResult {
        try await versioned(.resetPassword, v3: {
            _ = try await self.send(self.api.resetPasswordV3(instance: instance, account: account, password: password))
            return PasswordResetResult(success: true, instanceId: instance, userName: account)
        }, older: { try await send(api.resetPassword(instance: instance, account: account, password: password)) })
    }
    public func allAccounts(instance: String, showingExtended: Bool = false) async throws -> [Account] {
        // An endpoint known to refuse v1's list is not asked again (learned per endpoint, like
        // a missing v3 call).
        var extended = showingExtended
        if extended, configuration.apiVersion == .auto, await router.withoutOlder.contains(.listAccounts) { extended = false }
        return try await collectPages { offset, limit in
            let p: AccountPage
            do {
                p = try await self.listAccounts(instance: instance, offset: offset, limit: limit, showingExtended: extended)
            } catch let e as DDMError where extended && e.isMissingAPI {
                // An endpoint without v1's list: v3's is all there is, extended privileges unseen.
                if self.configuration.apiVersion == .auto { await self.router.olderMissing(.listAccounts) }
                extended = false
                p = try await self.listAccounts(instance: instance, offset: offset, limit: limit)
            }
            return (p.users, p.totalRecord)
        }
    }
}
