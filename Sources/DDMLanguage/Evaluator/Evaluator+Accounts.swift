import DDMKit

/// Account statements (grant and revoke run as batches, in `BatchRunner`).
extension Evaluator {
    /// An account's state before a write that changes it outside a batch, when a journal is kept.
    func accountBefore(_ user: String, instance: String) async throws -> Journal.AccountState? {
        guard await journalForWrites() != nil else { return nil }
        return try await accounts(instance: instance).first { $0.name == user }.map { BatchPlanner.State($0).journaled }
    }
}
