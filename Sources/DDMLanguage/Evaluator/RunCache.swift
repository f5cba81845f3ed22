import DDMKit

/// Lists one run reads more than once, read once: an applied export reads the account list for
/// its `create user … if not exists`, its `grant exactly` batch and `declare users complete`, and
/// a loop of `create schema … on rds <name>` needs the available RDS list at each statement. The
/// account list is kept only until the run's next write (any write: it may change an account);
/// the RDS list for the run (creating a schema does not change which RDS instances are available).
enum RunCache {
    struct Accounts: Sendable {
        var instance: String
        var list: [Account]
        /// Read with the extended privileges shown.
        var extended: Bool
    }
}

extension Evaluator {
    /// The instance's accounts, every page: from this run's last read when nothing was written since.
    func accounts(instance: String, showingExtended asked: Bool = false) async throws -> [Account] {
        let extended = asked || accountsReadExtended
        if let kept = accountSnapshot, kept.instance == instance, kept.extended || !extended { return kept.list }
        let list = try await client.allAccounts(instance: instance, showingExtended: extended)
        accountSnapshot = RunCache.Accounts(instance: instance, list: list, extended: extended)
        return list
    }

    /// Forgets the account list: this run wrote to accounts.
    func accountsChanged() { accountSnapshot = nil }

    /// The RDS instances available to the instance, read once per run.
    func availableRDSList(instance: String) async throws -> [AvailableRDS] {
        if let kept = availableRDS, kept.instance == instance { return kept.list }
        let list = try await client.allAvailableRDS(instance: instance)
        availableRDS = (instance, list)
        return list
    }
}
