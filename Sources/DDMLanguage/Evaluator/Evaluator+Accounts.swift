import DDMKit

/// Account statements (grant and revoke run as batches, in `BatchRunner`).
extension Evaluator {
    /// An account's state before a write that changes it outside a batch, when a journal is kept.
    func accountBefore(_ user: String, instance: String) async throws -> Journal.AccountState? {
        guard await journalForWrites() != nil else { return nil }
        return try await client.allAccounts(instance: instance).first { $0.name == user }.map { BatchPlanner.State($0).journaled }
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
