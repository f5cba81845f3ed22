import DDMKit

/// Computes each account's final state from a batch of grant/revoke changes,
/// applied in order to the accounts as read once. Pure: no network.
public struct BatchPlanner: Sendable {
    public struct State: Sendable, Equatable {
        /// In canonical order (the planner keeps it so), so that two states compare equal whatever
        /// order they were read in.
        public var privileges: PrivilegeSet
        public var base: [BasePermission] { get { privileges.base } set { privileges.base = newValue } }
        public var extended: [ExtendedPermission] { get { privileges.extended } set { privileges.extended = newValue } }
        public var schemas: [String]
        /// The account's description; changed only by `grant exactly … comment`.
        public var comment: String

        public init(base: [BasePermission], extended: [ExtendedPermission], schemas: [String], comment: String = "") {
            privileges = PrivilegeSet(base: base, extended: extended).canonical; self.schemas = schemas; self.comment = comment
        }

        // Every permission as read, known or not: the modify call replaces the whole set, so one
        // left out here would be revoked by a grant of something else.
        init(_ a: Account) {
            self.init(base: (a.baseAuthority ?? []).map(BasePermission.init(rawValue:)),
                      extended: (a.extendAuthority ?? []).map(ExtendedPermission.init(rawValue:)),
                      schemas: a.schemaNames.map { $0.lowercased() }, comment: a.description ?? "")
        }

        public var privilegeText: String { privileges.stateText }
        public var schemaText: String { schemas.isEmpty ? "(none)" : schemas.joined(separator: ",") }

        /// The same grants as read back: extended privileges are left out, since not every
        /// generation of the API shows them on a read.
        func sameGrants(as other: State) -> Bool {
            base == other.base && Set(schemas) == Set(other.schemas) && comment == other.comment
        }

        /// As the journal keeps it.
        var journaled: Journal.AccountState {
            Journal.AccountState(privileges: privileges.words, schemas: schemas, comment: comment)
        }
    }

    public struct Target: Sendable, Equatable {
        public var account: String
        public var before: State
        public var after: State
        public var changed: Bool { before != after }
        /// `app: SELECT on orders -> INSERT,SELECT on orders`, as reports list a change.
        public var changeText: String {
            "\(account): \(before.privilegeText) on \(before.schemaText) -> \(after.privilegeText) on \(after.schemaText)"
        }
    }

    public struct Outcome: Sendable {
        /// In the order accounts first appear in the batch.
        public var targets: [Target]
        /// Plan-time errors, with the change they come from.
        public var errors: [(change: Change, message: String, account: String)]
        /// Honest notes about account-wide permissions.
        public var notes: [String]
    }

    public static func plan(_ changes: [Change], accounts: [Account]) -> Outcome {
        var byName: [String: Account] = [:]
        for a in accounts { byName[a.name] = a }
        var states: [String: State] = [:]
        var order: [String] = []
        var errors: [(Change, String, String)] = []
        var notes: [String] = []
        var failed: Set<String> = []

        for change in changes {
            for user in change.users {
                guard let account = byName[user] else {
                    if !failed.contains(user) {
                        errors.append((change, "account '\(user)' does not exist", user))
                        failed.insert(user)
                    }
                    continue
                }
                if states[user] == nil { states[user] = State(account); order.append(user) }
                var s = states[user]!
                switch apply(change, to: &s, user: user) {
                case .failure(let message):
                    errors.append((change, message, user))
                    failed.insert(user)
                case .success(let note):
                    if let note { notes.append(note) }
                    states[user] = s
                }
            }
        }
        let targets = order.filter { !failed.contains($0) }.map { name in
            Target(account: name, before: State(byName[name]!), after: states[name]!)
        }
        return Outcome(targets: targets, errors: errors, notes: notes)
    }

    enum Applied { case success(String?), failure(String) }

    static func apply(_ c: Change, to s: inout State, user: String) -> Applied {
        let privs = c.privilegeText
        switch c.kind {
        case .grant:
            let newSchemas = (c.schemas ?? []).filter { !s.schemas.contains($0) }
            let others = s.schemas.filter { !(c.schemas ?? []).contains($0) }
            s.base = Array(Set(s.base).union(c.base)).sorted()
            s.extended = Array(Set(s.extended).union(c.extended)).sorted()
            for e in s.extended {
                if let needed = e.requiredBase, !s.base.contains(needed) {
                    return .failure("\(e.rawValue) needs \(needed.rawValue): grant \(needed.rawValue) to \(user) as well")
                }
            }
            s.schemas += newSchemas
            if !others.isEmpty, !(c.base.isEmpty && c.extended.isEmpty) {
                return .success("\(user): permissions are account-wide, so \(privs) also applies to \(others.joined(separator: ", "))")
            }
            return .success(nil)
        case .set:
            // Permissions the language cannot name are kept: dropping them would be the silent
            // loss a full-state write risks (see `BasePermission`).
            let unknownBase = s.base.filter { !$0.isKnown }, unknownExtended = s.extended.filter { !$0.isKnown }
            s.base = Array(Set(c.base + unknownBase)).sorted()
            s.extended = Array(Set(c.extended + unknownExtended)).sorted()
            let wanted = c.schemas ?? []
            if Set(wanted) != Set(s.schemas) { s.schemas = wanted }
            if let comment = c.comment { s.comment = comment }
            if !unknownBase.isEmpty || !unknownExtended.isEmpty {
                let kept = unknownBase.map(\.rawValue) + unknownExtended.map(\.rawValue)
                return .success("\(user): keeps \(kept.joined(separator: ", ")), which ddmsh cannot grant or revoke")
            }
            return .success(nil)
        case .revoke:
            if let schemas = c.schemas {
                if c.all {
                    // `revoke all on S` detaches S; the account's permission set stays.
                    s.schemas.removeAll { schemas.contains($0) }
                    return .success(nil)
                }
                // A schema the account does not reach has nothing to revoke: taken as the account's
                // whole set it would revoke the privilege everywhere (a schema that does not exist
                // revoked SELECT from an account with none attached).
                let unreached = schemas.filter { !s.schemas.contains($0) }
                guard unreached.isEmpty else {
                    return .failure("""
                        \(user) does not reach \(unreached.joined(separator: ", ")): nothing to revoke there; DDM permissions are \
                        account-wide, so 'revoke \(privs) from \(user);' revokes them on every schema
                        """)
                }
                let uncovered = s.schemas.filter { !schemas.contains($0) }
                guard uncovered.isEmpty else {
                    return .failure("""
                        cannot revoke \(privs) on \(schemas.joined(separator: ", ")) from \(user): DDM permissions are account-wide \
                        and \(user) also reaches \(uncovered.joined(separator: ", ")); either 'revoke \(privs) from \(user);' \
                        (every schema) or 'revoke all on \(schemas.joined(separator: ", ")) from \(user);' (detach the schema)
                        """)
                }
            }
            s.base.removeAll { c.base.contains($0) }
            s.extended.removeAll { c.extended.contains($0) }
            let orphaned = s.extended.filter { e in e.requiredBase.map { !s.base.contains($0) } ?? false }
            s.extended.removeAll { orphaned.contains($0) }
            if !orphaned.isEmpty {
                return .success("\(user): \(orphaned.map(\.rawValue).joined(separator: ", ")) removed with its basic privilege")
            }
            return .success(nil)
        }
    }
}
