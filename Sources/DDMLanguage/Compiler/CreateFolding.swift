import DDMKit

extension Compiler {
    /// A `create user` followed by grants to the new account, with nothing but other creates and
    /// grants between them, is sent with the account's final privileges: one call where there
    /// were two (a create, then the batch's read and modify), and calls are DDM's budget.
    ///
    /// Not folded: `create user … if not exists` (the account may be there already, and then the
    /// grants must still reach it), a grant that also names an account not created just before
    /// (it must fail whole if that one does not exist), and any account whose changes the batch planner would refuse,
    /// comment on, or leave without a basic privilege: those run as written, so what they report
    /// stays the same.
    static func foldCreates(_ steps: [PlanStep]) -> [PlanStep] {
        var out: [PlanStep] = []
        // Creates that later grants may still join: account → index in `out`.
        var pending: [String: Int] = [:]
        for step in steps {
            switch step.action {
            case .step(let s) where s is CreateUser<Resolved>:
                let create = s as! CreateUser<Resolved>
                if !create.ifNotExists { pending[create.name] = out.count }
                out.append(step)
            case .batch(var changes) where !pending.isEmpty:
                let created = Set(pending.keys)
                for (name, index) in pending {
                    // A statement that also names another account stays whole: when that account
                    // turns out not to exist, the statement fails without changing anyone.
                    let involving = changes.filter { $0.users.contains(name) }
                    guard involving.allSatisfy({ Set($0.users).isSubset(of: created) }),
                          case .step(let s) = out[index].action, var create = s as? CreateUser<Resolved>,
                          let folded = folded(create, involving) else { continue }
                    create.privileges = PrivilegeSet(base: folded.base, extended: folded.extended)
                    create.schemas = folded.schemas
                    create.comment = folded.comment.isEmpty ? nil : folded.comment
                    out[index].action = .step(create)
                    changes = changes.compactMap { change in
                        var c = change
                        c.users.removeAll { $0 == name }
                        return c.users.isEmpty ? nil : c
                    }
                }
                if !changes.isEmpty { out.append(PlanStep(action: .batch(changes), range: step.range, file: step.file)) }
            default:
                // Anything else may read or change the account, or move to another instance.
                pending = [:]
                out.append(step)
            }
        }
        return out
    }

    /// The account's state after `changes`, applied to it as created; nil when they cannot be
    /// folded into the create.
    private static func folded(_ create: CreateUser<Resolved>, _ changes: [Change]) -> BatchPlanner.State? {
        guard !changes.isEmpty else { return nil }
        let account = Account(name: create.name, baseAuthority: create.base.map(\.rawValue), extendAuthority: create.extended.map(\.rawValue),
                              description: create.comment, databases: create.schemaList.map { AccountSchema(name: $0) })
        let own = changes.map { c -> Change in
            var c = c
            c.users = [create.name]
            return c
        }
        let outcome = BatchPlanner.plan(own, accounts: [account])
        guard outcome.errors.isEmpty, outcome.notes.isEmpty, let after = outcome.targets.first?.after, !after.base.isEmpty else { return nil }
        return after
    }
}
