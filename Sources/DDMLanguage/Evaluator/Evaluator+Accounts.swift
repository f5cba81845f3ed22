import DDMKit

/// Account statements (grant and revoke run as batches, in `BatchRunner`).
extension Evaluator {
    /// An account's state before a write that changes it outside a batch, when a journal is kept.
    func accountBefore(_ user: String, instance: String) async throws -> Journal.AccountState? {
        guard await journalForWrites() != nil else { return nil }
        return try await client.allAccounts(instance: instance).first { $0.name == user }.map { BatchPlanner.State($0).journaled }
    }

    /// Whether the account exists, from this run's view of the accounts (one read per instance).
    func accountExists(_ name: String, instance: String) async throws -> Bool {
        if let known = knownAccounts, known.instance == instance { return known.names.contains(name) }
        let names = Set(try await client.allAccounts(instance: instance).map(\.name))
        knownAccounts = (instance, names)
        return names.contains(name)
    }

    /// Keeps the run's view of the accounts up to date after one of its own writes; `exists` nil
    /// when the write's outcome is not known, which forgets the view.
    func noteAccount(_ name: String, exists: Bool?, instance: String) {
        guard let known = knownAccounts, known.instance == instance else { return }
        switch exists {
        case true?: knownAccounts?.names.insert(name)
        case false?: knownAccounts?.names.remove(name)
        case nil: knownAccounts = nil
        }
    }
}
