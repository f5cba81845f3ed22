import DDMKit

/// An account a step creates, as grants right after it may find it (`create user`).
public struct AccountCreation: Sendable {
    /// The account as the step creates it.
    var account: Account
    /// False for `create user … if not exists`: the account may be there already, and then the
    /// grants must still reach it.
    var foldable: Bool
    /// The same step, creating the account in `state` instead.
    var creating: @Sendable (BatchPlanner.State) -> any Step
}

extension Compiler {
    /// A `create user` followed by grants to the new account, with nothing but other creates and
    /// grants between them, is sent with the account's final privileges: one call where there
    /// were two (a create, then the batch's read and modify), and calls are DDM's budget.
    ///
    /// Not folded: `create user … if not exists`, a grant that also names an account not created
    /// just before (it must fail whole if that one does not exist), and any account whose changes
    /// the batch planner would refuse, comment on, or leave without a basic privilege: those run
    /// as written, so what they report stays the same.
    static func foldCreates(_ steps: [PlanStep]) -> [PlanStep] {
        var out: [PlanStep] = []
        // Creates that later grants may still join: account → index in `out`.
        var pending: [String: Int] = [:]
        for step in steps {
            if let creation = step.step.createdAccount {
                if creation.foldable { pending[creation.account.name] = out.count }
                out.append(step)
            } else if var changes = step.step.grants?.changes, !pending.isEmpty {
                let created = Set(pending.keys)
                for (name, index) in pending {
                    // A statement that also names another account stays whole: when that account
                    // turns out not to exist, the statement fails without changing anyone.
                    let involving = changes.filter { $0.users.contains(name) }
                    guard involving.allSatisfy({ Set($0.users).isSubset(of: created) }),
                          let creation = out[index].step.createdAccount, let state = folded(creation.account, involving) else { continue }
                    out[index].step = creation.creating(state)
                    changes = changes.compactMap { change in
                        var c = change
                        c.users.removeAll { $0 == name }
                        return c.users.isEmpty ? nil : c
                    }
                }
                if !changes.isEmpty { out.append(PlanStep(GrantBatch(changes, range: step.range), range: step.range, file: step.file)) }
            } else {
                // Anything else may read or change the account, or move to another instance.
                pending = [:]
                out.append(step)
            }
        }
        return out
    }

    /// The account's state after `changes`, applied to it as created; nil when they cannot be
    /// folded into the create.
    private static func folded(_ account: Account, _ changes: [Change]) -> BatchPlanner.State? {
        guard !changes.isEmpty else { return nil }
        let own = changes.map { c -> Change in
            var c = c
            c.users = [account.name]
            return c
        }
        let outcome = BatchPlanner.plan(own, accounts: [account])
        guard outcome.errors.isEmpty, outcome.notes.isEmpty, let after = outcome.targets.first?.after, !after.base.isEmpty else { return nil }
        return after
    }
}
